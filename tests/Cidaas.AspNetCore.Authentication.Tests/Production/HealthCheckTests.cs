using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tests.Production;

/// <summary>
/// AddCidaasHealthCheck against the emulator: Healthy when the discovery document and the key set load (through the
/// scheme's own configuration manager, so a fresh cache costs no request), Degraded when a refresh failed while the
/// cached configuration still serves, Unhealthy when nothing is cached and cidaas is down or stopped.
/// </summary>
public sealed class HealthCheckTests : IAsyncLifetime
{
    private CidaasEmulator _emulator = default!;

    public async Task InitializeAsync() => _emulator = await CidaasEmulator.CreateAsync(TestClients.CreateEmulatorOptions());

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private int DiscoveryRequests => _emulator.CountRequests(CidaasDefaults.DiscoveryPath);

    private int JwksRequests => _emulator.CountRequests(CidaasDefaults.JwksPath);

    [Fact]
    public async Task A_reachable_cidaas_is_healthy_and_a_fresh_cache_costs_no_request()
    {
        using var host = await StartAsync(_emulator);

        var first = await CheckAsync(host);
        var second = await CheckAsync(host);

        first.Status.Should().Be(HealthStatus.Healthy, first.Description);
        second.Status.Should().Be(HealthStatus.Healthy);
        DiscoveryRequests.Should().Be(1);
        JwksRequests.Should().Be(1);
        first.Data.Should().ContainKey("metadata_address").And.ContainKey("last_load");
    }

    [Fact]
    public async Task A_discovery_document_that_cannot_be_loaded_is_unhealthy()
    {
        using var host = await StartAsync(_emulator);
        _emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));
        _emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));

        var result = await CheckAsync(host);

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Contain("No cidaas configuration is available");
    }

    [Fact]
    public async Task A_key_set_that_cannot_be_loaded_is_unhealthy()
    {
        using var host = await StartAsync(_emulator);
        _emulator.Next.Fault(CidaasDefaults.JwksPath, CidaasEmulatorFault.Status(500, "boom"));
        _emulator.Next.Fault(CidaasDefaults.JwksPath, CidaasEmulatorFault.Status(500, "boom"));

        var result = await CheckAsync(host);

        result.Status.Should().Be(HealthStatus.Unhealthy);
    }

    [Fact]
    public async Task A_stopped_cidaas_is_unhealthy()
    {
        var stopped = await CidaasEmulator.CreateAsync(TestClients.CreateEmulatorOptions());
        using var host = await StartAsync(stopped);
        await stopped.DisposeAsync();

        var result = await CheckAsync(host);

        result.Status.Should().Be(HealthStatus.Unhealthy);
    }

    [Fact]
    public async Task A_cidaas_that_does_not_answer_in_time_is_unhealthy_within_the_budget()
    {
        using var host = await StartAsync(_emulator, timeout: TimeSpan.FromMilliseconds(500));
        _emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(10)));

        var result = await CheckAsync(host);

        result.Status.Should().Be(HealthStatus.Unhealthy);
        result.Description.Should().Contain("did not answer within 0.5 seconds");
    }

    [Fact]
    public async Task A_failed_refresh_with_a_cached_configuration_is_degraded()
    {
        using var host = await StartAsync(_emulator);
        (await CheckAsync(host)).Status.Should().Be(HealthStatus.Healthy);
        _emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));
        _emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));
        var manager = host.Services.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(CidaasDefaults.AuthenticationScheme).ConfigurationManager!;

        // The manager refreshes in the background and keeps serving its cached configuration meanwhile.
        manager.RequestRefresh();
        var degraded = await CheckUntilAsync(host, HealthStatus.Degraded);

        degraded.Description.Should().Contain("HTTP 503");
        degraded.Data.Should().ContainKey("last_failure");
        DiscoveryRequests.Should().Be(3, "one load, then one refresh that IdentityModel tried twice");
    }

    [Fact]
    public async Task A_bearer_scheme_is_checked_the_same_way()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAuthentication().AddCidaasBearer(o =>
        {
            _emulator.ConfigureClient(o, TestClients.ClientId);
            o.Audience = TestClients.ClientId;
        });
        builder.Services.AddHealthChecks().AddCidaasHealthCheck(CidaasDefaults.BearerAuthenticationScheme);
        using var host = builder.Build();
        await host.StartAsync();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        report.Entries.Should().ContainKey("cidaas-" + CidaasDefaults.BearerAuthenticationScheme).WhoseValue.Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task A_scheme_that_is_not_cidaas_is_reported_as_unhealthy()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAuthentication().AddCookie();
        builder.Services.AddHealthChecks().AddCidaasHealthCheck("Cookies");
        using var host = builder.Build();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        report.Entries["cidaas-Cookies"].Status.Should().Be(HealthStatus.Unhealthy);
        report.Entries["cidaas-Cookies"].Description.Should().Contain("is not a cidaas scheme");
    }

    private static async Task<IHost> StartAsync(CidaasEmulator emulator, TimeSpan? timeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAuthentication().AddCookie().AddCidaas(o => emulator.ConfigureClient(o, TestClients.ClientId));
        builder.Services.AddHealthChecks().AddCidaasHealthCheck(timeout: timeout);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host)
        => (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["cidaas"];

    // The refresh runs in the background: the check is asked again until it reports the status (10 s at most).
    private static async Task<HealthReportEntry> CheckUntilAsync(IHost host, HealthStatus status)
    {
        var entry = await CheckAsync(host);
        for (var i = 0; i < 200 && entry.Status != status; i++)
        {
            await Task.Delay(50);
            entry = await CheckAsync(host);
        }

        entry.Status.Should().Be(status, entry.Description);
        return entry;
    }
}
