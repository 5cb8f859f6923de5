using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Cidaas.AspNetCore.Authentication.Testing;
using static Microsoft.Playwright.Assertions;

namespace Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;

/// <summary>
/// A test with its own browser context on the shared Chromium: fresh cookies, a bounded time, and on failure a
/// screenshot of the page it was on and of the sample's profile page, saved under <see cref="RepositoryPaths.OutputDirectory"/>.
/// </summary>
public abstract class BrowserTest : IAsyncLifetime
{
    /// <summary>The most a single test may take, start to end.</summary>
    protected static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private IBrowserContext? _context;
    private IPage? _page;

    protected BrowserTest(SampleFixture fixture, ITestOutputHelper output)
    {
        Fixture = fixture;
        Output = output;
        fixture.Logs.Output = output;
    }

    protected SampleFixture Fixture { get; }

    protected ITestOutputHelper Output { get; }

    protected IBrowserContext Context => _context ?? throw new InvalidOperationException("No browser context yet.");

    protected IPage Page => _page ?? throw new InvalidOperationException("No page yet.");

    public async Task InitializeAsync()
    {
        _context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Fixture.BaseUrl,
            IgnoreHTTPSErrors = Fixture.UsesHttps, // the https fixture's certificate is self-signed
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
        });
        _context.SetDefaultTimeout(10_000);
        _context.SetDefaultNavigationTimeout(15_000);
        SetDefaultExpectTimeout(10_000);
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }

        Fixture.Logs.Output = null;
    }

    /// <summary>Runs the body of a test within <see cref="TestTimeout"/>; on failure saves screenshots and says where.</summary>
    /// <param name="body">The test.</param>
    /// <param name="variant">Tells the cases of a theory apart in the screenshot names.</param>
    /// <param name="testName">The test method.</param>
    protected async Task RunAsync(Func<Task> body, string? variant = null, [CallerMemberName] string testName = "")
    {
        if (variant is not null)
        {
            testName += "-" + variant;
        }

        try
        {
            var test = body();
            try
            {
                await test.WaitAsync(TestTimeout);
            }
            catch (TimeoutException) when (!test.IsCompleted)
            {
                throw new TimeoutException($"{testName} did not finish within {TestTimeout.TotalSeconds:0} seconds.");
            }

            if (Environment.GetEnvironmentVariable("CIDAAS_BROWSER_SCREENSHOTS") == "always")
            {
                await SaveScreenshotsAsync(testName);
            }
        }
        catch (Exception failure)
        {
            Output.WriteLine($"Failed on {SafeUrl(_page)}: {failure.GetType().Name}");
            await SaveScreenshotsAsync(testName);
            throw;
        }
    }

    /// <summary>Signs in from the home page's button through the emulator's login form and waits for the profile page.</summary>
    protected async Task SignInAsync(string username, string password)
    {
        await Page.GotoAsync("/");
        await Page.Locator("#sign-in").ClickAsync();
        await ExpectLoginFormAsync();
        await SubmitLoginFormAsync(username, password);
        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/profile");
    }

    protected async Task ExpectLoginFormAsync()
    {
        await Expect(Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Fixture.Emulator.Authority) + "/authz-srv/authz\\?"));
        await Expect(Page.Locator("#login-form")).ToBeVisibleAsync();
        await Expect(Page.Locator("#client-name")).ToHaveTextAsync("cidaas sample");
    }

    protected async Task SubmitLoginFormAsync(string username, string password)
    {
        await Page.Locator("#username").FillAsync(username);
        await Page.Locator("#password").FillAsync(password);
        await Page.Locator("#login").ClickAsync();
    }

    /// <summary>
    /// Ends the cidaas session as a user would in another tab: opens the emulator's end-session URL in a second page of
    /// this browser context (its SSO cookie names the session), and returns the back-channel logouts that sent.
    /// </summary>
    protected async Task<IReadOnlyList<CidaasEmulatorLogoutDelivery>> EndSessionAtCidaasInAnotherPageAsync()
    {
        var before = Fixture.Emulator.BackchannelLogouts.Count;
        var cidaas = await Context.NewPageAsync();
        try
        {
            var response = await cidaas.GotoAsync(Fixture.Emulator.Authority + "/session/end_session");
            response!.Status.Should().Be(200);
        }
        finally
        {
            await cidaas.CloseAsync();
        }

        // The emulator POSTs the logout tokens before it answers the end-session request.
        return Fixture.Emulator.BackchannelLogouts.Skip(before).ToArray();
    }

    protected async Task<BrowserContextCookiesResult?> SampleCookieAsync(string name) =>
        (await Context.CookiesAsync([Fixture.BaseUrl])).FirstOrDefault(c => c.Name == name);

    private async Task SaveScreenshotsAsync(string testName)
    {
        if (_context is null || _page is null)
        {
            return;
        }

        Directory.CreateDirectory(RepositoryPaths.OutputDirectory);
        var name = string.Concat(testName.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' ? c : '_'));
        await TrySaveAsync(_page, Path.Combine(RepositoryPaths.OutputDirectory, name + ".png"));

        // What the sample shows on its profile page in this context: signed in, or sent to the login form.
        IPage? profile = null;
        try
        {
            profile = await _context.NewPageAsync();
            await profile.GotoAsync("/profile", new PageGotoOptions { Timeout = 5_000 });
            await TrySaveAsync(profile, Path.Combine(RepositoryPaths.OutputDirectory, name + "-profile.png"));
        }
        catch (PlaywrightException exception)
        {
            Output.WriteLine("No profile screenshot: " + exception.Message);
        }
        finally
        {
            if (profile is not null)
            {
                await profile.CloseAsync();
            }
        }
    }

    private async Task TrySaveAsync(IPage page, string path)
    {
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 5_000 });
            Output.WriteLine("Screenshot: " + path);
        }
        catch (PlaywrightException exception)
        {
            Output.WriteLine($"No screenshot of {SafeUrl(page)}: {exception.Message}");
        }
    }

    // Callback URLs carry a code and a state: the output shows the path only.
    private static string SafeUrl(IPage? page) =>
        page is null || !Uri.TryCreate(page.Url, UriKind.Absolute, out var uri) ? "(no page)" : uri.GetLeftPart(UriPartial.Path);
}
