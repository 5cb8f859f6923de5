using Cidaas.AspNetCore.Authentication.Tests.Tokens;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.ClientAuthentication;

/// <summary>
/// <c>client_secret_jwt</c> and <c>private_key_jwt</c> (RFC 7523, OpenID Connect Core §9) end to end against the
/// emulator, which verifies every assertion: the sign-in's code exchange, the refresh and the revocation at sign-out all
/// carry a fresh assertion, never the secret. The base scans every log line and failure for the assertions.
/// </summary>
public sealed class JwtClientAuthenticationTests : TokensTestBase
{
    public JwtClientAuthenticationTests(ITestOutputHelper output)
        : base(output)
    {
        TestClient.ClientSecret = ClientKeys.LongSecret;
    }

    [Fact]
    public async Task Sign_in_refresh_and_revocation_with_client_secret_jwt_send_hs256_assertions_and_never_the_secret()
    {
        TestClient.TokenEndpointAuthMethod = "client_secret_jwt";
        await SignInWithTokensAsync(o => o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretJwt);
        (await GetTokenAsync("?force=true")).Succeeded.Should().BeTrue();
        await Browser.GetAsync(App.BaseAddress + "/signout");

        var exchange = ReadAssertion(CidaasDefaults.TokenPath, 0);
        exchange.Alg.Should().Be(SecurityAlgorithms.HmacSha256);
        exchange.TryGetHeaderValue<string>("kid", out _).Should().BeFalse("the secret has no key id");
        ExpectClaims(exchange, Emulator.Authority + CidaasDefaults.TokenPath);
        var refresh = ReadAssertion(CidaasDefaults.TokenPath, 1);
        ExpectClaims(refresh, Emulator.Authority + CidaasDefaults.TokenPath);
        refresh.Id.Should().NotBe(exchange.Id, "every assertion has a fresh jti");
        ExpectClaims(ReadAssertion(CidaasDefaults.RevocationPath, 0), Emulator.Authority + CidaasDefaults.RevocationPath);
        Emulator.Requests.Where(r => r.Path.StartsWith("/token-srv/", StringComparison.Ordinal))
            .Should().HaveCount(3).And.NotContain(r => r.Form.ContainsKey("client_secret") || r.Headers.ContainsKey("Authorization"));
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    [InlineData("ES256")]
    [InlineData("X509")]
    public async Task Sign_in_with_private_key_jwt_signs_with_the_clients_key_and_needs_no_secret(string kind)
    {
        using var keys = kind switch
        {
            "ES256" => ClientKeys.Ec(),
            "X509" => ClientKeys.Certificate(),
            _ => ClientKeys.Rsa(algorithm: kind),
        };
        UsePrivateKeyJwt(keys);
        await SignInWithTokensAsync(o => ConfigurePrivateKeyJwt(o, keys));

        HasSignInCookie().Should().BeTrue();
        var assertion = ReadAssertion(CidaasDefaults.TokenPath, 0);
        assertion.Alg.Should().Be(kind == "X509" ? "RS256" : kind);
        assertion.Kid.Should().Be(keys.Credentials.Key.KeyId);
        if (kind == "X509")
        {
            var certificate = ((X509SigningCredentials)keys.Credentials).Certificate;
            assertion.X5t.Should().Be(Base64UrlEncoder.Encode(certificate.GetCertHash()));
        }

        ExpectClaims(assertion, Emulator.Authority + CidaasDefaults.TokenPath);
    }

    [Fact]
    public async Task Assertions_name_the_issuer_as_their_sole_audience_when_asked()
    {
        using var keys = ClientKeys.Rsa();
        UsePrivateKeyJwt(keys);
        await SignInWithTokensAsync(o =>
        {
            ConfigurePrivateKeyJwt(o, keys);
            o.ClientAssertionAudience = CidaasClientAssertionAudience.Issuer;
        });

        var assertion = ReadAssertion(CidaasDefaults.TokenPath, 0);
        assertion.GetPayloadValue<string>("aud").Should().Be(Emulator.Authority, "one string, the issuer identifier (draft-ietf-oauth-rfc7523bis)");
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Pushed_authorization_requests_carry_a_private_key_jwt_assertion_for_the_par_endpoint()
    {
        using var keys = ClientKeys.Rsa();
        UsePrivateKeyJwt(keys);
        await SignInWithTokensAsync(o =>
        {
            ConfigurePrivateKeyJwt(o, keys);
            o.PushedAuthorizationBehavior = CidaasPushedAuthorizationBehavior.Require;
            o.PushedAuthorizationEndpoint = Emulator.Authority + CidaasDefaults.PushedAuthorizationPath;
        });

        HasSignInCookie().Should().BeTrue();
        var push = ReadAssertion(CidaasDefaults.PushedAuthorizationPath, 0);
        ExpectClaims(push, Emulator.Authority + CidaasDefaults.PushedAuthorizationPath);
        push.Id.Should().NotBe(ReadAssertion(CidaasDefaults.TokenPath, 0).Id);
    }

    [Fact]
    public async Task Refresh_with_private_key_jwt_renews_the_token_with_a_new_assertion()
    {
        using var keys = ClientKeys.Ec();
        UsePrivateKeyJwt(keys);
        await SignInWithTokensAsync(o => ConfigurePrivateKeyJwt(o, keys));

        var answer = await GetTokenAsync("?force=true");

        answer.Succeeded.Should().BeTrue();
        RefreshRequests.Should().Be(1);
        ReadAssertion(CidaasDefaults.TokenPath, 1).Id.Should().NotBe(ReadAssertion(CidaasDefaults.TokenPath, 0).Id);
    }

    [Fact]
    public async Task An_assertion_signed_with_a_key_cidaas_does_not_know_fails_the_sign_in_with_invalid_client()
    {
        using var registered = ClientKeys.Rsa("registered");
        using var other = ClientKeys.Rsa("registered");
        UsePrivateKeyJwt(registered);
        await StartAppAsync(o => ConfigurePrivateKeyJwt(o, other));

        var response = await CallbackAfterAsync(_ => { });

        var failure = await ExpectFailureAsync(response, "CIDAAS2001");
        failure.Error.Should().Be("invalid_client");
    }

    [Fact]
    public async Task A_client_registered_for_private_key_jwt_cannot_sign_in_with_its_secret()
    {
        using var keys = ClientKeys.Rsa();
        UsePrivateKeyJwt(keys);
        await StartAppAsync(o => o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretPost);

        var response = await CallbackAfterAsync(_ => { });

        (await ExpectFailureAsync(response, "CIDAAS2001")).Error.Should().Be("invalid_client");
    }

    private void UsePrivateKeyJwt(ClientKeys keys)
    {
        TestClient.TokenEndpointAuthMethod = "private_key_jwt";
        TestClient.Jwks = keys.Jwks;
    }

    private static void ConfigurePrivateKeyJwt(CidaasOptions o, ClientKeys keys)
    {
        o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.PrivateKeyJwt;
        o.ClientSigningCredentials = keys.Credentials;
        o.ClientSecret = null;
    }

    /// <summary>The assertion of the <paramref name="index"/>th request to <paramref name="path"/>, which names the client and sends no secret.</summary>
    private JsonWebToken ReadAssertion(string path, int index)
    {
        var request = Emulator.Requests.Where(r => r.Path == path).ElementAt(index);
        request.Form.Should().Contain("client_id", TestClients.ClientId);
        request.Form.Should().Contain("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        request.Form.Should().NotContainKey("client_secret");
        request.Headers.Should().NotContainKey("Authorization");
        return new JsonWebToken(request.Form["client_assertion"]);
    }

    private void ExpectClaims(JsonWebToken assertion, string audience)
    {
        assertion.Issuer.Should().Be(TestClients.ClientId);
        assertion.Subject.Should().Be(TestClients.ClientId);
        assertion.GetPayloadValue<string>("aud").Should().Be(audience);
        assertion.Id.Should().HaveLength(32, "24 random bytes, base64url");
        (assertion.ValidTo - assertion.IssuedAt).Should().Be(TimeSpan.FromSeconds(60));
        assertion.ValidFrom.Should().Be(assertion.IssuedAt);
        assertion.IssuedAt.Should().BeCloseTo(Clock.GetUtcNow().UtcDateTime, TimeSpan.FromSeconds(1), "the scheme's clock dates the assertion");
    }
}
