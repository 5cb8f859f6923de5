using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace Cidaas.AspNetCore.Authentication.Tests.TestKit;

/// <summary>
/// The emulator's defaults against real cidaas, row by row of <c>docs/cidaas-compatibility.md</c>: the shapes of the
/// token answer, the tokens, discovery and userinfo, introspection as cidaas does it, and the end of a session.
/// </summary>
public sealed class EmulatorFidelityTests : IAsyncLifetime
{
    private const string RedirectUri = "http://localhost/callback";

    // The members of cidaas's discovery document, in its order (Cidaas/cidaas-sdk-php tests/AbstractCidaasTestParent.php).
    private static readonly string[] RealDiscoveryMembers =
    [
        "issuer", "userinfo_endpoint", "authorization_endpoint", "introspection_endpoint", "introspection_async_update_endpoint",
        "revocation_endpoint", "token_endpoint", "jwks_uri", "check_session_iframe", "end_session_endpoint",
        "social_provider_token_resolver_endpoint", "device_authorization_endpoint", "subject_types_supported", "scopes_supported",
        "response_types_supported", "response_modes_supported", "grant_types_supported", "id_token_signing_alg_values_supported",
        "id_token_encryption_alg_values_supported", "id_token_encryption_enc_values_supported", "userinfo_signing_alg_values_supported",
        "userinfo_encryption_alg_values_supported", "userinfo_encryption_enc_values_supported", "request_object_signing_alg_values_supported",
        "request_object_encryption_alg_values_supported", "request_object_encryption_enc_values_supported",
        "token_endpoint_auth_methods_supported", "token_endpoint_auth_signing_alg_values_supported", "claims_supported",
        "claims_parameter_supported", "claim_types_supported", "service_documentation", "claims_locales_supported",
        "ui_locales_supported", "display_values_supported", "code_challenge_methods_supported", "request_parameter_supported",
        "request_uri_parameter_supported", "require_request_uri_registration", "op_policy_uri", "op_tos_uri", "scim_endpoint",
    ];

    private CidaasEmulator _emulator = default!;
    private HttpClient _client = default!;

    private CidaasEmulatorUser Alice => _emulator.Options.Users.Single(u => u.Username == "alice");

    public async Task InitializeAsync()
    {
        var options = TestClients.CreateEmulatorOptions();
        options.Clients.Single(c => c.ClientId == CidaasEmulatorOptions.DemoClientId).PostLogoutRedirectUris.Add("http://localhost/signed-out");
        _emulator = await CidaasEmulator.CreateAsync(options);
        _client = _emulator.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Token_answer_has_the_members_of_cidaas_in_its_order_and_no_scope()
    {
        var answer = await RedeemCodeAsync("openid profile offline_access", nonce: "1603357001");

        answer.Select(member => member.Key).Should().Equal(
            "token_type", "sub", "expires_in", "id_token_expires_in", "access_token", "id_token", "refresh_token", "identity_id");
        answer["sub"]!.GetValue<string>().Should().Be(Alice.Sub);
        answer["identity_id"]!.GetValue<string>().Should().Be(Alice.IdentityId);
        answer["id_token_expires_in"]!.GetValue<long>().Should().Be((long)_emulator.Options.IdTokenLifetime.TotalSeconds);
    }

    [Fact]
    public async Task Access_token_has_the_cidaas_members_and_no_typ_nbf_azp_or_client_id()
    {
        var answer = await RedeemCodeAsync("openid profile", nonce: "1603357001");
        var accessToken = answer["access_token"]!.GetValue<string>();

        BearerTokens.Header(accessToken).Select(member => member.Key).Should().Equal("alg", "kid");
        var payload = BearerTokens.Payload(accessToken);
        payload.Select(member => member.Key).Should().BeEquivalentTo(
            "amr", "sid", "sub", "isub", "aud", "auth_time", "iss", "jti", "nonce", "scopes", "roles", "groups", "iat", "exp");
        payload["aud"]!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.String);
        payload["amr"]!.AsArray().Select(value => value!.GetValue<string>()).Should().OnlyContain(value => value.All(char.IsAsciiDigit));
        payload["isub"]!.GetValue<string>().Should().Be(Alice.IdentityId);
        payload["nonce"]!.GetValue<string>().Should().Be("1603357001");
        payload["scopes"]!.AsArray().Select(value => value!.GetValue<string>()).Should().Equal("openid", "profile");
        payload["groups"]!.ToJsonString().Should().Be("""[{"groupId":"engineering","roles":["lead","member"]}]""", "tokens carry no groupType");
    }

    [Fact]
    public async Task Id_token_is_the_access_tokens_claims_plus_at_hash_and_profile_without_typ_or_azp()
    {
        var answer = await RedeemCodeAsync("openid email", nonce: "n-1");
        var accessToken = BearerTokens.Payload(answer["access_token"]!.GetValue<string>());
        var idTokenText = answer["id_token"]!.GetValue<string>();

        BearerTokens.Header(idTokenText).Select(member => member.Key).Should().Equal("alg", "kid");
        var idToken = BearerTokens.Payload(idTokenText);
        idToken.ContainsKey("azp").Should().BeFalse();
        idToken.ContainsKey("typ").Should().BeFalse();
        foreach (var shared in new[] { "jti", "sid", "sub", "isub", "aud", "roles", "groups", "amr", "scopes", "nonce" })
        {
            idToken[shared]!.ToJsonString().Should().Be(accessToken[shared]!.ToJsonString(), shared + " is shared by both tokens of one answer");
        }

        idToken.ContainsKey("at_hash").Should().BeTrue();
        idToken["email"]!.GetValue<string>().Should().Be(Alice.Email);
    }

    [Fact]
    public async Task Refresh_grant_tokens_carry_no_amr_and_no_nonce()
    {
        var answer = await RedeemCodeAsync("openid offline_access", nonce: "n-2");

        using var refresh = await _client.PostAsync(CidaasDefaults.TokenPath.TrimStart('/'), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = answer["refresh_token"]!.GetValue<string>(),
            ["client_id"] = CidaasEmulatorOptions.DemoClientId,
            ["client_secret"] = CidaasEmulatorOptions.DemoClientSecret,
        }));
        var refreshed = JsonNode.Parse(await refresh.Content.ReadAsStringAsync())!.AsObject();

        foreach (var token in new[] { refreshed["access_token"]!.GetValue<string>(), refreshed["id_token"]!.GetValue<string>() })
        {
            var payload = BearerTokens.Payload(token);
            payload.ContainsKey("amr").Should().BeFalse();
            payload.ContainsKey("nonce").Should().BeFalse();
            payload.ContainsKey("roles").Should().BeTrue();
        }

        BearerTokens.Payload(answer["access_token"]!.GetValue<string>()).ContainsKey("amr").Should().BeTrue("the code grant's tokens have it");
    }

    [Fact]
    public async Task Id_token_with_the_access_tokens_jti_is_not_taken_for_the_access_token()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid profile", CidaasEmulatorOptions.DemoClientId);

        using var request = new HttpRequestMessage(HttpMethod.Get, CidaasDefaults.UserInformationPath.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.IdToken);
        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Discovery_has_the_members_of_the_real_cidaas_document_and_no_iss_parameter_support()
    {
        var document = JsonNode.Parse(await _client.GetStringAsync(CidaasDefaults.DiscoveryPath.TrimStart('/')))!.AsObject();

        document.Select(member => member.Key).Should().Equal(RealDiscoveryMembers);
        document["id_token_signing_alg_values_supported"]!.ToJsonString().Should().Be("""["HS256","RS256"]""");
        document["grant_types_supported"]!.ToJsonString().Should().Be("""["implicit","authorization_code","refresh_token","password","client_credentials"]""");
        document["end_session_endpoint"]!.GetValue<string>().Should().Be(_emulator.Authority + CidaasDefaults.EndSessionPath);
    }

    [Fact]
    public async Task Discovery_advertises_the_iss_parameter_only_when_asked_to()
    {
        _emulator.Options.AdvertiseAuthorizationResponseIss = true;

        var document = JsonNode.Parse(await _client.GetStringAsync(CidaasDefaults.DiscoveryPath.TrimStart('/')))!.AsObject();

        document["authorization_response_iss_parameter_supported"]!.GetValue<bool>().Should().BeTrue();
    }

    [Theory]
    [InlineData("openid", "sub,customFields")]
    [InlineData("openid profile", "sub,name,given_name,family_name,preferred_username,customFields")]
    [InlineData("openid email phone", "sub,email,email_verified,mobile_number,customFields")]
    [InlineData("openid roles", "sub,roles,customFields")]
    [InlineData("openid groups", "sub,groups,customFields")]
    [InlineData("openid identities address", "sub,identities,customFields")]
    public async Task Userinfo_releases_each_field_only_for_its_scope(string scope, string members)
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", scope, CidaasEmulatorOptions.DemoClientId);

        var userInfo = await GetUserInfoAsync(tokens.AccessToken);

        userInfo.Select(member => member.Key).Should().BeEquivalentTo(members.Split(','));
    }

    [Fact]
    public async Task Userinfo_groups_carry_the_group_type()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid groups roles", CidaasEmulatorOptions.DemoClientId);

        var userInfo = await GetUserInfoAsync(tokens.AccessToken);

        userInfo["groups"]!.ToJsonString().Should().Be("""[{"groupId":"engineering","groupType":"department","roles":["lead","member"]}]""");
        userInfo["roles"]!.ToJsonString().Should().Be("""["admin","user"]""");
    }

    [Fact]
    public async Task Introspection_takes_json_with_basic_credentials_and_answers_as_cidaas()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid orders:read", CidaasEmulatorOptions.DemoClientId);

        var answer = await IntrospectAsync(tokens.AccessToken, Basic(CidaasEmulatorOptions.DemoClientId, CidaasEmulatorOptions.DemoClientSecret));

        answer["active"]!.GetValue<bool>().Should().BeTrue();
        answer["token_type"]!.GetValue<string>().Should().Be("Bearer");
        answer["aud"]!.GetValue<string>().Should().Be(CidaasEmulatorOptions.DemoClientId);
        answer["scope"]!.GetValue<string>().Should().Be("openid orders:read");
        answer["scopes"]!.ToJsonString().Should().Be("""["openid","orders:read"]""");
        answer["groups"]!.ToJsonString().Should().Be("""[{"groupId":"engineering","groupType":"department","roles":["lead","member"]}]""");
        answer.ContainsKey("client_id").Should().BeFalse();
    }

    [Fact]
    public async Task Introspection_answers_inactive_to_a_caller_outside_the_tokens_audience()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid", CidaasEmulatorOptions.DemoClientId);

        var otherClient = await IntrospectAsync(tokens.AccessToken, Basic(TestClients.ClientId, TestClients.ClientSecret));
        var nobody = await IntrospectAsync(tokens.AccessToken, authorization: null);

        otherClient.ToJsonString().Should().Be("""{"active":false,"token_type":"Bearer"}""");
        nobody["active"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task Introspection_knows_the_caller_by_the_token_itself_as_bearer_or_by_client_id_in_the_body()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid", CidaasEmulatorOptions.DemoClientId);

        var bearer = await IntrospectAsync(tokens.AccessToken, new AuthenticationHeaderValue("Bearer", tokens.AccessToken));
        var clientId = await IntrospectAsync(tokens.AccessToken, authorization: null, clientId: CidaasEmulatorOptions.DemoClientId);

        bearer["active"]!.GetValue<bool>().Should().BeTrue();
        clientId["active"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Introspection_refuses_a_form_body_and_wrong_credentials()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid", CidaasEmulatorOptions.DemoClientId);

        using var form = await _client.PostAsync(CidaasDefaults.IntrospectionPath.TrimStart('/'), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = tokens.AccessToken,
            ["client_id"] = CidaasEmulatorOptions.DemoClientId,
            ["client_secret"] = CidaasEmulatorOptions.DemoClientSecret,
        }));
        using var wrongSecret = await SendIntrospectionAsync(tokens.AccessToken, Basic(CidaasEmulatorOptions.DemoClientId, "wrong"), clientId: null);

        form.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        wrongSecret.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task End_session_with_an_access_token_hint_revokes_the_sessions_tokens_and_returns_to_the_app()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid offline_access", CidaasEmulatorOptions.DemoClientId);

        using var response = await _client.GetAsync(QueryHelpers.AddQueryString(CidaasDefaults.EndSessionPath.TrimStart('/'), new Dictionary<string, string?>
        {
            ["access_token_hint"] = tokens.AccessToken,
            ["post_logout_redirect_uri"] = "http://localhost/signed-out",
            ["state"] = "s1",
        }));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("http://localhost/signed-out?state=s1");
        var basic = Basic(CidaasEmulatorOptions.DemoClientId, CidaasEmulatorOptions.DemoClientSecret);
        (await IntrospectAsync(tokens.AccessToken, basic))["active"]!.GetValue<bool>().Should().BeFalse();
        (await IntrospectAsync(tokens.RefreshToken!, basic))["active"]!.GetValue<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task End_session_without_a_token_hint_ignores_the_return_url_and_stays_on_the_signed_out_page()
    {
        using var response = await _client.GetAsync(QueryHelpers.AddQueryString(CidaasDefaults.EndSessionPath.TrimStart('/'), new Dictionary<string, string?>
        {
            ["client_id"] = CidaasEmulatorOptions.DemoClientId,
            ["post_logout_redirect_uri"] = "http://localhost/signed-out",
        }));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("signed-out");
    }

    [Fact]
    public async Task End_session_stays_on_the_signed_out_page_for_an_unregistered_return_url()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid", TestClients.ClientId);

        using var response = await _client.GetAsync(QueryHelpers.AddQueryString(CidaasDefaults.EndSessionPath.TrimStart('/'), new Dictionary<string, string?>
        {
            ["id_token_hint"] = tokens.IdToken,
            ["post_logout_redirect_uri"] = "https://evil.example/",
        }));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.Location.Should().BeNull();
    }

    private async Task<JsonObject> RedeemCodeAsync(string scope, string nonce)
    {
        using var authorize = await _client.GetAsync(QueryHelpers.AddQueryString(CidaasDefaults.AuthorizationPath.TrimStart('/'), new Dictionary<string, string?>
        {
            ["client_id"] = CidaasEmulatorOptions.DemoClientId,
            ["redirect_uri"] = RedirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["nonce"] = nonce,
        }));
        authorize.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var code = QueryHelpers.ParseQuery(authorize.Headers.Location!.Query)["code"].ToString();

        using var token = await _client.PostAsync(CidaasDefaults.TokenPath.TrimStart('/'), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["client_id"] = CidaasEmulatorOptions.DemoClientId,
            ["client_secret"] = CidaasEmulatorOptions.DemoClientSecret,
        }));
        var body = await token.Content.ReadAsStringAsync();
        token.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private async Task<JsonObject> GetUserInfoAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, CidaasDefaults.UserInformationPath.TrimStart('/'));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await _client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private async Task<JsonObject> IntrospectAsync(string token, AuthenticationHeaderValue? authorization, string? clientId = null)
    {
        using var response = await SendIntrospectionAsync(token, authorization, clientId);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private Task<HttpResponseMessage> SendIntrospectionAsync(string token, AuthenticationHeaderValue? authorization, string? clientId)
    {
        var body = new JsonObject { ["token"] = token, ["token_type_hint"] = "access_token" };
        if (clientId is not null)
        {
            body["client_id"] = clientId;
        }

        var request = new HttpRequestMessage(HttpMethod.Post, CidaasDefaults.IntrospectionPath.TrimStart('/'))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = authorization;
        return _client.SendAsync(request);
    }

    private static AuthenticationHeaderValue Basic(string clientId, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(secret))));
}
