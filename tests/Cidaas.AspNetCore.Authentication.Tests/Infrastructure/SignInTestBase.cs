using System.Net;
using Cidaas.AspNetCore.Authentication.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>
/// One emulator, one app and one browser per test. After every test the log lines, the failures (message, data and
/// stack) and the app's error pages are scanned for the client secret and every code, verifier and token that crossed
/// the wire: a hit fails the test.
/// </summary>
public abstract class SignInTestBase : IAsyncLifetime
{
    private readonly List<CidaasTestApp> _otherApps = [];
    private CidaasTestApp? _app;

    protected SignInTestBase(ITestOutputHelper output)
    {
        Output = output;
        EmulatorOptions = TestClients.CreateEmulatorOptions();
    }

    protected ITestOutputHelper Output { get; }

    protected CidaasEmulatorOptions EmulatorOptions { get; }

    protected CidaasEmulator Emulator { get; private set; } = default!;

    protected CidaasTestApp App => _app ?? throw new InvalidOperationException("Call StartAppAsync first.");

    protected TestBrowser Browser { get; private set; } = default!;

    protected int TokenRequests => Emulator.CountRequests(CidaasDefaults.TokenPath);

    protected int UserInfoRequests => Emulator.CountRequests(CidaasDefaults.UserInformationPath);

    public virtual async Task InitializeAsync() => Emulator = await CreateEmulatorAsync();

    /// <summary>The emulator of the test: in-process on a TestServer; override to run it on Kestrel.</summary>
    protected virtual Task<CidaasEmulator> CreateEmulatorAsync() => Task.FromResult(CidaasEmulator.Create(EmulatorOptions));

    protected async Task<CidaasTestApp> StartAppAsync(
        Action<CidaasOptions>? configure = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configureBuilder = null,
        Action<Microsoft.AspNetCore.Authentication.AuthenticationBuilder>? configureAuthentication = null)
        => UseApp(await CidaasTestApp.StartAsync(Emulator, Output, configure, configureBuilder, configureAuthentication));

    /// <summary>Starts <see cref="App"/> on Kestrel at a loopback port (<see cref="CidaasTestApp.BaseAddress"/>); the browser reaches it over TCP.</summary>
    protected async Task<CidaasTestApp> StartAppOnKestrelAsync(
        Action<CidaasOptions>? configure = null, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configureBuilder = null)
        => UseApp(await CidaasTestApp.StartOnKestrelAsync(Emulator, Output, configure, configureBuilder));

    private CidaasTestApp UseApp(CidaasTestApp app)
    {
        _app = app;
        Browser = new TestBrowser()
            .Register(app.BaseAddress, app.CreateHandler())
            .Register(Emulator.Authority, Emulator.CreateHandler());
        return app;
    }

    /// <summary>
    /// Starts one more app at the same origin and emulator (another instance behind the load balancer); it is scanned
    /// for secrets and disposed like <see cref="App"/>. Point the browser at it with <see cref="TestBrowser.Register"/>.
    /// </summary>
    protected async Task<CidaasTestApp> StartAnotherAppAsync(
        Action<CidaasOptions>? configure = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configureBuilder = null)
    {
        var app = await CidaasTestApp.StartAsync(Emulator, Output, configure, configureBuilder);
        _otherApps.Add(app);
        return app;
    }

    /// <summary>A second cidaas scheme, "CidaasB", against the same emulator and client, on /signin-cidaas-b.</summary>
    protected void AddSecondScheme(Microsoft.AspNetCore.Authentication.AuthenticationBuilder authentication)
        => authentication.AddCidaas("CidaasB", "cidaas B", ConfigureSecondScheme);

    /// <summary>The options of a second scheme: the same emulator and client, on /signin-cidaas-b.</summary>
    protected void ConfigureSecondScheme(CidaasOptions o)
    {
        o.Authority = Emulator.Authority;
        o.ClientId = TestClients.ClientId;
        o.ClientSecret = TestClients.ClientSecret;
        o.CallbackPath = "/signin-cidaas-b";
        o.SignedOutCallbackPath = "/signout-callback-cidaas-b";
        o.BackchannelHttpHandler = Emulator.CreateHandler();
    }

    /// <summary>Requests a protected page and stops at the redirect to the authorization endpoint.</summary>
    protected async Task<Uri> ChallengeAsync(string path = "/protected")
    {
        var response = await Browser.GetAsync(App.BaseAddress + path);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = response.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).Should().Be(Emulator.Authority + CidaasDefaults.AuthorizationPath);
        return location;
    }

    /// <summary>Sends the browser to the emulator and returns the callback URL it redirects back to (not yet followed).</summary>
    protected async Task<Uri> AuthorizeAsync(Uri authorizationUrl)
    {
        var response = await Browser.GetAsync(authorizationUrl.ToString());
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!;
    }

    /// <summary>The whole sign-in: protected page → emulator → callback → back to the page, signed in.</summary>
    protected async Task<HttpResponseMessage> SignInAsync(string path = "/protected")
    {
        var callback = await AuthorizeAsync(await ChallengeAsync(path));
        var afterCallback = await Browser.GetAsync(callback.ToString());
        afterCallback.StatusCode.Should().Be(HttpStatusCode.Redirect, await afterCallback.Content.ReadAsStringAsync());
        return await Browser.FollowAsync(new Uri(new Uri(App.BaseAddress), afterCallback.Headers.Location!).ToString());
    }

    protected static Dictionary<string, string> QueryOf(Uri uri)
        => QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    protected bool HasSignInCookie() => Browser.HasCookie(App.BaseAddress, ".AspNetCore.Cookies");

    /// <summary>Asserts the failure the app recorded and that it ended in a clean 400 page.</summary>
    protected async Task<CidaasProtocolException> ExpectFailureAsync(HttpResponseMessage callbackResponse, string messagePart)
    {
        var body = await callbackResponse.Content.ReadAsStringAsync();
        callbackResponse.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
        body.Should().Contain(messagePart);
        body.Should().NotContain(" at ", "no stack trace is shown");
        App.Failures.Should().ContainSingle();
        var failure = App.Failures.Single().Should().BeOfType<CidaasProtocolException>().Subject;
        failure.Message.Should().Contain(messagePart);
        HasSignInCookie().Should().BeFalse();
        return failure;
    }

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
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }

            foreach (var other in _otherApps)
            {
                await other.DisposeAsync();
            }

            await Emulator.DisposeAsync();
        }
    }

    private async Task AssertNoSecretLeakedAsync()
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal) { TestClients.ClientSecret };
        foreach (var token in App.SeenSecrets)
        {
            secrets.Add(token);
        }

        foreach (var request in Emulator.Requests)
        {
            foreach (var name in new[] { "code", "code_verifier", "client_secret", "token", "id_token_hint" })
            {
                if (request.Form.TryGetValue(name, out var value))
                {
                    secrets.Add(value);
                }
            }

            if (request.Headers.TryGetValue("Authorization", out var authorization))
            {
                secrets.Add(authorization[(authorization.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            }
        }

        foreach (var hop in Browser.Hops)
        {
            if (hop.Headers.Location is { } location && location.IsAbsoluteUri && location.AbsolutePath.StartsWith("/signin-cidaas", StringComparison.Ordinal))
            {
                if (QueryOf(location).TryGetValue("code", out var code))
                {
                    secrets.Add(code);
                }
            }
        }

        // ASP.NET Core's own request lines (Hosting.Diagnostics events 1 and 2) print every request URL, the
        // callback's single-use code included; that is the host's logging, documented in the README. Every other
        // line, ours above all, is held to the rule.
        var apps = _otherApps.Prepend(App).ToList();
        var texts = apps.SelectMany(a => a.Logs.Lines)
            .Where(l => !l.Contains("Microsoft.AspNetCore.Hosting.Diagnostics[1]:", StringComparison.Ordinal)
                     && !l.Contains("Microsoft.AspNetCore.Hosting.Diagnostics[2]:", StringComparison.Ordinal))
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
}
