using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cidaas.AspNetCore.Authentication.Testing;
using Cidaas.Sample.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;

/// <summary>
/// One sample app with its embedded cidaas emulator, both on loopback ports of this process, and one headless
/// Chromium, shared by the tests of a class. Every test opens its own browser context (its own cookies).
/// </summary>
public class SampleFixture : IAsyncLifetime
{
    private SampleHost? _sample;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The sample's origin as a person would type it: <c>http://localhost:{port}</c>.</summary>
    public string BaseUrl { get; protected set; } = "";

    public virtual CidaasEmulator Emulator => _sample?.Emulator ?? throw new InvalidOperationException("The sample has no embedded emulator.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    /// <summary>The sample's log lines go to the output of the test that runs now.</summary>
    public TestOutputLoggerProvider Logs { get; } = new();

    public virtual bool UsesHttps => false;

    public virtual async Task InitializeAsync()
    {
        _sample = await StartSampleAsync();
        BaseUrl = BrowsableUrl(_sample);
        await StartBrowserAsync();
    }

    /// <summary>Starts a sample as the tests run it (Production, the repository's sample directory, a free port, <see cref="AddSettings"/>).</summary>
    protected Task<SampleHost> StartSampleAsync()
    {
        string[] args =
        [
            // Production: what a visitor of a deployed app sees, not the developer exception page.
            "--environment=Production",
            "--contentRoot=" + RepositoryPaths.SampleDirectory,
        ];
        if (!UsesHttps)
        {
            args = [.. args, "--urls=http://127.0.0.1:0"];
        }

        return SampleApp.StartAsync(args, ConfigureSample);
    }

    /// <summary>
    /// The sample's origin as a person would type it. The browser uses "localhost" while the emulator is 127.0.0.1: two
    /// different sites, as the app and cidaas are in real life, so the cookies' SameSite settings are really put to the test.
    /// </summary>
    protected string BrowsableUrl(SampleHost sample) =>
        $"{(UsesHttps ? "https" : "http")}://localhost:{new Uri(sample.Urls[0]).Port}";

    protected async Task StartBrowserAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>Configuration of the sample on top of the tests' own (which point it at its embedded emulator).</summary>
    /// <param name="settings">The settings; a key set here wins over appsettings and the environment.</param>
    protected virtual void AddSettings(IDictionary<string, string?> settings)
    {
    }

    /// <summary>Services of the sample that a fixture replaces or configures after the sample's own.</summary>
    /// <param name="services">The sample's services.</param>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Debian's headless Chromium (never a browser Playwright downloads), as every browser test drives it.</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
            Timeout = 30_000,
        });

    public virtual async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_sample is not null)
        {
            await _sample.DisposeAsync();
        }

        Logs.Dispose();
    }

    private void ConfigureSample(WebApplicationBuilder builder)
    {
        // Whatever a developer configured (user secrets, environment), the tests use the embedded emulator.
        var settings = new Dictionary<string, string?>
        {
            ["Cidaas:Authority"] = "",
            ["Cidaas:ClientId"] = "",
            ["Cidaas:ClientSecret"] = "",
            ["Cidaas:Redis"] = "",
        };
        AddSettings(settings);
        builder.Configuration.AddInMemoryCollection(settings);
        ConfigureServices(builder.Services);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Cidaas", LogLevel.Information);
        builder.Logging.AddProvider(Logs);

        if (UsesHttps)
        {
            var certificate = CreateLocalhostCertificate();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        }
    }

    private static X509Certificate2 CreateLocalhostCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }
}

/// <summary>The same sample, served over https with a self-signed certificate for localhost.</summary>
public sealed class HttpsSampleFixture : SampleFixture
{
    public override bool UsesHttps => true;
}
