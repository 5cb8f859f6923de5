using BenchmarkDotNet.Attributes;
using Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;

namespace Cidaas.AspNetCore.Authentication.Benchmarks;

/// <summary>
/// An API request with one JWT access token to validate: <c>AddCidaasBearer</c> side by side with a plain
/// <c>AddJwtBearer</c> configured for the same tokens (see <see cref="BearerScenario"/>).
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class BearerBenchmarks
{
    private SignInScenario _signIn = default!;
    private BearerScenario _scenario = default!;

    [GlobalSetup]
    public void Setup()
    {
        _signIn = SignInScenario.CreateAsync().GetAwaiter().GetResult();
        _scenario = new BearerScenario(_signIn);
        _scenario.CheckAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scenario.JwtBearerHost.ThrowIfAnyUnexpectedAnswer("AddJwtBearer");
        _scenario.CidaasBearerHost.ThrowIfAnyUnexpectedAnswer("AddCidaasBearer");
        _scenario.Dispose();
        _signIn.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Bearer: AddJwtBearer")]
    public Task JwtBearer() => _scenario.JwtBearerHost.GetAsync("/protected", "", null, 200, _scenario.Authorization);

    [Benchmark(Description = "Bearer: AddCidaasBearer")]
    public Task CidaasBearer() => _scenario.CidaasBearerHost.GetAsync("/protected", "", null, 200, _scenario.Authorization);
}
