using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Cidaas.AspNetCore.Authentication.Tests.Sessions;

/// <summary>
/// A farm: two instances of the app in separate hosts (separate DI containers) behind one origin, sharing a real
/// <c>redis-server</c> for the Data Protection key ring (<c>PersistKeysToStackExchangeRedis</c>, one application name)
/// and the <c>IDistributedCache</c> (<c>AddStackExchangeRedisCache</c>) behind sessions, ended-session markers and the
/// logout replay cache.
/// </summary>
public sealed class RedisFarmTests(ITestOutputHelper output) : SessionTestBase(output)
{
    private const string Origin = TestApp.Origin;
    private readonly string _prefix = RedisServer.NewPrefix();
    private readonly List<IConnectionMultiplexer> _connections = [];
    private RedisServer? _ownServer;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_challenge_on_one_instance_completes_on_the_other_and_the_session_works_on_both(bool serverSideSessions)
    {
        var (a, b) = await StartFarmAsync((await RedisServer.Shared).Configuration, serverSideSessions);
        var callback = await AuthorizeAsync(await ChallengeAsync());

        Browser.Register(Origin, b.CreateHandler()); // the load balancer sends the callback to B
        var response = await Browser.GetAsync(callback.ToString());
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());

        (await IsSignedInAsync()).Should().BeTrue("the session created on B is used on B");
        Browser.Register(Origin, a.CreateHandler());
        (await IsSignedInAsync()).Should().BeTrue("the session created on B is used on A");
        TokenRequests.Should().Be(1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_back_channel_logout_delivered_to_one_instance_ends_the_session_on_the_other(bool serverSideSessions)
    {
        var (a, b) = await StartFarmAsync((await RedisServer.Shared).Configuration, serverSideSessions);
        ConnectBackchannelLogout(a); // cidaas reaches instance A
        await SignInAsync();
        Browser.Register(Origin, b.CreateHandler());
        (await IsSignedInAsync()).Should().BeTrue();

        var delivery = (await Emulator.EndSessionsOfAsync("alice")).Single();

        delivery.Succeeded.Should().BeTrue(delivery.Response);
        (await IsSignedInAsync()).Should().BeFalse("B sees the end at its next request");
        Browser.Register(Origin, a.CreateHandler());
        (await IsSignedInAsync()).Should().BeFalse();
    }

    [Fact]
    public async Task A_logout_token_replayed_to_the_other_instance_is_refused()
    {
        var (a, b) = await StartFarmAsync((await RedisServer.Shared).Configuration, serverSideSessions: false);
        var token = LogoutToken();

        (await PostLogoutAsync(token, a)).StatusCode.Should().Be(HttpStatusCode.OK);

        await ExpectLogoutRejectedAsync(await PostLogoutAsync(token, b), "CIDAAS6005");
    }

    [Fact]
    public async Task Redis_restarted_mid_run_fails_clearly_without_a_500_and_service_recovers()
    {
        _ownServer = await RedisServer.StartAsync();
        var (a, b) = await StartFarmAsync(_ownServer.Configuration, serverSideSessions: true);
        await SignInAsync();
        (await IsSignedInAsync()).Should().BeTrue();

        await _ownServer.StopAsync();

        (await IsSignedInAsync()).Should().BeFalse("a session that cannot be read is refused, and [Authorize] challenges");
        var callback = await AuthorizeAsync(await ChallengeAsync());
        Browser.Register(Origin, b.CreateHandler());
        var failed = await Browser.GetAsync(callback.ToString());
        var body = await failed.Content.ReadAsStringAsync();
        failed.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
        body.Should().Contain("CIDAAS6008").And.NotContain(" at ");
        var logout = await PostLogoutAsync(LogoutToken(), a);
        logout.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a logout that cannot be recorded fails, so cidaas may retry");
        (await logout.Content.ReadAsStringAsync()).Should().Contain("CIDAAS6008");

        await _ownServer.RestartAsync();

        // The data is gone (no persistence): the user signs in again, on either instance, and stays signed in.
        await SignInAsync();
        (await IsSignedInAsync()).Should().BeTrue();
        Browser.Register(Origin, a.CreateHandler());
        (await IsSignedInAsync()).Should().BeTrue();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            foreach (var connection in _connections)
            {
                await connection.DisposeAsync();
            }

            if (_ownServer is not null)
            {
                await _ownServer.DisposeAsync();
            }
        }
    }

    private async Task<(TestApp<CidaasOptions> A, TestApp<CidaasOptions> B)> StartFarmAsync(string configuration, bool serverSideSessions)
    {
        void Configure(WebApplicationBuilder builder)
        {
            var connection = ConnectionMultiplexer.Connect(configuration);
            _connections.Add(connection);
            builder.Services.AddDataProtection()
                .PersistKeysToStackExchangeRedis(connection, _prefix + "DataProtection-Keys")
                .SetApplicationName("cidaas-farm");
            builder.Services.AddStackExchangeRedisCache(o =>
            {
                o.Configuration = configuration;
                o.InstanceName = _prefix;
            });
        }

        var a = await StartAppAsync(
            configureBuilder: Configure,
            configureAuthentication: serverSideSessions ? authentication => authentication.AddCidaasServerSideSessions() : null);
        var b = await StartAnotherAppAsync(configureBuilder: builder =>
        {
            Configure(builder);
            if (serverSideSessions)
            {
                builder.Services.AddAuthentication().AddCidaasServerSideSessions();
            }
        });
        return (a, b);
    }
}
