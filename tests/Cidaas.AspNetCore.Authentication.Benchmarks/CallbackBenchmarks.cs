using BenchmarkDotNet.Attributes;
using Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;

namespace Cidaas.AspNetCore.Authentication.Benchmarks;

/// <summary>
/// Steps 2 to 6 of a sign-in: a valid callback (state, correlation, code exchange, id_token validation, userinfo,
/// claims, cookie sign-in) answered with a 302 to the return URL. The back channel answers from memory with the
/// same bytes for both handlers: a real RS256 id_token from the cidaas emulator that matches the request's nonce.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class CallbackBenchmarks
{
    private SignInScenario _scenario = default!;
    private CallbackRequest _microsoft;
    private CallbackRequest _cidaas;

    [GlobalSetup]
    public void Setup()
    {
        _scenario = SignInScenario.CreateAsync().GetAwaiter().GetResult();
        _microsoft = _scenario.MicrosoftCallback;
        _cidaas = _scenario.CidaasCallback;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scenario.MicrosoftHost.ThrowIfAnyUnexpectedAnswer("Microsoft");
        _scenario.CidaasHost.ThrowIfAnyUnexpectedAnswer("cidaas");
        _scenario.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Callback: Microsoft OpenIdConnectHandler")]
    public Task Microsoft() => _scenario.MicrosoftHost.GetAsync(_microsoft.Path, _microsoft.Query, _microsoft.Cookie, 302);

    [Benchmark(Description = "Callback: CidaasHandler")]
    public Task Cidaas() => _scenario.CidaasHost.GetAsync(_cidaas.Path, _cidaas.Query, _cidaas.Cookie, 302);
}
