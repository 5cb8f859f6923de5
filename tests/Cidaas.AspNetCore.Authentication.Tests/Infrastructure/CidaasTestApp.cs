using System.Collections.Concurrent;
using System.Security.Claims;
using Cidaas.AspNetCore.Authentication.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>
/// A host app on a TestServer at https://app.test (or, with <see cref="StartOnKestrelAsync"/>, on Kestrel at a loopback
/// port, where response headers are validated as in production): cookies plus cidaas pointed at an emulator, with
/// <c>/protected</c> (any signed-in user; answers the claims as "type|value" lines), <c>/admin</c> (role admin),
/// <c>/login</c>, <c>/signout</c> and <c>/public</c>. It records every remote failure and every token it saw.
/// </summary>
public sealed class CidaasTestApp : IAsyncDisposable
{
    public const string Origin = "https://app.test";

    private readonly WebApplication _app;
    private readonly TestServer? _testServer;

    private CidaasTestApp(WebApplication app, CapturingLoggerProvider logs)
    {
        _app = app;
        Logs = logs;
        var server = app.Services.GetRequiredService<IServer>();
        _testServer = server as TestServer;
        BaseAddress = _testServer is not null
            ? Origin
            : $"http://127.0.0.1:{new Uri(server.Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port}";
    }

    /// <summary>The app's origin: <see cref="Origin"/> on a TestServer, <c>http://127.0.0.1:{port}</c> on Kestrel.</summary>
    public string BaseAddress { get; }

    public TestServer Server => _testServer ?? throw new InvalidOperationException("This app runs on Kestrel; send it real requests at BaseAddress.");

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public ConcurrentQueue<Exception> Failures { get; } = new();

    public ConcurrentQueue<string> SeenSecrets { get; } = new();

    public HttpMessageHandler CreateHandler()
        => _testServer?.CreateHandler() ?? new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };

    public CidaasOptions GetOptions(string scheme = CidaasDefaults.AuthenticationScheme)
        => _app.Services.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(scheme);

    public static Task<CidaasTestApp> StartAsync(
        CidaasEmulator emulator,
        ITestOutputHelper? output,
        Action<CidaasOptions>? configure = null,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<AuthenticationBuilder>? configureAuthentication = null)
        => StartAsync(emulator, output, configure, configureBuilder, configureAuthentication, onKestrel: false);

    /// <summary>Starts the app on Kestrel at <c>http://127.0.0.1:{any free port}</c>; see <see cref="BaseAddress"/>.</summary>
    public static Task<CidaasTestApp> StartOnKestrelAsync(
        CidaasEmulator emulator, ITestOutputHelper? output, Action<CidaasOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null)
        => StartAsync(emulator, output, configure, configureBuilder, configureAuthentication: null, onKestrel: true);

    private static async Task<CidaasTestApp> StartAsync(
        CidaasEmulator emulator,
        ITestOutputHelper? output,
        Action<CidaasOptions>? configure,
        Action<WebApplicationBuilder>? configureBuilder,
        Action<AuthenticationBuilder>? configureAuthentication,
        bool onKestrel)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (onKestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer(o => o.BaseAddress = new Uri(Origin));
        }

        var logs = new CapturingLoggerProvider(output);
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);

        CidaasTestApp? self = null;
        var authentication = builder.Services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = CidaasDefaults.AuthenticationScheme;
            })
            .AddCookie(o => o.AccessDeniedPath = "/forbidden")
            .AddCidaas(o =>
            {
                o.Authority = emulator.Authority;
                o.ClientId = TestClients.ClientId;
                o.ClientSecret = TestClients.ClientSecret;
                o.BackchannelHttpHandler = emulator.CreateHandler();
                o.SaveTokens = true;
                configure?.Invoke(o);
            });
        configureAuthentication?.Invoke(authentication);

        // Record failures and tokens of every cidaas scheme, whatever the test configured.
        builder.Services.AddSingleton<IPostConfigureOptions<CidaasOptions>>(new RecordingPostConfigure(() => self!));
        builder.Services.AddAuthorization();
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/public", () => "public");
        app.MapGet("/protected", (ClaimsPrincipal user) => string.Join('\n', user.Claims.Select(c => c.Type + "|" + c.Value)))
            .RequireAuthorization();
        app.MapGet("/admin", () => "admin area").RequireAuthorization(p => p.RequireRole("admin"));
        app.MapGet("/forbidden", () => Results.Text("forbidden", statusCode: 403));
        app.MapGet("/tokens", async (HttpContext context) =>
        {
            var result = await context.AuthenticateAsync();
            return string.Join('\n', result.Properties?.GetTokens().Select(t => t.Name) ?? []);
        });
        app.MapGet("/login", (string? returnUrl, string? scheme) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [scheme ?? CidaasDefaults.AuthenticationScheme]));
        app.MapGet("/signout", (string? returnUrl) =>
            Results.SignOut(new AuthenticationProperties { RedirectUri = returnUrl }, [CidaasDefaults.AuthenticationScheme]));

        await app.StartAsync();
        self = new CidaasTestApp(app, logs);
        return self;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed class RecordingPostConfigure(Func<CidaasTestApp> app) : IPostConfigureOptions<CidaasOptions>
    {
        public void PostConfigure(string? name, CidaasOptions options)
        {
            var onFailure = options.Events.OnRemoteFailure;
            options.Events.OnRemoteFailure = context =>
            {
                app().Failures.Enqueue(context.Failure!);
                return onFailure(context);
            };

            var onTokens = options.Events.OnTokenResponseReceived;
            options.Events.OnTokenResponseReceived = context =>
            {
                foreach (var token in new[] { context.TokenResponse.AccessToken, context.TokenResponse.IdToken, context.TokenResponse.RefreshToken })
                {
                    if (!string.IsNullOrEmpty(token))
                    {
                        app().SeenSecrets.Enqueue(token);
                    }
                }

                return onTokens(context);
            };
        }
    }
}
