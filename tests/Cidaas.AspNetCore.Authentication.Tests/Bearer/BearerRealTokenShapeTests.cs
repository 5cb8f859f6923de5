using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>
/// The bearer handler against the exact claim sets of real cidaas tokens (decoded from <c>Cidaas/cidaas-sdk-php</c>
/// and <c>Cidaas/cidaas-javascript-sdk</c> fixtures: header <c>{alg, kid}</c> only, <c>aud</c> a string, no <c>nbf</c>,
/// <c>azp</c> or <c>client_id</c>, <c>scopes</c> an array, numeric-string <c>amr</c>, <c>sub: ANONYMOUS</c> for a
/// client's token), signed with a key of this test's own tenant and with the times moved to now.
/// </summary>
public sealed class BearerRealTokenShapeTests(ITestOutputHelper output) : BearerTestBase(output), IDisposable
{
    private const string Tenant = "https://nightlybuild.cidaas.de";
    private const string Client = "7d5abdbc-8186-4c82-9943-f71506aaf700";
    private const string KeyId = "0615f799-f3fc-434e-8412-e1abc37aefe9";

    // T1: the access token of cidaas's authorization-code answer (Cidaas/cidaas-sdk-php tests/AbstractCidaasTestParent.php).
    private const string UserAccessToken = """
        {"amr":["2"],"ua_hash":"d5b5b842b8e1938c2342f0f9e7c324ea","sid":"b5bdcfd1-4357-4b54-8b11-bd6bc8a6f7da",
         "sub":"df838cf7-dc95-44de-a1cc-5c0eafb0f6db","isub":"3f9555f9-ac03-4d33-9cdb-432e1bce140f",
         "aud":"7d5abdbc-8186-4c82-9943-f71506aaf700","iat":0,"auth_time":0,"iss":"https://nightlybuild.cidaas.de",
         "jti":"f5e3e978-c695-4a60-b1a0-542b2adbb8f1","nonce":"1603357001","scopes":["openid","offline_access"],
         "roles":["USER"],"groups":[{"groupId":"CIDAAS_ADMINS","roles":["SECONDARY_ADMIN"]}],"exp":0}
        """;

    // T6: a client_credentials access token (Cidaas/cidaas-sdk-php, 2018 README / tests/IntrospectToken.php).
    private const string ClientAccessToken = """
        {"sid":"13732bd8-01ae-426d-8670-5a7035590e2d","sub":"ANONYMOUS","aud":"7d5abdbc-8186-4c82-9943-f71506aaf700",
         "iat":0,"auth_time":0,"iss":"https://nightlybuild.cidaas.de","jti":"704224e4-7a03-4afe-80be-a5a519ec479c",
         "scopes":["openid","email","profile","offline_access","phone"],"exp":0}
        """;

    private readonly RSA _key = RSA.Create(2048);

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Real_user_access_token_is_accepted_with_its_roles_groups_and_scopes()
    {
        await StartRealTenantApiAsync();

        var response = await App.GetAsync("/api/me", Issue(UserAccessToken));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        body.Split('\n').Should().Contain(ClaimTypes.NameIdentifier + "|df838cf7-dc95-44de-a1cc-5c0eafb0f6db")
            .And.Contain(ClaimTypes.Role + "|USER")
            .And.Contain(CidaasClaimTypes.GroupRole + "|CIDAAS_ADMINS:SECONDARY_ADMIN")
            .And.Contain(CidaasBearerClaimTypes.Scope + "|offline_access")
            .And.Contain("sid|b5bdcfd1-4357-4b54-8b11-bd6bc8a6f7da")
            .And.Contain("amr|2");
    }

    [Fact]
    public async Task Real_client_credentials_token_with_sub_ANONYMOUS_is_refused_by_default()
    {
        await StartRealTenantApiAsync();

        var response = await App.GetAsync("/api/me", Issue(ClientAccessToken));

        ExpectInvalidToken(response).Should().Be("The token names no user");
    }

    [Fact]
    public async Task Token_without_sub_is_refused_by_default()
    {
        await StartRealTenantApiAsync();

        var response = await App.GetAsync("/api/me", Issue(ClientAccessToken, payload => payload.Remove("sub")));

        ExpectInvalidToken(response).Should().Be("The token names no user");
    }

    [Fact]
    public async Task Client_credentials_token_is_accepted_as_a_client_without_a_user_when_allowed()
    {
        await StartRealTenantApiAsync(o => o.AllowAnonymousSubject = true);

        var response = await App.GetAsync("/api/me", Issue(ClientAccessToken));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        var claims = body.Split('\n');
        claims.Should().Contain("aud|" + Client).And.Contain(CidaasBearerClaimTypes.Scope + "|phone");
        claims.Should().NotContain(c => c.StartsWith(ClaimTypes.NameIdentifier + "|", StringComparison.Ordinal) || c.StartsWith("sub|", StringComparison.Ordinal),
            "ANONYMOUS is no user: nothing may key data by it");
    }

    [Fact]
    public async Task Token_with_nbf_in_the_future_is_rejected()
    {
        await StartRealTenantApiAsync();

        var token = Issue(UserAccessToken, payload => payload["nbf"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds());

        ExpectInvalidToken(await App.GetAsync("/api/me", token)).Should().Be("The token is not valid yet");
    }

    private Task<TestApp<CidaasBearerOptions>> StartRealTenantApiAsync(Action<CidaasBearerOptions>? configure = null)
        => StartAppAsync(o =>
        {
            o.Authority = Tenant;
            o.Audience = null;
            o.Audiences.Clear();
            o.Audiences.Add(Client);
            var configuration = new OpenIdConnectConfiguration { Issuer = Tenant };
            configuration.SigningKeys.Add(new RsaSecurityKey(_key.ExportParameters(false)) { KeyId = KeyId });
            o.Configuration = configuration;
            configure?.Invoke(o);
        });

    /// <summary>The real claim set with fresh times, signed with this tenant's key under a header of only alg and kid.</summary>
    private string Issue(string realPayload, Action<JsonObject>? change = null)
    {
        var payload = JsonNode.Parse(realPayload)!.AsObject();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        payload["iat"] = now;
        payload["auth_time"] = now;
        payload["exp"] = now + 86400;
        change?.Invoke(payload);
        return Remember(BearerTokens.Sign(new JsonObject { ["alg"] = "RS256", ["kid"] = KeyId }, payload, _key));
    }
}
