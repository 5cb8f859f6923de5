using System.Text;
using Cidaas.AspNetCore.Authentication.Sessions;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Tests.Sessions;

public sealed class ServerSideSessionTests(ITestOutputHelper output) : SessionTestBase(output)
{
    private readonly RecordingCache _cache = new();

    [Fact]
    public async Task With_server_side_sessions_the_cookie_holds_only_a_key_and_stays_under_300_bytes()
    {
        await StartWithSessionsAsync();
        await SignInAsync();

        var cookie = SignInCookie();
        var value = cookie[(cookie.IndexOf('=', StringComparison.Ordinal) + 1)..];
        Output.WriteLine($"Sign-in cookie with server-side sessions: value {value.Length} bytes, {cookie.Length} bytes with its name");
        value.Length.Should().BeLessThan(300);
        cookie.Should().NotContain(";", "one cookie, not chunks");
        (await IsSignedInAsync()).Should().BeTrue();
        var tokens = await Browser.GetAsync(App.BaseAddress + "/tokens");
        (await tokens.Content.ReadAsStringAsync()).Should().Contain("access_token").And.Contain("id_token", "the saved tokens live in the session");
    }

    [Fact]
    public async Task An_authenticated_request_costs_one_distributed_cache_round_trip()
    {
        await StartWithSessionsAsync();
        await SignInAsync();
        (await IsSignedInAsync()).Should().BeTrue();

        // A slow network: every read waits until the test lets it through. The first wave must hold all three reads;
        // once it is let through, any further read waits at a closed gate, so it cannot go unseen.
        var reads = _cache.Reads;
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _cache.Gate = first;
        var request = IsSignedInAsync();
        (await WaitForAsync(() => _cache.PendingReads == 3)).Should().BeTrue("the ticket, the hint of its sid and the hint of its user are asked for before any answer arrives");
        _cache.Gate = second;
        first.SetResult();
        await WaitForAsync(() => request.IsCompleted || _cache.Reads > reads + 3);
        var later = _cache.Reads - reads - 3;
        second.SetResult();

        (await request).Should().BeTrue();
        Output.WriteLine($"Authenticated request with server-side sessions: {(later == 0 ? 1 : 2)} round trip(s), {_cache.Reads - reads} read(s)");
        later.Should().Be(0, "nothing is read after the first round trip");
        (_cache.Reads - reads).Should().Be(3);
    }

    [Fact]
    public async Task Without_server_side_sessions_the_cookie_carries_the_tokens()
    {
        await StartAppAsync();
        await SignInAsync();

        var cookies = Browser.Cookies.GetCookies(new Uri(App.BaseAddress)).Where(c => c.Name.StartsWith(".AspNetCore.Cookies", StringComparison.Ordinal)).ToList();
        var size = cookies.Sum(c => c.Name.Length + 1 + c.Value.Length);
        Output.WriteLine($"Sign-in cookie without server-side sessions (SaveTokens): {size} bytes in {cookies.Count} cookie(s)");
        size.Should().BeGreaterThan(1000);
    }

    [Fact]
    public async Task The_ticket_is_protected_at_rest_and_no_cache_key_names_the_user()
    {
        await StartWithSessionsAsync();
        await SignInAsync();

        var accessToken = App.SeenSecrets.First();
        _cache.Written.Should().NotBeEmpty();
        foreach (var (key, value) in _cache.Written)
        {
            key.Should().NotContain(Alice.Sub).And.NotContain("alice");
            var text = Encoding.UTF8.GetString(value);
            text.Should().NotContain(accessToken[..40]).And.NotContain("alice@example.com");
        }
    }

    [Fact]
    public async Task A_back_channel_logout_removes_the_server_side_session()
    {
        await StartWithSessionsAsync();
        ConnectBackchannelLogout();
        await SignInAsync();
        var sessionKeys = SessionEntries();
        sessionKeys.Should().ContainSingle();

        (await Emulator.EndSessionsOfAsync("alice")).Single().Succeeded.Should().BeTrue();

        _cache.Holds(sessionKeys.Single()).Should().BeFalse("the session entry is removed from the store");
        (await IsSignedInAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task A_user_s_sessions_can_be_listed_and_one_of_them_ended()
    {
        await StartWithSessionsAsync();
        await SignInAsync();
        var firstBrowser = Browser;
        var secondBrowser = await SignInWithAnotherBrowserAsync();
        var store = App.Services.GetRequiredService<ICidaasSessionStore>();

        var sessions = await store.GetSessionsAsync(Alice.Sub);

        sessions.Should().HaveCount(2);
        sessions.Should().OnlyContain(s => s.Principal.FindFirst(CidaasClaimTypes.Subject)!.Value == Alice.Sub);
        (await store.GetSessionsAsync("someone-else")).Should().BeEmpty();

        // The first browser's session is the older one.
        var first = sessions.OrderBy(s => s.IssuedUtc).First();
        (await store.EndSessionAsync(Alice.Sub, first.Id)).Should().BeTrue();

        (await IsSignedInAsync()).Should().BeFalse();
        Browser = secondBrowser;
        (await IsSignedInAsync()).Should().BeTrue("the other session stays");
        (await store.GetSessionsAsync(Alice.Sub)).Should().ContainSingle();
        (await store.EndSessionAsync(Alice.Sub, first.Id)).Should().BeFalse("it is gone");
        Browser = firstBrowser;
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_session_and_a_later_sign_in_gets_a_new_key()
    {
        await StartWithSessionsAsync();
        await SignInAsync();
        var before = SignInCookie();

        await App.Services.GetRequiredService<ICidaasSessionStore>().EndSessionsAsync(Alice.Sub);

        (await IsSignedInAsync()).Should().BeFalse();
        await SignInAsync();
        (await IsSignedInAsync()).Should().BeTrue();
        SignInCookie().Should().NotBe(before, "each sign-in gets its own session key");
    }

    [Fact]
    public async Task A_session_evicted_from_the_cache_makes_the_user_cleanly_anonymous()
    {
        await StartWithSessionsAsync();
        await SignInAsync();

        foreach (var key in SessionEntries())
        {
            await _cache.RemoveAsync(key);
        }

        (await IsSignedInAsync()).Should().BeFalse("a cookie whose session is gone signs no one in, and [Authorize] challenges");
        (await Browser.GetAsync(App.BaseAddress + "/public")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_cache_outage_refuses_the_session_without_a_500_and_the_session_returns_with_the_cache()
    {
        await StartWithSessionsAsync();
        await SignInAsync();

        _cache.Down = true;
        (await IsSignedInAsync()).Should().BeFalse("a session that cannot be read is refused (fail closed)");
        var callback = await AuthorizeAsync(await ChallengeAsync());
        var failed = await Browser.GetAsync(callback.ToString());
        failed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await failed.Content.ReadAsStringAsync()).Should().Contain("CIDAAS6008").And.NotContain(" at ");

        _cache.Down = false;
        (await IsSignedInAsync()).Should().BeTrue("the cookie was kept, and its session is back with the cache");
        App.Logs.Lines.Should().Contain(l => l.Contains("CidaasSessionStoreUnavailable", StringComparison.Ordinal) || l.Contains("[205]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_in_memory_cache_a_warning_says_a_second_instance_will_not_see_the_sessions()
    {
        await StartAppAsync(configureAuthentication: a => a.AddCidaasServerSideSessions());

        App.Logs.Lines.Should().Contain(l => l.Contains("[206]", StringComparison.Ordinal) && l.Contains("second instance", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_a_shared_cache_there_is_no_in_memory_warning()
    {
        await StartWithSessionsAsync();

        App.Logs.Lines.Should().NotContain(l => l.Contains("[206]", StringComparison.Ordinal));
    }

    /// <summary>Whether the condition became true within 30 seconds (polled; the outcome does not depend on timing).</summary>
    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }

    private Task StartWithSessionsAsync()
        => StartAppAsync(
            configureBuilder: b => b.Services.AddSingleton<IDistributedCache>(_cache),
            configureAuthentication: a => a.AddCidaasServerSideSessions());

    private string SignInCookie()
        => string.Join("; ", Browser.Cookies.GetCookies(new Uri(App.BaseAddress))
            .Where(c => c.Name.StartsWith(".AspNetCore.Cookies", StringComparison.Ordinal))
            .Select(c => c.Name + "=" + c.Value));

    private List<string> SessionEntries() => _cache.Written.Keys.Where(k => k.StartsWith("cidaas:session:", StringComparison.Ordinal)).ToList();

    private async Task<TestBrowser> SignInWithAnotherBrowserAsync()
    {
        var first = Browser;
        Browser = new TestBrowser().Register(App.BaseAddress, App.CreateHandler()).Register(Emulator.Authority, Emulator.CreateHandler());
        await SignInAsync();
        var second = Browser;
        Browser = first;
        return second;
    }
}
