using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Benchmarks;

/// <summary>
/// Step 1 of a sign-in: an anonymous request to an <c>[Authorize]</c> endpoint answered with a 302 to the
/// authorization endpoint (protected state, correlation cookie, nonce, PKCE), for Microsoft's handler, the cidaas
/// handler and the floor handler in the same host; and the raw crypto alone, to show the framework's share.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class ChallengeBenchmarks
{
    private SignInScenario _scenario = default!;
    private IDataProtector _protector = default!;
    private byte[] _state = [];
    private byte[] _verifier = [];

    [GlobalSetup]
    public void Setup()
    {
        _scenario = SignInScenario.CreateAsync().GetAwaiter().GetResult();

        // The same key ring kind and purpose depth as a scheme's state protector, and a state of the cidaas size.
        _protector = _scenario.CidaasHost.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Raw", "Crypto", "v1");
        _state = _scenario.CidaasSerializedState;
        _verifier = RandomNumberGenerator.GetBytes(43);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scenario.MicrosoftHost.ThrowIfAnyUnexpectedAnswer("Microsoft");
        _scenario.CidaasHost.ThrowIfAnyUnexpectedAnswer("cidaas");
        _scenario.FloorHost.ThrowIfAnyUnexpectedAnswer("floor");
        _scenario.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Challenge: Microsoft OpenIdConnectHandler")]
    public Task Microsoft() => _scenario.MicrosoftHost.GetAsync("/protected", "", null, 302);

    [Benchmark(Description = "Challenge: CidaasHandler")]
    public Task Cidaas() => _scenario.CidaasHost.GetAsync("/protected", "", null, 302);

    [Benchmark(Description = "Challenge: floor handler")]
    public Task Floor() => _scenario.FloorHost.GetAsync("/protected", "", null, 302);

    [Benchmark(Description = "Raw crypto: 1 Protect + 1 SHA-256")]
    public int RawCrypto() => _protector.Protect(_state).Length + SHA256.HashData(_verifier).Length;
}
