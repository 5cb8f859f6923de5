using Cidaas.AspNetCore.Authentication.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;

/// <summary>
/// The cidaas handler in two hosts that differ only in where the ticket lives: in the cookie (<c>SaveTokens</c> on, so
/// the cookie carries the tokens) or server-side (<c>AddCidaasServerSideSessions</c> on the in-memory
/// <c>IDistributedCache</c>). Each host signs alice in once for real against the cidaas emulator; the benchmarks then
/// replay the sign-in cookie on an <c>[Authorize]</c> page. The ended-sessions check runs in both.
/// </summary>
internal sealed class SessionScenario : IDisposable
{
    private SessionScenario(CidaasEmulator emulator)
    {
        Emulator = emulator;
        CookieOnlyHost = BenchmarkHost.Create(CidaasDefaults.AuthenticationScheme, a => a.AddCidaas(o => Configure(o, emulator)));
        SessionsHost = BenchmarkHost.Create(CidaasDefaults.AuthenticationScheme, a =>
        {
            a.AddCidaas(o => Configure(o, emulator));
            a.AddCidaasServerSideSessions();
            a.Services.AddDistributedMemoryCache();
        });
    }

    public CidaasEmulator Emulator { get; }

    public BenchmarkHost CookieOnlyHost { get; }

    public BenchmarkHost SessionsHost { get; }

    /// <summary>The Cookie header of alice's session in <see cref="CookieOnlyHost"/>.</summary>
    public string CookieOnlyCookie { get; private set; } = "";

    /// <summary>The Cookie header of alice's session in <see cref="SessionsHost"/>.</summary>
    public string SessionsCookie { get; private set; } = "";

    public static async Task<SessionScenario> CreateAsync()
    {
        var options = CidaasEmulatorOptions.CreateDefault();
        options.Issuer = "https://cidaas.test";
        options.AutoSignInUsername = "alice";
        options.Clients.Add(new CidaasEmulatorClient
        {
            ClientId = SignInScenario.ClientId,
            ClientSecret = SignInScenario.ClientSecret,
            RedirectUris = { BenchmarkHost.Origin + CidaasDefaults.CallbackPath },
        });
        var scenario = new SessionScenario(await CidaasEmulator.CreateAsync(options));
        try
        {
            scenario.CookieOnlyCookie = await SignInAsync(scenario.CookieOnlyHost, scenario.Emulator);
            scenario.SessionsCookie = await SignInAsync(scenario.SessionsHost, scenario.Emulator);
            return scenario;
        }
        catch
        {
            scenario.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        CookieOnlyHost.Dispose();
        SessionsHost.Dispose();
        Emulator.Dispose();
    }

    private static void Configure(CidaasOptions o, CidaasEmulator emulator)
    {
        emulator.ConfigureClient(o, SignInScenario.ClientId);
        o.SaveTokens = true;
    }

    private static async Task<string> SignInAsync(BenchmarkHost host, CidaasEmulator emulator)
    {
        using var browser = emulator.CreateClient();
        var challenge = await host.GetWithHeadersAsync("/protected", "", null);
        using var authorized = await browser.GetAsync(new Uri(challenge.Location));
        var callback = authorized.Headers.Location ?? throw new InvalidOperationException("The emulator did not redirect back.");
        var signedIn = await host.GetWithHeadersAsync(callback.AbsolutePath, callback.Query, CookieHeader(challenge.SetCookies));
        var cookie = CookieHeader(signedIn.SetCookies.Where(c => c.StartsWith(".AspNetCore.Cookies", StringComparison.Ordinal)));
        if (signedIn.Status != 302 || cookie.Length == 0)
        {
            throw new InvalidOperationException($"The sign-in failed (status {signedIn.Status}).");
        }

        var page = await host.GetWithHeadersAsync("/protected", "", cookie);
        return page.Status == 200 ? cookie : throw new InvalidOperationException($"The session cookie was refused (status {page.Status}).");
    }

    private static string CookieHeader(IEnumerable<string> setCookies)
        => string.Join("; ", setCookies.Select(c => SetCookieHeaderValue.Parse(c)).Where(c => c.Value.Length > 0).Select(c => $"{c.Name}={c.Value}"));
}
