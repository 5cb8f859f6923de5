using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>
/// One emulator, one app (and any further instances of it) and one browser per test, for any cidaas scheme: a
/// derived base adds the scheme and the app's endpoints, and the helpers of its flow. After every test the log lines,
/// the recorded failures (message, data and stack) and the app's error pages are scanned for every client secret of
/// the emulator and every code, verifier and token that crossed the wire or that the test remembered: a hit fails the test.
/// </summary>
/// <typeparam name="TOptions">The options of the scheme under test.</typeparam>
public abstract class CidaasTestBase<TOptions> : IAsyncLifetime where TOptions : AuthenticationSchemeOptions
{
    private readonly string _scheme;
    private readonly List<TestApp<TOptions>> _otherApps = [];
    private TestApp<TOptions>? _app;

    protected CidaasTestBase(ITestOutputHelper output, string scheme)
    {
        Output = output;
        _scheme = scheme;
        EmulatorOptions = TestClients.CreateEmulatorOptions();
    }

    protected ITestOutputHelper Output { get; }

    protected CidaasEmulatorOptions EmulatorOptions { get; }

    protected CidaasEmulator Emulator { get; private set; } = default!;

    protected TestApp<TOptions> App => _app ?? throw new InvalidOperationException("Call StartAppAsync first.");

    /// <summary>A browser that knows the app and the emulator (set when the app starts).</summary>
    protected TestBrowser Browser { get; set; } = default!;

    /// <summary>Tokens and secrets the test handled itself, held to the same rule as those that crossed the wire.</summary>
    protected List<string> Secrets { get; } = [];

    protected int TokenRequests => Emulator.CountRequests(CidaasDefaults.TokenPath);

    protected int UserInfoRequests => Emulator.CountRequests(CidaasDefaults.UserInformationPath);

    protected int IntrospectionRequests => Emulator.CountRequests(CidaasDefaults.IntrospectionPath);

    protected int JwksRequests => Emulator.CountRequests(CidaasDefaults.JwksPath);

    public virtual async Task InitializeAsync() => Emulator = await CreateEmulatorAsync();

    /// <summary>The emulator of the test: in-process on a TestServer; override to run it on Kestrel.</summary>
    protected virtual Task<CidaasEmulator> CreateEmulatorAsync() => CidaasEmulator.CreateAsync(EmulatorOptions);

    /// <summary>
    /// Registers the scheme under test of <paramref name="app"/>, pointed at <paramref name="emulator"/>, then runs
    /// <paramref name="configure"/> on its options.
    /// </summary>
    protected abstract AuthenticationBuilder AddScheme(IServiceCollection services, TestApp<TOptions> app, CidaasEmulator emulator, Action<TOptions>? configure);

    /// <summary>Maps the app's endpoints.</summary>
    protected abstract void MapEndpoints(WebApplication app);

    protected Task<TestApp<TOptions>> StartAppAsync(
        Action<TOptions>? configure = null,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<AuthenticationBuilder>? configureAuthentication = null)
        => UseAppAsync(StartAsync(Emulator, onKestrel: false, configure, configureBuilder, configureAuthentication));

    /// <summary>Starts <see cref="App"/> on Kestrel at a loopback port (<see cref="TestApp{TOptions}.BaseAddress"/>); the browser reaches it over TCP.</summary>
    protected Task<TestApp<TOptions>> StartAppOnKestrelAsync(Action<TOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null)
        => UseAppAsync(StartAsync(Emulator, onKestrel: true, configure, configureBuilder, configureAuthentication: null));

    /// <summary>
    /// Starts one more app at the same origin (another instance behind the load balancer), against the test's emulator
    /// or another one; it is scanned for secrets and disposed like <see cref="App"/>. Point the browser at it with
    /// <see cref="TestBrowser.Register"/>.
    /// </summary>
    protected async Task<TestApp<TOptions>> StartAnotherAppAsync(
        Action<TOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null, CidaasEmulator? emulator = null)
    {
        var app = await StartAsync(emulator ?? Emulator, onKestrel: false, configure, configureBuilder, configureAuthentication: null);
        _otherApps.Add(app);
        return app;
    }

    protected string Remember(string token)
    {
        Secrets.Add(token);
        return token;
    }

    protected static Dictionary<string, string> QueryOf(Uri uri)
        => QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    /// <summary>Whether a log line is held to the secret rule; a derived base may exempt lines that are not the package's.</summary>
    protected virtual bool IsScanned(string logLine) => true;

    public virtual async Task DisposeAsync()
    {
        try
        {
            if (_app is not null)
            {
                await AssertNoSecretLeakedAsync();
            }
        }
        finally
        {
            foreach (var app in Apps)
            {
                await app.DisposeAsync();
            }

            await Emulator.DisposeAsync();
        }
    }

    private IEnumerable<TestApp<TOptions>> Apps => _app is null ? _otherApps : _otherApps.Prepend(_app);

    private Task<TestApp<TOptions>> StartAsync(
        CidaasEmulator emulator,
        bool onKestrel,
        Action<TOptions>? configure,
        Action<WebApplicationBuilder>? configureBuilder,
        Action<AuthenticationBuilder>? configureAuthentication)
        => TestApp<TOptions>.StartAsync(_scheme, Output, onKestrel, (builder, app) =>
        {
            var authentication = AddScheme(builder.Services, app, emulator, configure);
            configureAuthentication?.Invoke(authentication);
            configureBuilder?.Invoke(builder);
        }, MapEndpoints);

    private async Task<TestApp<TOptions>> UseAppAsync(Task<TestApp<TOptions>> starting)
    {
        var app = await starting;
        _app = app;
        Browser = new TestBrowser()
            .Register(app.BaseAddress, app.CreateHandler())
            .Register(Emulator.Authority, Emulator.CreateHandler());
        return app;
    }

    private async Task AssertNoSecretLeakedAsync()
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        secrets.UnionWith(EmulatorOptions.Clients.Select(c => c.ClientSecret));
        secrets.UnionWith(Secrets);
        secrets.UnionWith(SecretsOnTheWire());

        var apps = Apps.ToList();
        var texts = apps.SelectMany(a => a.Logs.Lines).Where(IsScanned)
            .Concat(apps.SelectMany(a => a.Failures).SelectMany(Describe))
            .ToList();
        foreach (var hop in Browser.Hops.Where(h => (int)h.StatusCode >= 400 && h.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority) == App.BaseAddress))
        {
            texts.Add(await hop.Content.ReadAsStringAsync());
        }

        foreach (var secret in secrets.Where(s => s.Length >= 8))
        {
            texts.Should().NotContain(t => t.Contains(secret, StringComparison.Ordinal), "no log line, failure or error page may contain a secret, code, verifier or token");
        }
    }

    /// <summary>The secrets that crossed the wire: tokens the apps saw, what the emulator was sent, codes in the browser's callbacks.</summary>
    private IEnumerable<string> SecretsOnTheWire()
    {
        foreach (var app in Apps)
        {
            foreach (var token in app.SeenSecrets)
            {
                yield return token;
            }
        }

        foreach (var request in Emulator.Requests)
        {
            foreach (var name in new[] { "code", "code_verifier", "client_secret", "client_assertion", "token", "id_token_hint" })
            {
                if (request.Form.TryGetValue(name, out var value))
                {
                    yield return value;
                }
            }

            // Introspection's body is JSON at cidaas: its token, secret or client assertion count as well.
            if (request.JsonBody is { Length: > 0 } json && TryParseObject(json) is { } body)
            {
                foreach (var name in new[] { "token", "client_secret", "client_assertion" })
                {
                    if (body[name]?.GetValueKind() == System.Text.Json.JsonValueKind.String)
                    {
                        yield return body[name]!.GetValue<string>();
                    }
                }
            }

            if (request.Headers.TryGetValue("Authorization", out var authorization))
            {
                yield return authorization[(authorization.IndexOf(' ', StringComparison.Ordinal) + 1)..];
            }
        }

        foreach (var hop in Browser.Hops)
        {
            if (hop.Headers.Location is { } location && location.IsAbsoluteUri && location.AbsolutePath.StartsWith("/signin-cidaas", StringComparison.Ordinal)
                && QueryOf(location).TryGetValue("code", out var code))
            {
                yield return code;
            }
        }
    }

    private static IEnumerable<string> Describe(Exception exception)
    {
        // ToString covers the message and stack of the whole chain; the data carries what cidaas said.
        yield return exception.ToString();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            foreach (var value in e.Data.Values)
            {
                if (value is string text)
                {
                    yield return text;
                }
            }
        }
    }

    private static System.Text.Json.Nodes.JsonObject? TryParseObject(string json)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(json) as System.Text.Json.Nodes.JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
