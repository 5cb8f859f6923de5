namespace Cidaas.AspNetCore.Authentication.Tests.Sessions;

/// <summary>
/// Logout tokens of a cidaas app whose id_tokens are HS256 (<c>id_token_signed_response_alg</c>): validated as its
/// id_tokens are (Back-Channel Logout 1.0 §2.6), so accepted with <c>AcceptHs256IdTokens</c> when keyed with the client
/// secret, and refused otherwise.
/// </summary>
public sealed class Hs256LogoutTokenTests : SessionTestBase
{
    public Hs256LogoutTokenTests(ITestOutputHelper output)
        : base(output)
    {
        var client = EmulatorOptions.Clients.Single(c => c.ClientId == TestClients.ClientId);
        client.ClientSecret = ClientKeys.LongSecret;
        client.IdTokenSignedResponseAlg = "HS256";
    }

    [Fact]
    public async Task A_session_of_hs256_id_tokens_is_ended_by_the_hs256_logout_token_cidaas_sends()
    {
        await StartAppAsync(o => o.AcceptHs256IdTokens = true);
        ConnectBackchannelLogout();
        await SignInAsync();

        var deliveries = await Emulator.EndSessionsOfAsync("alice");

        deliveries.Should().ContainSingle().Which.StatusCode.Should().Be(200, deliveries[0].Response);
        (await IsSignedInAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task An_hs256_logout_token_is_refused_where_hs256_id_tokens_are_not_accepted()
    {
        EmulatorOptions.Clients.Single(c => c.ClientId == TestClients.ClientId).IdTokenSignedResponseAlg = null;
        await StartAppAsync();
        await SignInAsync();
        TestClient.IdTokenSignedResponseAlg = "HS256";

        var response = await PostLogoutAsync(LogoutToken(sessionId: SessionIdOfTheSignIn()));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("CIDAAS6002").And.Contain("HS256").And.Contain("AcceptHs256IdTokens");
        (await IsSignedInAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task An_hs256_logout_token_keyed_with_another_secret_is_refused()
    {
        await StartAppAsync(o => o.AcceptHs256IdTokens = true);
        await SignInAsync();
        var sessionId = SessionIdOfTheSignIn();
        TestClient.ClientSecret = "another-secret-that-is-also-32-bytes-long";

        var response = await PostLogoutAsync(LogoutToken(sessionId: sessionId));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("its HS256 signature was not made with the client secret");
        (await IsSignedInAsync()).Should().BeTrue();
    }
}
