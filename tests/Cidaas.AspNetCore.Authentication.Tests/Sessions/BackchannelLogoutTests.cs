using Cidaas.AspNetCore.Authentication.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Tests.Sessions;

public sealed class BackchannelLogoutTests(ITestOutputHelper output) : SessionTestBase(output)
{
    [Fact]
    public async Task A_session_ended_at_cidaas_is_anonymous_at_the_next_request_of_a_cookie_only_app()
    {
        await StartAppAsync();
        ConnectBackchannelLogout();
        await SignInAsync();
        (await IsSignedInAsync()).Should().BeTrue();

        var deliveries = await Emulator.EndSessionsOfAsync("alice");

        deliveries.Should().ContainSingle().Which.StatusCode.Should().Be(200, deliveries[0].Response);
        deliveries[0].Uri.Should().Be(TestApp.Origin + LogoutPath);
        Emulator.BackchannelLogouts.Should().ContainSingle();
        (await IsSignedInAsync()).Should().BeFalse("the ended session is rejected and [Authorize] challenges");
        HasSignInCookie().Should().BeFalse("the rejected cookie is signed out");
    }

    [Fact]
    public async Task Sign_out_at_cidaas_sends_a_logout_token_that_ends_the_session_before_the_redirect()
    {
        await StartAppAsync();
        ConnectBackchannelLogout();
        await SignInAsync();
        var signedInCookie = Browser.Cookies.GetCookieHeader(new Uri(App.BaseAddress));

        // The browser goes to cidaas's end-session endpoint with the id_token as hint (the app's own sign-out).
        var signOut = await Browser.GetAsync(App.BaseAddress + "/signout");
        var back = await Browser.GetAsync(signOut.Headers.Location!.ToString());

        back.StatusCode.Should().Be(HttpStatusCode.Redirect);
        Emulator.BackchannelLogouts.Should().ContainSingle().Which.Succeeded.Should().BeTrue();

        // A copy of the cookie from before the sign-out (another tab, a stolen copy) no longer signs anyone in.
        var replay = await App.GetAsync("/protected", accessToken: null, r => r.Headers.Add("Cookie", signedInCookie));
        replay.StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_valid_logout_token_is_answered_200_with_no_store()
    {
        await StartAppAsync();

        var response = await PostLogoutAsync(LogoutToken());

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
    }

    [Fact]
    public async Task A_logout_that_failed_half_way_can_be_delivered_again()
    {
        var cache = new RecordingCache();
        await StartAppAsync(configureBuilder: b => b.Services.AddSingleton<Microsoft.Extensions.Caching.Distributed.IDistributedCache>(cache));
        await SignInAsync();
        var token = LogoutToken(sessionId: SessionIdOfTheSignIn());

        // The replay check reads the cache, then the cache goes away before the sessions are marked as ended.
        cache.FailWritesOf = "cidaas:ended:";
        var failed = await PostLogoutAsync(token);
        failed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await failed.Content.ReadAsStringAsync()).Should().Contain("CIDAAS6008").And.NotContain(" at ");
        (await IsSignedInAsync()).Should().BeTrue("nothing was ended");

        cache.FailWritesOf = null;
        var again = await PostLogoutAsync(token);
        again.StatusCode.Should().Be(HttpStatusCode.OK, "cidaas's retry of the same token is not a replay: the first delivery ended nothing");
        (await IsSignedInAsync()).Should().BeFalse();
        (await PostLogoutAsync(token)).StatusCode.Should().Be(HttpStatusCode.BadRequest, "once it succeeded, the token is a replay");
    }

    [Fact]
    public async Task A_logout_token_without_typ_as_cidaas_may_send_it_is_accepted()
    {
        await StartAppAsync();

        var response = await PostLogoutAsync(LogoutToken(CidaasLogoutTokenDefect.NoType));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_the_session_named_by_sid_ends_and_another_session_of_the_same_user_stays()
    {
        await StartAppAsync();
        await SignInAsync();

        // A logout token for another cidaas session of alice (another device) leaves this one alone.
        (await PostLogoutAsync(LogoutToken(sessionId: Guid.NewGuid().ToString()))).StatusCode.Should().Be(HttpStatusCode.OK);

        (await IsSignedInAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task A_logout_token_signed_with_a_newly_rotated_key_is_accepted_after_one_key_refetch()
    {
        await StartAppAsync();
        ConnectBackchannelLogout();
        await SignInAsync();
        var jwksBefore = JwksRequests;
        Emulator.RotateSigningKey();

        var deliveries = await Emulator.EndSessionsOfAsync("alice");

        deliveries.Single().Succeeded.Should().BeTrue(deliveries.Single().Response);
        (JwksRequests - jwksBefore).Should().Be(1, "the unknown kid causes exactly one refetch of the keys");
        (await IsSignedInAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task The_application_can_veto_a_logout_and_the_session_stays()
    {
        string? seenSid = null;
        await StartAppAsync(o => o.Events.OnBackchannelLogout = context =>
        {
            seenSid = context.SessionId;
            context.Refuse();
            return Task.CompletedTask;
        });
        ConnectBackchannelLogout();
        await SignInAsync();

        var deliveries = await Emulator.EndSessionsOfAsync("alice");

        deliveries.Single().StatusCode.Should().Be(400);
        deliveries.Single().Response.Should().Contain("CIDAAS6007");
        seenSid.Should().Be(deliveries.Single().SessionId);
        (await IsSignedInAsync()).Should().BeTrue();
    }

    [Fact]
    public async Task Ending_all_sessions_of_a_user_through_the_service_ends_them_and_a_later_sign_in_works()
    {
        await StartAppAsync();
        await SignInAsync();

        await App.Services.GetRequiredService<ICidaasSessionStore>().EndSessionsAsync(Alice.Sub);

        (await IsSignedInAsync()).Should().BeFalse();
        await SignInAsync();
        (await IsSignedInAsync()).Should().BeTrue("a sign-in after the end is a new session");
    }

    [Fact]
    public async Task A_ticket_renewed_after_the_end_of_its_users_sessions_stays_ended()
    {
        // A request that passed validation just before the end may renew the cookie just after it: the renewal writes a
        // later IssuedUtc, but the end is compared with the time of the sign-in, which renewals keep.
        var cache = new Microsoft.Extensions.Caching.Distributed.MemoryDistributedCache(
            Microsoft.Extensions.Options.Options.Create(new Microsoft.Extensions.Caching.Memory.MemoryDistributedCacheOptions()));
        var signedIn = DateTimeOffset.UtcNow.AddMinutes(-10);
        var properties = new Microsoft.AspNetCore.Authentication.AuthenticationProperties { IssuedUtc = signedIn };
        CidaasSessionKeys.Stamp(properties, Alice.Sub, "sid-1", signedIn);
        await CidaasEndedSessions.EndAsync(cache, CidaasSessionKeys.Hash(Alice.Sub), null, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), default);

        properties.IssuedUtc = DateTimeOffset.UtcNow.AddMinutes(1);

        (await CidaasEndedSessions.IsEndedAsync(cache, properties, default)).Should().BeTrue();
        CidaasSessionKeys.Stamp(properties, Alice.Sub, "sid-2", DateTimeOffset.UtcNow.AddSeconds(1));
        (await CidaasEndedSessions.IsEndedAsync(cache, properties, default)).Should().BeFalse("a sign-in after the end is a new session");
    }

    [Fact]
    public async Task The_endpoint_can_be_turned_off()
    {
        await StartAppAsync(o => o.BackchannelLogoutPath = default);

        var response = await PostLogoutAsync(LogoutToken());

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
