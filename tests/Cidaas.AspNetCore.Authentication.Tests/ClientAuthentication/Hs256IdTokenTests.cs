namespace Cidaas.AspNetCore.Authentication.Tests.ClientAuthentication;

/// <summary>
/// cidaas apps whose <c>id_token_signed_response_alg</c> is HS256: refused by default with CIDAAS3030, which names the
/// setting; accepted with <c>AcceptHs256IdTokens</c>, and then only when keyed with the client secret (OpenID Connect
/// Core §10.1), never with anything the issuer publishes.
/// </summary>
public sealed class Hs256IdTokenTests : SignInTestBase
{
    public Hs256IdTokenTests(ITestOutputHelper output)
        : base(output)
    {
        TestClient.ClientSecret = ClientKeys.LongSecret;
        TestClient.IdTokenSignedResponseAlg = "HS256";
    }

    private CidaasEmulatorClient TestClient => EmulatorOptions.Clients.Single(c => c.ClientId == TestClients.ClientId);

    [Fact]
    public async Task An_hs256_id_token_is_refused_by_default_with_the_app_setting_to_change()
    {
        await StartAppAsync();

        var response = await CallbackAfterAsync(_ => { });

        var failure = await ExpectFailureAsync(response, "CIDAAS3030");
        failure.Message.Should().Contain("'id_token_signed_response_alg' to 'RS256'").And.Contain("AcceptHs256IdTokens");
        TokenRequests.Should().Be(1);
    }

    [Fact]
    public async Task An_hs256_id_token_keyed_with_the_client_secret_is_accepted_when_opted_in()
    {
        await StartAppAsync(o => o.AcceptHs256IdTokens = true);

        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);

        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task An_hs256_id_token_with_a_wrong_nonce_is_refused_when_opted_in()
    {
        await StartAppAsync(o => o.AcceptHs256IdTokens = true);

        var response = await CallbackAfterAsync(next => next.IdToken(CidaasIdTokenDefect.WrongNonce));

        await ExpectFailureAsync(response, "'nonce' claim is not the nonce");
    }

    [Fact]
    public async Task An_hs256_id_token_keyed_with_another_secret_is_refused()
    {
        // The app authenticates with its private key, so that its own (wrong) secret serves only as the HS256 key.
        using var keys = ClientKeys.Rsa();
        TestClient.Jwks = keys.Jwks;
        await StartAppAsync(o =>
        {
            o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.PrivateKeyJwt;
            o.ClientSigningCredentials = keys.Credentials;
            o.ClientSecret = "another-secret-that-is-also-32-bytes-long";
            o.AcceptHs256IdTokens = true;
        });

        var response = await CallbackAfterAsync(_ => { });

        await ExpectFailureAsync(response, "CIDAAS3002: The id_token was rejected: its HS256 signature was not made with the client secret.");
    }

    [Fact]
    public async Task An_hs256_id_token_keyed_with_the_issuers_published_key_is_refused_even_when_opted_in()
    {
        await StartAppAsync(o => o.AcceptHs256IdTokens = true);

        var response = await CallbackAfterAsync(next => next.IdToken(CidaasIdTokenDefect.Hs256WithPublicKey));

        await ExpectFailureAsync(response, "CIDAAS3002");
    }

    [Fact]
    public async Task An_rs256_id_token_is_still_accepted_when_hs256_is_opted_in()
    {
        TestClient.IdTokenSignedResponseAlg = null;
        await StartAppAsync(o => o.AcceptHs256IdTokens = true);

        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Sign_out_after_an_hs256_sign_in_sends_the_id_token_the_emulator_accepts_as_hint()
    {
        await StartAppAsync(o => o.AcceptHs256IdTokens = true);
        await SignInAsync();

        var response = await Browser.GetAsync(App.BaseAddress + "/signout");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var endSession = await Browser.GetAsync(response.Headers.Location!.ToString());
        endSession.StatusCode.Should().Be(HttpStatusCode.Redirect, await endSession.Content.ReadAsStringAsync());
        endSession.Headers.Location!.ToString().Should().StartWith(TestApp.Origin + "/signout-callback-cidaas");
    }
}
