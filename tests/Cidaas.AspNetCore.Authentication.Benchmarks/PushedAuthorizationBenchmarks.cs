using BenchmarkDotNet.Attributes;
using Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;
using Cidaas.AspNetCore.Authentication.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Benchmarks;

/// <summary>
/// The challenge of the cidaas handler with the parameters in the URL (the default, <c>Disable</c>) and pushed first
/// (<c>Require</c> with the PAR endpoint configured): the push is one more back-channel call per challenge, answered
/// from memory with the bytes of a real push to the emulator, as the callback benchmarks answer theirs, so that the
/// difference is the handler's own work for the call (form, client authentication, answer, second URL), not the network.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class PushedAuthorizationBenchmarks
{
    private const string ClientId = "bench-par-client";
    private const string ClientSecret = "bench-par-secret-0123456789";

    private CidaasEmulator _emulator = default!;
    private Backchannel _backchannel = default!;
    private BenchmarkHost _inUrl = default!;
    private BenchmarkHost _pushed = default!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _inUrl.ThrowIfAnyUnexpectedAnswer("cidaas, parameters in the URL");
        _pushed.ThrowIfAnyUnexpectedAnswer("cidaas, pushed");
        _inUrl.Dispose();
        _pushed.Dispose();
        _backchannel.Dispose();
        _emulator.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Challenge: CidaasHandler, parameters in the URL")]
    public Task InUrl() => _inUrl.GetAsync("/protected", "", null, 302);

    [Benchmark(Description = "Challenge: CidaasHandler, pushed (PAR, 1 back-channel call from memory)")]
    public Task Pushed() => _pushed.GetAsync("/protected", "", null, 302);

    private async Task SetupAsync()
    {
        var options = CidaasEmulatorOptions.CreateDefault();
        options.Issuer = "https://cidaas.test";
        options.Clients.Add(new CidaasEmulatorClient
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            RedirectUris = { BenchmarkHost.Origin + CidaasDefaults.CallbackPath },
        });
        _emulator = await CidaasEmulator.CreateAsync(options);
        _backchannel = new Backchannel(_emulator.CreateHandler());
        _inUrl = BenchmarkHost.Create(CidaasDefaults.AuthenticationScheme, a => a.AddCidaas(o => Configure(o, push: false)));
        _pushed = BenchmarkHost.Create(CidaasDefaults.AuthenticationScheme, a => a.AddCidaas(o => Configure(o, push: true)));

        // One real push to the emulator, recorded; from then on the push is answered from memory with its bytes.
        var first = await _pushed.GetWithHeadersAsync("/protected", "", null);
        if (first.Status != 302 || !first.Location.Contains("request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The pushed challenge against the emulator did not redirect with a request_uri: " + first.Location);
        }

        _backchannel.Replay(new Dictionary<string, byte[]>(_backchannel.Recorded, StringComparer.Ordinal));
    }

    private void Configure(CidaasOptions o, bool push)
    {
        o.Authority = _emulator.Authority;
        o.ClientId = ClientId;
        o.ClientSecret = ClientSecret;
        o.BackchannelHttpHandler = _backchannel;
        if (push)
        {
            o.PushedAuthorizationBehavior = CidaasPushedAuthorizationBehavior.Require;
            o.PushedAuthorizationEndpoint = _emulator.Authority + CidaasDefaults.PushedAuthorizationPath;
        }
    }
}
