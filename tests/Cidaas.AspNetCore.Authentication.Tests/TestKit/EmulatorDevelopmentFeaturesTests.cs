using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Tests.TestKit;

/// <summary>
/// What the emulator offers a developer running their own app against it: the test-only token endpoint (off unless
/// asked for), endpoints that keep failing, error pages that say what was received and expected, and the demo hint.
/// </summary>
public sealed class EmulatorDevelopmentFeaturesTests
{
    private static readonly string DemoCredentials =
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{CidaasEmulatorOptions.DemoClientId}:{CidaasEmulatorOptions.DemoClientSecret}"));

    [Fact]
    public async Task The_test_token_endpoint_does_not_exist_unless_enabled()
    {
        await using var emulator = await CidaasEmulator.CreateAsync(CidaasEmulatorOptions.CreateDefault());
        using var client = emulator.CreateClient();

        using var response = await client.SendAsync(TestTokenRequest(DemoCredentials, ("username", "alice")));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_test_token_endpoint_mints_a_token_of_the_emulator_for_an_authenticated_client()
    {
        var options = CidaasEmulatorOptions.CreateDefault();
        options.EnableTestTokenEndpoint = true;
        await using var emulator = await CidaasEmulator.CreateAsync(options);
        using var client = emulator.CreateClient();

        using var response = await client.SendAsync(TestTokenRequest(DemoCredentials, ("username", "bob"), ("scope", "openid orders:read")));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("X-Cidaas-Emulator").Should().Equal("test-only");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var accessToken = body.RootElement.GetProperty("access_token").GetString()!;
        var token = new JsonWebToken(accessToken);
        token.Subject.Should().Be(options.Users.Single(u => u.Username == "bob").Sub);
        token.GetPayloadValue<List<string>>("scopes").Should().Equal("openid", "orders:read");
        body.RootElement.GetProperty("token_type").GetString().Should().Be("Bearer");
        body.RootElement.GetProperty("expires_in").GetInt64().Should().BeInRange(3590, 3600);

        // The token is one the emulator knows: its userinfo answers for it.
        using var userInfo = new HttpRequestMessage(HttpMethod.Get, "/users-srv/userinfo");
        userInfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        (await client.SendAsync(userInfo)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("wrong secret", HttpStatusCode.Unauthorized, "invalid_client")]
    [InlineData("unknown user", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("no user", HttpStatusCode.BadRequest, "invalid_request")]
    [InlineData("forbidden scope", HttpStatusCode.BadRequest, "invalid_request")]
    public async Task The_test_token_endpoint_refuses_what_the_token_endpoint_would_refuse(string variant, HttpStatusCode status, string error)
    {
        var options = CidaasEmulatorOptions.CreateDefault();
        options.EnableTestTokenEndpoint = true;
        options.Clients[0].AllowedScopes.Add("openid");
        await using var emulator = await CidaasEmulator.CreateAsync(options);
        using var client = emulator.CreateClient();
        var request = variant switch
        {
            "wrong secret" => TestTokenRequest(Convert.ToBase64String(Encoding.ASCII.GetBytes("demo-client:wrong")), ("username", "alice")),
            "unknown user" => TestTokenRequest(DemoCredentials, ("username", "mallory")),
            "no user" => TestTokenRequest(DemoCredentials, ("scope", "openid")),
            _ => TestTokenRequest(DemoCredentials, ("username", "alice"), ("scope", "openid admin:everything")),
        };

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(status);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("error").GetString().Should().Be(error);
        body.RootElement.TryGetProperty("access_token", out _).Should().BeFalse();
        body.RootElement.GetProperty("error_description").GetString().Should().NotContain("Parameter").And.NotContain("demo-secret");
    }

    [Fact]
    public async Task A_failing_endpoint_answers_its_status_to_every_request_until_removed()
    {
        var options = CidaasEmulatorOptions.CreateDefault();
        options.FailingEndpoints["/.well-known/openid-configuration/"] = 503;
        await using var emulator = await CidaasEmulator.CreateAsync(options);
        using var client = emulator.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var failed = await client.GetAsync("/.well-known/openid-configuration");
            failed.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await failed.Content.ReadAsStringAsync()).Should().Contain("temporarily_unavailable");
        }

        options.FailingEndpoints.Clear();
        (await client.GetAsync("/.well-known/openid-configuration")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_page_names_the_uri_the_client_and_the_registered_uris()
    {
        var options = CidaasEmulatorOptions.CreateDefault();
        options.Clients.Add(new CidaasEmulatorClient
        {
            ClientId = "shop",
            ClientSecret = "shop-secret",
            RedirectUris = { "https://shop.example/signin-cidaas" },
        });
        await using var emulator = await CidaasEmulator.CreateAsync(options);
        using var client = emulator.CreateClient();

        var page = await (await client.GetAsync(
            "/authz-srv/authz?client_id=shop&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2Fcb")).Content.ReadAsStringAsync();
        page.Should().Contain("https://evil.example/cb").And.Contain("&#39;shop&#39;").And.Contain("https://shop.example/signin-cidaas");
        page.Should().NotContain("shop-secret");

        var unknown = await (await client.GetAsync("/authz-srv/authz?client_id=nobody&response_type=code&redirect_uri=x")).Content.ReadAsStringAsync();
        unknown.Should().Contain("nobody").And.Contain("demo-client").And.Contain("shop");
    }

    [Fact]
    public async Task The_login_page_shows_the_demo_users_hint_of_the_default_options_and_no_hint_otherwise()
    {
        var withHint = CidaasEmulatorOptions.CreateDefault();
        withHint.ShowLoginPage = true;
        var withoutHint = CidaasEmulatorOptions.CreateDefault();
        withoutHint.ShowLoginPage = true;
        withoutHint.LoginPageHint = null;

        (await LoginPageAsync(withHint)).Should().Contain("id=\"demo-hint\"").And.Contain("alice / alice-password");
        (await LoginPageAsync(withoutHint)).Should().NotContain("demo-hint").And.NotContain("alice-password");
    }

    private static async Task<string> LoginPageAsync(CidaasEmulatorOptions options)
    {
        await using var emulator = await CidaasEmulator.CreateAsync(options);
        using var client = emulator.CreateClient();
        var response = await client.GetAsync(
            "/authz-srv/authz?client_id=demo-client&response_type=code&scope=openid&state=s&nonce=n"
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
            + "&redirect_uri=http%3A%2F%2Flocalhost%2Fsignin-cidaas");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    private static HttpRequestMessage TestTokenRequest(string basicCredentials, params (string Name, string Value)[] form)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/emulator/test-token")
        {
            Content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basicCredentials);
        return request;
    }
}
