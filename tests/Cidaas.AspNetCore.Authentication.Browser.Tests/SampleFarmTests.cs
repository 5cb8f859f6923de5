using Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;
using Cidaas.AspNetCore.Authentication.Testing;
using Cidaas.AspNetCore.Authentication.Tests.Infrastructure;
using Cidaas.Sample.Web;
using static Microsoft.Playwright.Assertions;

namespace Cidaas.AspNetCore.Authentication.Browser.Tests;

/// <summary>
/// The sample in farm mode, as the README runs it: two instances on two ports with <c>Cidaas:Redis</c> pointing at one
/// real <c>redis-server</c>, behind one cidaas emulator of their own, whose client has the first instance's
/// back-channel logout URI (one per app, as in cidaas). The browser's cookie for localhost goes to both ports, as a
/// load balancer would send one user's requests to either instance.
/// </summary>
public sealed class SampleFarmTests(SampleFarmTests.FarmFixture fixture, ITestOutputHelper output)
    : BrowserTest(fixture, output), IClassFixture<SampleFarmTests.FarmFixture>
{
    [Fact]
    public Task A_session_ended_at_cidaas_in_another_tab_ends_on_both_instances_at_their_next_page_load() => RunAsync(async () =>
    {
        await SignInAsync("alice", "alice-password");
        await Page.GotoAsync(fixture.SecondBaseUrl + "/profile");
        await Expect(Page.Locator("#name")).ToHaveTextAsync("Alice Anderson", new() { Timeout = 5_000 });

        var deliveries = await EndSessionAtCidaasInAnotherPageAsync();

        deliveries.Should().ContainSingle("cidaas knows one back-channel logout URI per app: the first instance's")
            .Which.Succeeded.Should().BeTrue();
        await Page.GotoAsync(fixture.SecondBaseUrl + "/profile");
        await ExpectLoginFormAsync();
        await Page.GotoAsync(Fixture.BaseUrl + "/profile");
        await ExpectLoginFormAsync();
    });

    [Fact]
    public async Task An_unreachable_redis_stops_the_start_with_one_message_that_shows_no_password()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var start = () => SampleApp.StartAsync(
        [
            "--environment=Production",
            "--contentRoot=" + RepositoryPaths.SampleDirectory,
            "--urls=http://127.0.0.1:0",
            "--Cidaas:Authority=" + Fixture.Emulator.Authority,
            "--Cidaas:ClientId=" + CidaasEmulatorOptions.DemoClientId,
            "--Cidaas:ClientSecret=" + CidaasEmulatorOptions.DemoClientSecret,
            $"--Cidaas:Redis=127.0.0.1:{closedPort},password=not-to-be-shown,connectTimeout=500",
        ]);

        var failure = (await start.Should().ThrowAsync<InvalidOperationException>()).Which;
        failure.Message.Should().Contain("Cidaas:Redis").And.Contain($"127.0.0.1:{closedPort}").And.Contain("cannot be reached");
        failure.ToString().Should().NotContain("not-to-be-shown");
    }

    /// <summary>A redis-server, a cidaas emulator, and two instances of the sample in farm mode on both.</summary>
    public sealed class FarmFixture : SampleFixture
    {
        private RedisServer? _redis;
        private CidaasEmulator? _emulator;
        private SampleHost? _first;
        private SampleHost? _second;

        /// <summary>The second instance's origin (the first one's is <see cref="SampleFixture.BaseUrl"/>).</summary>
        public string SecondBaseUrl { get; private set; } = "";

        public override CidaasEmulator Emulator => _emulator ?? throw new InvalidOperationException("The emulator is not started.");

        public override async Task InitializeAsync()
        {
            _redis = await RedisServer.StartAsync();
            var options = CidaasEmulatorOptions.CreateDefault();
            options.ShowLoginPage = true;
            var client = options.Clients.Single(c => c.ClientId == CidaasEmulatorOptions.DemoClientId);
            client.ClientName = "cidaas sample";
            _emulator = await CidaasEmulator.StartAsync(options);

            _first = await StartSampleAsync();
            _second = await StartSampleAsync();
            BaseUrl = BrowsableUrl(_first);
            SecondBaseUrl = BrowsableUrl(_second);
            client.BackchannelLogoutUri = _first.Urls[0] + CidaasDefaults.BackchannelLogoutPath;
            client.BackchannelLogoutSessionRequired = true;
            await StartBrowserAsync();
        }

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            foreach (var sample in new[] { _first, _second })
            {
                if (sample is not null)
                {
                    await sample.DisposeAsync();
                }
            }

            if (_emulator is not null)
            {
                await _emulator.DisposeAsync();
            }

            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }
        }

        protected override void AddSettings(IDictionary<string, string?> settings)
        {
            settings["Cidaas:Authority"] = Emulator.Authority;
            settings["Cidaas:ClientId"] = CidaasEmulatorOptions.DemoClientId;
            settings["Cidaas:ClientSecret"] = CidaasEmulatorOptions.DemoClientSecret;
            settings["Cidaas:Redis"] = _redis!.Configuration;
        }
    }
}
