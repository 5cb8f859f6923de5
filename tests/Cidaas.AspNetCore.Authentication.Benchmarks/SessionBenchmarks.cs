using System.Text;
using BenchmarkDotNet.Attributes;
using Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;

namespace Cidaas.AspNetCore.Authentication.Benchmarks;

/// <summary>
/// An authenticated request to an <c>[Authorize]</c> page with the sign-in cookie of a real cidaas sign-in
/// (<c>SaveTokens</c> on): the ticket in the cookie (baseline) against server-side sessions on the in-memory
/// <c>IDistributedCache</c>. Both run the ended-sessions check of back-channel logout.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class SessionBenchmarks
{
    private SessionScenario _scenario = default!;

    [GlobalSetup]
    public void Setup()
    {
        _scenario = SessionScenario.CreateAsync().GetAwaiter().GetResult();
        Console.WriteLine($"// Cookie header, ticket in the cookie: {_scenario.CookieOnlyCookie.Length} bytes; server-side sessions: {_scenario.SessionsCookie.Length} bytes");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scenario.CookieOnlyHost.ThrowIfAnyUnexpectedAnswer("cookie only");
        _scenario.SessionsHost.ThrowIfAnyUnexpectedAnswer("server-side sessions");
        _scenario.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Authenticated request: ticket in the cookie")]
    public Task CookieOnly() => _scenario.CookieOnlyHost.GetAsync("/protected", "", _scenario.CookieOnlyCookie, 200);

    [Benchmark(Description = "Authenticated request: server-side session (memory cache)")]
    public Task ServerSide() => _scenario.SessionsHost.GetAsync("/protected", "", _scenario.SessionsCookie, 200);
}

/// <summary>
/// One back-channel logout: a valid logout token (new <c>jti</c> each time) POSTed to the endpoint, validated (RS256
/// signature, claims), checked for replay and recorded, and the session ended; answered 200. The tokens are signed
/// by the emulator before each iteration, outside the measurement.
/// </summary>
[Config(typeof(BenchmarkConfig))]
[InvocationCount(Invocations, unrollFactor: 1)]
public class BackchannelLogoutBenchmarks
{
    private const int Invocations = 32;
    private readonly Queue<byte[]> _forms = new();
    private SessionScenario _scenario = default!;

    [GlobalSetup]
    public void Setup() => _scenario = SessionScenario.CreateAsync().GetAwaiter().GetResult();

    [IterationSetup]
    public void CreateTokens()
    {
        _forms.Clear();
        for (var i = 0; i < Invocations; i++)
        {
            var token = _scenario.Emulator.CreateLogoutToken("alice", clientId: SignInScenario.ClientId);
            _forms.Enqueue(Encoding.ASCII.GetBytes("logout_token=" + token));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scenario.SessionsHost.ThrowIfAnyUnexpectedAnswer("back-channel logout");
        _scenario.Dispose();
    }

    [Benchmark(Description = "Back-channel logout (server-side sessions, memory cache)")]
    public Task Logout() => _scenario.SessionsHost.PostFormAsync(CidaasDefaults.BackchannelLogoutPath, _forms.Dequeue(), 200);
}
