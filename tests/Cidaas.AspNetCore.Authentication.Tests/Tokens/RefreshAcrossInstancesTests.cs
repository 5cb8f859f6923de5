using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Cidaas.AspNetCore.Authentication.Tests.Tokens;

/// <summary>
/// Two instances of the app (separate hosts and containers) behind one load balancer, sharing a real redis-server as
/// their <c>IDistributedCache</c> and Data Protection key ring: a session whose rotating refresh token is due is renewed
/// exactly once, however the requests are spread, and no request turns the good session into <c>invalid_grant</c>.
/// </summary>
public sealed class RefreshAcrossInstancesTests(ITestOutputHelper output) : TokensTestBase(output)
{
    private readonly string _prefix = RedisServer.NewPrefix();
    private ConnectionMultiplexer? _redis;

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Two_instances_racing_fifty_requests_each_with_a_rotating_refresh_token_make_one_token_call_and_no_failure()
    {
        var (first, second) = await StartFarmAsync();
        var cookie = Browser.Cookies.GetCookieHeader(new Uri(App.BaseAddress));

        Clock.Advance(TimeSpan.FromMinutes(9.5));
        using var toFirst = new HttpClient(first.CreateHandler()) { BaseAddress = new Uri(App.BaseAddress) };
        using var toSecond = new HttpClient(second.CreateHandler()) { BaseAddress = new Uri(App.BaseAddress) };
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => GetTokenWithCookieAsync(i % 2 == 0 ? toFirst : toSecond, cookie)));

        Output.WriteLine($"2 instances x 50 requests: {RefreshRequests} refresh_token call(s), {answers.Count(a => !a.Succeeded)} failure(s)");
        answers.Where(a => !a.Succeeded).Should().BeEmpty();
        answers.Select(a => a.Fingerprint).Distinct().Should().ContainSingle("every request got the one renewed token");
        RefreshRequests.Should().Be(1);
    }

    [Fact]
    public async Task Instance_that_reads_the_old_cookie_after_the_other_renewed_it_takes_the_shared_result()
    {
        var (first, second) = await StartFarmAsync();
        var cookie = Browser.Cookies.GetCookieHeader(new Uri(App.BaseAddress));
        Clock.Advance(TimeSpan.FromMinutes(9.5));
        using var toFirst = new HttpClient(first.CreateHandler()) { BaseAddress = new Uri(App.BaseAddress) };
        using var toSecond = new HttpClient(second.CreateHandler()) { BaseAddress = new Uri(App.BaseAddress) };

        var renewed = await GetTokenWithCookieAsync(toFirst, cookie);
        var late = await GetTokenWithCookieAsync(toSecond, cookie);

        renewed.Succeeded.Should().BeTrue(renewed.Error);
        late.Should().Be(renewed, "the second instance picked up the first one's protected result");
        RefreshRequests.Should().Be(1, "the rotated-out refresh token is not sent again, which would revoke the session");
    }

    [Fact]
    public async Task Refusal_seen_by_one_instance_ends_the_session_on_the_other_without_another_token_call()
    {
        var (first, second) = await StartFarmAsync();
        var cookie = Browser.Cookies.GetCookieHeader(new Uri(App.BaseAddress));
        Emulator.RevokeToken(SignInRefreshToken);
        Clock.Advance(TimeSpan.FromMinutes(9.5));
        using var toFirst = new HttpClient(first.CreateHandler()) { BaseAddress = new Uri(App.BaseAddress) };
        using var toSecond = new HttpClient(second.CreateHandler()) { BaseAddress = new Uri(App.BaseAddress) };

        var refused = await GetTokenWithCookieAsync(toFirst, cookie);
        var alsoRefused = await GetTokenWithCookieAsync(toSecond, cookie);

        refused.Error.Should().StartWith("CIDAAS7004");
        alsoRefused.Error.Should().StartWith("CIDAAS7004");
        RefreshRequests.Should().Be(1);
    }

    [Fact]
    public async Task Refresh_on_one_instance_is_seen_by_the_other_through_the_server_side_session_without_another_token_call()
    {
        var (first, second) = await StartFarmAsync(serverSideSessions: true);
        var cookie = Browser.Cookies.GetCookieHeader(new Uri(App.BaseAddress));
        using var toFirst = new HttpClient(first.CreateHandler()) { BaseAddress = new Uri(App.BaseAddress) };
        using var toSecond = new HttpClient(second.CreateHandler()) { BaseAddress = new Uri(App.BaseAddress) };
        var before = await GetTokenWithCookieAsync(toSecond, cookie);

        var refreshed = await GetTokenWithCookieAsync(toFirst, cookie, "?force=true");
        var seenOnSecond = await GetTokenWithCookieAsync(toSecond, cookie);

        refreshed.Succeeded.Should().BeTrue(refreshed.Error);
        refreshed.Fingerprint.Should().NotBe(before.Fingerprint, "the forced refresh got a new access token");
        seenOnSecond.Should().Be(refreshed, "the session in Redis holds the new tokens, and the cookie only its key");
        RefreshRequests.Should().Be(1, "the second instance used the refreshed token as it was");

        // The second instance holds the rotated refresh token: were it to send the old one, the emulator would
        // detect the reuse, revoke the family and this refresh would fail (RFC 9700 §4.14).
        var refreshedOnSecond = await GetTokenWithCookieAsync(toSecond, cookie, "?force=true");
        refreshedOnSecond.Succeeded.Should().BeTrue(refreshedOnSecond.Error);
        (await GetTokenWithCookieAsync(toFirst, cookie)).Should().Be(refreshedOnSecond);
        RefreshRequests.Should().Be(2);
    }

    private async Task<(TestApp<CidaasOptions> First, TestApp<CidaasOptions> Second)> StartFarmAsync(bool serverSideSessions = false)
    {
        var redis = await RedisServer.Shared;
        _redis = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        void Farm(WebApplicationBuilder builder)
        {
            builder.Services.AddStackExchangeRedisCache(o =>
            {
                o.Configuration = redis.Configuration;
                o.InstanceName = _prefix;
            });
            builder.Services.AddDataProtection().PersistKeysToStackExchangeRedis(_redis, _prefix + "keys").SetApplicationName("cidaas-farm");
            if (serverSideSessions)
            {
                builder.Services.AddAuthentication().AddCidaasServerSideSessions();
            }
        }

        await SignInWithTokensAsync(configureBuilder: Farm);
        var second = await StartAnotherAppAsync(ConfigureTokens, Farm);
        return (App, second);
    }

    private static async Task<TokenAnswer> GetTokenWithCookieAsync(HttpClient client, string cookie, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/token" + query);
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        return TokenAnswer.Parse(await response.Content.ReadAsStringAsync());
    }
}
