using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>The origin every test app answers at on a TestServer.</summary>
public static class TestApp
{
    public const string Origin = "https://app.test";
}

/// <summary>
/// The app of a test: a web app on a TestServer at <see cref="TestApp.Origin"/> (or on Kestrel at a loopback port,
/// where response headers are validated as in production) whose log goes to the xunit output and is captured, with the
/// authentication scheme under test and the endpoints of the test base. It records what the test base's events report:
/// remote failures and the tokens the app saw.
/// </summary>
/// <typeparam name="TOptions">The options of the scheme under test.</typeparam>
public sealed class TestApp<TOptions> : IAsyncDisposable where TOptions : AuthenticationSchemeOptions
{
    private readonly string _scheme;
    private WebApplication? _app;
    private TestServer? _testServer;

    private TestApp(string scheme, ITestOutputHelper? output)
    {
        _scheme = scheme;
        Logs = new CapturingLoggerProvider(output);
    }

    /// <summary>The app's origin: <see cref="TestApp.Origin"/> on a TestServer, <c>http://127.0.0.1:{port}</c> on Kestrel.</summary>
    public string BaseAddress { get; private set; } = TestApp.Origin;

    public TestServer Server => _testServer ?? throw new InvalidOperationException("This app runs on Kestrel; send it real requests at BaseAddress.");

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => Started.Services;

    public ConcurrentQueue<Exception> Failures { get; } = new();

    public ConcurrentQueue<string> SeenSecrets { get; } = new();

    private WebApplication Started => _app ?? throw new InvalidOperationException("The app is not started.");

    public HttpMessageHandler CreateHandler()
        => _testServer?.CreateHandler() ?? new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };

    /// <summary>The options of the scheme under test, or of another scheme of the app.</summary>
    public TOptions GetOptions(string? scheme = null)
        => Services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(scheme ?? _scheme);

    /// <summary>GETs a path of the app, with <c>Authorization: Bearer {accessToken}</c> when a token is given.</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, string? accessToken, Action<HttpRequestMessage>? configure = null)
    {
        using var client = new HttpClient(CreateHandler());
        using var request = new HttpRequestMessage(HttpMethod.Get, BaseAddress + path);
        if (accessToken is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + accessToken);
        }

        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// Builds and starts an app: <paramref name="configure"/> registers the services (authentication above all),
    /// <paramref name="mapEndpoints"/> the endpoints behind authentication and authorization.
    /// </summary>
    internal static async Task<TestApp<TOptions>> StartAsync(
        string scheme,
        ITestOutputHelper? output,
        bool onKestrel,
        Action<WebApplicationBuilder, TestApp<TOptions>> configure,
        Action<WebApplication> mapEndpoints)
    {
        var self = new TestApp<TOptions>(scheme, output);
        var builder = WebApplication.CreateSlimBuilder();
        if (onKestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer(o => o.BaseAddress = new Uri(TestApp.Origin));
        }

        builder.Logging.ClearProviders().AddProvider(self.Logs).SetMinimumLevel(LogLevel.Trace);
        configure(builder, self);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        mapEndpoints(app);
        self._app = app;
        await app.StartAsync();

        var server = app.Services.GetRequiredService<IServer>();
        self._testServer = server as TestServer;
        if (self._testServer is null)
        {
            self.BaseAddress = $"http://127.0.0.1:{new Uri(server.Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port}";
        }

        return self;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
