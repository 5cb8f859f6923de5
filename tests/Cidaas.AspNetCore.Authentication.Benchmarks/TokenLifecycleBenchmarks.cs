using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Benchmarks;

/// <summary>
/// One refresh of the user's access token: a request of a signed-in session (ticket in the cookie, <c>SaveTokens</c>)
/// whose endpoint calls <c>GetCidaasUserAccessTokenAsync(forceRefresh: true)</c>. The refresh sends
/// <c>grant_type=refresh_token</c> through the shared token client, validates the id_token of the answer (RS256), and
/// issues the cookie again with the new tokens. The token endpoint answers from memory, each time with a new refresh
/// token (as cidaas rotates it), and every request carries the cookie the previous one received, so that each one
/// really redeems a refresh token (no single-flight pickup); the number of token requests is checked afterwards. The
/// floor is the same kind of request to a page that only authenticates the cookie. The refresh path reaches its steady
/// state only after some 15,000 refreshes (a loop of timed rounds showed 520 µs per refresh at first, 180 µs from there
/// on, as tiered compilation finishes the many methods of the path), so this class warms up for 500 iterations
/// (16,000 refreshes) instead of the configuration's 30.
/// </summary>
[Config(typeof(BenchmarkConfig))]
[InvocationCount(Invocations, unrollFactor: 1)]
[WarmupCount(500)]
public class RefreshBenchmarks
{
    private const int Invocations = 32;
    private readonly ConcurrentQueue<byte[]> _answers = new();
    private SignInScenario _signIn = default!;
    private JsonObject _template = default!;
    private string _cookie = "";
    private string _floorCookie = "";
    private int _refreshes;
    private int _failures;
    private int _tokenCallsBefore;

    [GlobalSetup]
    public void Setup()
    {
        _signIn = SignInScenario.CreateAsync().GetAwaiter().GetResult();
        _template = JsonNode.Parse(_signIn.Recorded[CidaasDefaults.TokenPath])!.AsObject();
        _signIn.CidaasBackchannel.Answer = path => path == CidaasDefaults.TokenPath && _answers.TryDequeue(out var body) ? body : null;

        // The sign-in's own token answer carries a refresh token too (the recorded one has none: no offline_access).
        CreateAnswers();
        var callback = _signIn.CidaasCallback;
        var signedIn = _signIn.CidaasHost.GetWithHeadersAsync(callback.Path, callback.Query, callback.Cookie).GetAwaiter().GetResult();
        _cookie = _floorCookie = BenchmarkHost.SessionCookie(signedIn.SetCookies) ?? throw new InvalidOperationException("The sign-in set no session cookie.");
        var check = _signIn.CidaasHost.GetWithHeadersAsync("/user-token-refresh", "", _cookie).GetAwaiter().GetResult();
        _cookie = check.Status == 200 && BenchmarkHost.SessionCookie(check.SetCookies) is { } next ? next : throw new InvalidOperationException($"The signed-in session could not refresh its token (status {check.Status}).");
        _tokenCallsBefore = TokenCalls();
    }

    [IterationSetup(Target = nameof(Refresh))]
    public void CreateAnswers()
    {
        _answers.Clear();
        for (var i = 0; i < Invocations; i++)
        {
            _template["refresh_token"] = Guid.NewGuid().ToString();
            _answers.Enqueue(Encoding.UTF8.GetBytes(_template.ToJsonString()));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var calls = TokenCalls() - _tokenCallsBefore;
        Console.WriteLine($"// Refreshes: {_refreshes}, token endpoint calls: {calls}, failures: {_failures}");
        _signIn.CidaasHost.ThrowIfAnyUnexpectedAnswer("refresh");
        _signIn.Dispose();
        if (_failures > 0 || calls != _refreshes)
        {
            throw new InvalidOperationException($"Every refresh must redeem its refresh token once: {_refreshes} refreshes, {calls} token calls, {_failures} failures.");
        }
    }

    [Benchmark(Baseline = true, Description = "Cookie-authenticated request (floor)")]
    public async Task CookieOnly()
    {
        var answer = await _signIn.CidaasHost.GetWithHeadersAsync("/protected", "", _floorCookie);
        if (answer.Status != 200)
        {
            Interlocked.Increment(ref _failures);
        }
    }

    [Benchmark(Description = "Same request + forced refresh (token request, id_token check, new cookie)")]
    public async Task Refresh()
    {
        var answer = await _signIn.CidaasHost.GetWithHeadersAsync("/user-token-refresh", "", _cookie);
        _refreshes++;
        if (answer.Status != 200 || BenchmarkHost.SessionCookie(answer.SetCookies) is not { } next)
        {
            Interlocked.Increment(ref _failures);
            return;
        }

        _cookie = next;
    }

    private int TokenCalls() => _signIn.CidaasBackchannel.Calls.TryGetValue(CidaasDefaults.TokenPath, out var calls) ? calls : 0;
}

/// <summary>
/// An outgoing call of a named <see cref="HttpClient"/> with <c>AddCidaasClientAccessTokenHandler</c>: the client token
/// (grant <c>client_credentials</c>) comes from <c>HybridCache</c> (a hit: no token request), against the same call
/// without the handler. The API and the token endpoint answer from memory; the token endpoint must have been called
/// once in the whole run.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class ClientTokenBenchmarks
{
    private static readonly Uri Api = new("https://api.test/orders");
    private readonly CountingHandler _tokenEndpoint = new(() =>
        new StringContent("""{"access_token":"bench-client-token","token_type":"Bearer","expires_in":86400}""", Encoding.UTF8, "application/json"));

    private ServiceProvider _services = default!;
    private HttpClient _withToken = default!;
    private HttpClient _floor = default!;
    private CountingHandler _api = default!;

    [GlobalSetup]
    public void Setup()
    {
        _api = new CountingHandler(() => new ByteArrayContent([]));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddCidaasClientCredentials("m2m", o =>
        {
            o.Authority = "https://cidaas.test";
            o.ClientId = "bench-m2m";
            o.ClientSecret = "bench-m2m-secret-0123456789";
            o.Scope = "orders:read";
            o.BackchannelHttpHandler = _tokenEndpoint;
        });
        services.AddHttpClient("with-token").ConfigurePrimaryHttpMessageHandler(() => _api).AddCidaasClientAccessTokenHandler("m2m");
        services.AddHttpClient("floor").ConfigurePrimaryHttpMessageHandler(() => _api);
        _services = services.BuildServiceProvider();
        var factory = _services.GetRequiredService<IHttpClientFactory>();
        _withToken = factory.CreateClient("with-token");
        _floor = factory.CreateClient("floor");

        using var first = _withToken.GetAsync(Api).GetAwaiter().GetResult();
        if (first.StatusCode != HttpStatusCode.OK || _api.LastAuthorization != "Bearer bench-client-token" || _tokenEndpoint.Calls != 1)
        {
            throw new InvalidOperationException("The client token was not attached.");
        }

        _api.CaptureAuthorization = false;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Token endpoint calls in the whole run: {_tokenEndpoint.Calls}; API calls: {_api.Calls}");
        _services.Dispose();
        if (_tokenEndpoint.Calls != 1)
        {
            throw new InvalidOperationException($"The client token must come from the cache: {_tokenEndpoint.Calls} token calls.");
        }
    }

    [Benchmark(Baseline = true, Description = "Outgoing call without a token (floor)")]
    public async Task Floor()
    {
        using var response = await _floor.GetAsync(Api);
    }

    [Benchmark(Description = "Same call + client token from the cache")]
    public async Task WithClientToken()
    {
        using var response = await _withToken.GetAsync(Api);
    }

    /// <summary>Answers 200 from memory and counts the calls.</summary>
    private sealed class CountingHandler(Func<HttpContent> content) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public bool CaptureAuthorization { get; set; } = true;

        public string? LastAuthorization { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (CaptureAuthorization)
            {
                LastAuthorization = request.Headers.Authorization?.ToString();
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content(), RequestMessage = request });
        }
    }
}
