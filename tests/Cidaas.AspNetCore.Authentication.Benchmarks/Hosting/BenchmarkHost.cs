using System.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;

/// <summary>
/// The same host for every handler: cookies as the sign-in scheme, the handler under test as the challenge
/// scheme, routing, authorization and one <c>[Authorize]</c> endpoint at <c>/protected</c>. Requests go straight into
/// the built middleware pipeline through <see cref="IHttpContextFactory"/> (as a server would do it, without
/// sockets), so the numbers are the handler's and ASP.NET Core's, not a transport's.
/// </summary>
internal sealed class BenchmarkHost : IDisposable
{
    public const string Origin = "https://app.test";

    private readonly ServiceProvider _services;
    private readonly RequestDelegate _pipeline;
    private readonly IHttpContextFactory _contexts;
    private int _unexpectedAnswers;

    private BenchmarkHost(ServiceProvider services, RequestDelegate pipeline)
    {
        _services = services;
        _pipeline = pipeline;
        _contexts = services.GetRequiredService<IHttpContextFactory>();
    }

    public IServiceProvider Services => _services;

    /// <summary>A web app: cookies as the sign-in scheme, the handler under test as the challenge scheme.</summary>
    public static BenchmarkHost Create(string challengeScheme, Action<AuthenticationBuilder> addScheme)
        => Create(o =>
        {
            o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.DefaultChallengeScheme = challengeScheme;
        }, a => addScheme(a.AddCookie()));

    /// <summary>An API: the bearer handler under test as the only scheme; <c>/protected</c> needs a valid token.</summary>
    public static BenchmarkHost CreateApi(string scheme, Action<AuthenticationBuilder> addScheme)
        => Create(o => o.DefaultScheme = scheme, addScheme);

    private static BenchmarkHost Create(Action<AuthenticationOptions> configure, Action<AuthenticationBuilder> addSchemes)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRouting();
        services.AddAuthorization();
        services.AddSingleton(new DiagnosticListener("Cidaas.AspNetCore.Authentication.Benchmarks"));
        services.AddSingleton<IHttpContextFactory, DefaultHttpContextFactory>();
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        addSchemes(services.AddAuthentication(configure));

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var app = new ApplicationBuilder(provider);
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapGet("/protected", () => "protected").RequireAuthorization();
            endpoints.MapGet("/public", () => "public");
            endpoints.MapGet("/user-token", async (HttpContext context) =>
                (await context.GetCidaasUserAccessTokenAsync()).Succeeded ? Results.Text("token") : Results.StatusCode(500)).RequireAuthorization();
            endpoints.MapGet("/user-token-refresh", async (HttpContext context) =>
                await context.GetCidaasUserAccessTokenAsync(forceRefresh: true) is { Succeeded: true } ? Results.Text("token") : Results.StatusCode(500)).RequireAuthorization();
        });
        return new BenchmarkHost(provider, app.Build());
    }

    /// <summary>Answers that had another status than the one expected; checked after each benchmark.</summary>
    public int UnexpectedAnswers => Volatile.Read(ref _unexpectedAnswers);

    /// <summary>Sends a GET request; an answer with another status than <paramref name="expectedStatus"/> is counted.</summary>
    public async Task GetAsync(string path, string query, string? cookie, int expectedStatus, string? authorization = null)
    {
        var features = CreateFeatures(path, query, cookie, authorization);
        var context = _contexts.Create(features);
        try
        {
            await _pipeline(context);
            if (context.Response.StatusCode != expectedStatus)
            {
                Interlocked.Increment(ref _unexpectedAnswers);
            }
        }
        finally
        {
            _contexts.Dispose(context);
        }
    }

    /// <summary>Sends a POST request with a form-encoded body; an answer with another status than <paramref name="expectedStatus"/> is counted.</summary>
    public async Task PostFormAsync(string path, byte[] form, int expectedStatus)
    {
        var features = CreateFeatures(path, "", cookie: null, authorization: null);
        var request = features.Get<IHttpRequestFeature>()!;
        request.Method = HttpMethods.Post;
        request.Headers.ContentType = "application/x-www-form-urlencoded";
        request.Headers.ContentLength = form.Length;
        request.Body = new MemoryStream(form, writable: false);
        var context = _contexts.Create(features);
        try
        {
            await _pipeline(context);
            if (context.Response.StatusCode != expectedStatus)
            {
                Interlocked.Increment(ref _unexpectedAnswers);
            }
        }
        finally
        {
            _contexts.Dispose(context);
        }
    }

    /// <summary>Throws when any measured request had an unexpected answer: then the numbers measured a failure.</summary>
    public void ThrowIfAnyUnexpectedAnswer(string name)
    {
        if (UnexpectedAnswers > 0)
        {
            throw new InvalidOperationException($"{name}: {UnexpectedAnswers} requests had an unexpected answer.");
        }
    }

    /// <summary>Sends a GET request and returns the status, the Location and the Set-Cookie headers (for setup and checks).</summary>
    public async Task<(int Status, string Location, string[] SetCookies)> GetWithHeadersAsync(string path, string query, string? cookie, string? authorization = null)
    {
        var features = CreateFeatures(path, query, cookie, authorization);
        var context = _contexts.Create(features);
        try
        {
            await _pipeline(context);
            var headers = context.Response.Headers;
            return (context.Response.StatusCode, headers.Location.ToString(), headers.SetCookie.Select(c => c ?? "").ToArray());
        }
        finally
        {
            _contexts.Dispose(context);
        }
    }

    public void Dispose() => _services.Dispose();

    /// <summary>The Cookie header of the cookie scheme's session cookie (every chunk) among these Set-Cookie values; <see langword="null"/> when none is set.</summary>
    public static string? SessionCookie(IEnumerable<string> setCookies)
    {
        var cookies = setCookies.Select(c => SetCookieHeaderValue.Parse(c))
            .Where(c => c.Name.StartsWith(".AspNetCore.Cookies", StringComparison.Ordinal) && c.Value.Length > 0)
            .Select(c => $"{c.Name}={c.Value}")
            .ToArray();
        return cookies.Length == 0 ? null : string.Join("; ", cookies);
    }

    private static FeatureCollection CreateFeatures(string path, string query, string? cookie, string? authorization)
    {
        var request = new HttpRequestFeature
        {
            Protocol = "HTTP/1.1",
            Method = HttpMethods.Get,
            Scheme = "https",
            Path = path,
            QueryString = query,
        };
        request.Headers.Host = "app.test";
        if (cookie is not null)
        {
            request.Headers.Cookie = new StringValues(cookie);
        }

        if (authorization is not null)
        {
            request.Headers.Authorization = new StringValues(authorization);
        }

        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        return features;
    }
}
