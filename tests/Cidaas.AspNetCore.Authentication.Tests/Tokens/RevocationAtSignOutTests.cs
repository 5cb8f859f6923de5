using System.Diagnostics;

namespace Cidaas.AspNetCore.Authentication.Tests.Tokens;

/// <summary>
/// <c>RevokeRefreshTokenOnSignOut</c>: sign-out revokes the session's refresh token at cidaas (RFC 7009), so that it
/// is dead there too; a revocation endpoint that is down or slow never stops the sign-out.
/// </summary>
public sealed class RevocationAtSignOutTests(ITestOutputHelper output) : TokensTestBase(output)
{
    [Fact]
    public async Task Logout_should_revoke_the_refresh_token_at_cidaas()
    {
        await SignInWithTokensAsync();
        var refreshToken = SignInRefreshToken;

        var signOut = await Browser.GetAsync(App.BaseAddress + "/signout");

        signOut.StatusCode.Should().Be(HttpStatusCode.Redirect);
        signOut.Headers.Location!.GetLeftPart(UriPartial.Path).Should().Be(Emulator.Authority + CidaasDefaults.EndSessionPath);
        var revocation = Emulator.Requests.Should().ContainSingle(r => r.Path == CidaasDefaults.RevocationPath).Subject;
        revocation.Form["token"].Should().Be(refreshToken);
        revocation.Form["token_type_hint"].Should().Be("refresh_token");
        revocation.Form["client_id"].Should().Be(TestClients.ClientId);
        (await IntrospectAsync(refreshToken)).Should().BeFalse("the refresh token is dead at cidaas");
    }

    [Fact]
    public async Task Revocation_endpoint_down_does_not_stop_the_sign_out()
    {
        await SignInWithTokensAsync();
        Emulator.Next.Fault(CidaasDefaults.RevocationPath, CidaasEmulatorFault.DropConnection());

        var signOut = await Browser.GetAsync(App.BaseAddress + "/signout");

        signOut.StatusCode.Should().Be(HttpStatusCode.Redirect);
        signOut.Headers.Location!.GetLeftPart(UriPartial.Path).Should().Be(Emulator.Authority + CidaasDefaults.EndSessionPath);
        HasSignInCookie().Should().BeFalse();
        App.Logs.Lines.Should().Contain(l => l.Contains("could not be revoked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Slow_revocation_endpoint_costs_the_sign_out_at_most_the_time_budget()
    {
        await SignInWithTokensAsync();
        Emulator.Next.Fault(CidaasDefaults.RevocationPath, CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(30)));

        var watch = Stopwatch.StartNew();
        var signOut = await Browser.GetAsync(App.BaseAddress + "/signout");
        watch.Stop();

        Output.WriteLine($"sign-out with a hanging revocation endpoint took {watch.ElapsedMilliseconds} ms");
        signOut.StatusCode.Should().Be(HttpStatusCode.Redirect);
        HasSignInCookie().Should().BeFalse();
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the 3 s budget bounds the wait, not the endpoint's 30 s");
    }

    [Fact]
    public async Task Revocation_error_status_is_logged_and_the_sign_out_completes()
    {
        await SignInWithTokensAsync();
        Emulator.Next.Fault(CidaasDefaults.RevocationPath, CidaasEmulatorFault.Status(500));

        var signOut = await Browser.GetAsync(App.BaseAddress + "/signout");

        signOut.StatusCode.Should().Be(HttpStatusCode.Redirect);
        App.Logs.Lines.Should().Contain(l => l.Contains("CIDAAS7010", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_refresh_token_nothing_is_sent()
    {
        await StartAppAsync();
        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);

        (await Browser.GetAsync(App.BaseAddress + "/signout")).StatusCode.Should().Be(HttpStatusCode.Redirect);

        Emulator.CountRequests(CidaasDefaults.RevocationPath).Should().Be(0);
    }

    [Fact]
    public async Task Revocation_can_be_turned_off()
    {
        await SignInWithTokensAsync(o => o.RevokeRefreshTokenOnSignOut = false);

        (await Browser.GetAsync(App.BaseAddress + "/signout")).StatusCode.Should().Be(HttpStatusCode.Redirect);

        Emulator.CountRequests(CidaasDefaults.RevocationPath).Should().Be(0);
        (await IntrospectAsync(SignInRefreshToken)).Should().BeTrue();
    }

    private async Task<bool> IntrospectAsync(string token)
    {
        using var client = Emulator.CreateClient();
        return await TestClients.IntrospectAsync(client, token);
    }
}
