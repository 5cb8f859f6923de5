using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Tests.TestKit;

public sealed class EmulatorLogoutTokenTests : IAsyncLifetime
{
    private CidaasEmulator _emulator = default!;

    public async Task InitializeAsync() => _emulator = await CidaasEmulator.CreateAsync(TestClients.CreateEmulatorOptions());

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public void A_logout_token_has_the_claims_and_type_of_back_channel_logout()
    {
        var token = new JsonWebToken(_emulator.CreateLogoutToken("alice", "sid-1", TestClients.ClientId));

        token.Typ.Should().Be("logout+jwt");
        token.Alg.Should().Be("RS256");
        token.Issuer.Should().Be(_emulator.Authority);
        token.Audiences.Should().Equal(TestClients.ClientId);
        token.Subject.Should().Be(_emulator.Options.Users.Single(u => u.Username == "alice").Sub);
        token.GetPayloadValue<string>("sid").Should().Be("sid-1");
        token.GetPayloadValue<string>("jti").Should().NotBeNullOrEmpty();
        token.TryGetPayloadValue<object>("nonce", out _).Should().BeFalse();
        token.GetPayloadValue<System.Text.Json.JsonElement>("events")
            .GetProperty("http://schemas.openid.net/event/backchannel-logout").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Object);
        (token.ValidTo - token.IssuedAt).Should().Be(_emulator.Options.LogoutTokenLifetime);
    }

    [Fact]
    public void A_logout_token_without_type_has_no_typ_header_and_is_still_signed()
    {
        var token = new JsonWebToken(_emulator.CreateLogoutToken("alice", defect: CidaasLogoutTokenDefect.NoType));

        token.TryGetHeaderValue<string>("typ", out _).Should().BeFalse();
        token.Kid.Should().NotBeNullOrEmpty();
        token.EncodedSignature.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Ending_the_sessions_of_a_user_delivers_to_each_client_with_a_logout_uri_and_records_a_failed_delivery()
    {
        _emulator.Options.Clients.Single(c => c.ClientId == TestClients.ClientId).BackchannelLogoutUri = "http://127.0.0.1:1/backchannel-logout-cidaas";
        await _emulator.GetAccessTokenAsync("alice", "openid", TestClients.ClientId);
        await _emulator.GetAccessTokenAsync("alice", "openid", CidaasEmulatorOptions.DemoClientId); // no logout URI: nothing sent
        await _emulator.GetAccessTokenAsync("bob", "openid", TestClients.ClientId); // another user

        var deliveries = await _emulator.EndSessionsOfAsync("alice");

        deliveries.Should().ContainSingle();
        deliveries[0].ClientId.Should().Be(TestClients.ClientId);
        deliveries[0].StatusCode.Should().BeNull("nothing listens on port 1");
        deliveries[0].Succeeded.Should().BeFalse();
        _emulator.BackchannelLogouts.Should().ContainSingle();
        (await _emulator.EndSessionsOfAsync("alice")).Should().BeEmpty("the sessions are ended already");
    }
}
