using BenchmarkDotNet.Attributes;
using Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;

namespace Cidaas.AspNetCore.Authentication.Benchmarks;

/// <summary>
/// The hot path of <c>HttpContext.GetCidaasUserAccessTokenAsync</c> (a valid token: no I/O) against the floor, a request
/// that only authenticates the same cidaas session cookie; both on the cidaas host, through authentication and
/// authorization. The difference of the two is the cost of asking for the token.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class UserTokenBenchmarks
{
    private SignInScenario _signIn = default!;
    private string _cookie = "";

    [GlobalSetup]
    public void Setup()
    {
        _signIn = SignInScenario.CreateAsync().GetAwaiter().GetResult();
        var callback = _signIn.CidaasCallback;
        var signedIn = _signIn.CidaasHost.GetWithHeadersAsync(callback.Path, callback.Query, callback.Cookie).GetAwaiter().GetResult();
        _cookie = BenchmarkHost.SessionCookie(signedIn.SetCookies) ?? throw new InvalidOperationException("The sign-in set no session cookie.");
        var check = _signIn.CidaasHost.GetWithHeadersAsync("/user-token", "", _cookie).GetAwaiter().GetResult();
        if (check.Status != 200)
        {
            throw new InvalidOperationException($"The signed-in session got no user token (status {check.Status}).");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _signIn.CidaasHost.ThrowIfAnyUnexpectedAnswer("user token");
        _signIn.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Cookie-authenticated request (floor)")]
    public Task CookieOnly() => _signIn.CidaasHost.GetAsync("/protected", "", _cookie, 200);

    [Benchmark(Description = "Same request + GetCidaasUserAccessTokenAsync (valid token)")]
    public Task UserToken() => _signIn.CidaasHost.GetAsync("/user-token", "", _cookie, 200);
}
