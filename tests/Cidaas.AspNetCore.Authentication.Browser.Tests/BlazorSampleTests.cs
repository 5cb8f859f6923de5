using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Cidaas.AspNetCore.Authentication.Browser.Tests;

/// <summary>
/// The Blazor Web App sample (sample/Cidaas.Sample.Blazor), run as its own process with its embedded emulator and
/// driven by headless Chromium: an [Authorize] interactive Server page, an [Authorize] interactive WebAssembly page that
/// sees the user through the serialized authentication state, the "Create account" link, and sign-out through
/// MapCidaasAccountEndpoints.
/// </summary>
public sealed partial class BlazorSampleTests(BlazorSampleTests.BlazorSampleFixture fixture, ITestOutputHelper output)
    : IClassFixture<BlazorSampleTests.BlazorSampleFixture>, IAsyncLifetime
{
    private IBrowserContext _context = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        _context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.BaseUrl, Locale = "en-US" });
        _context.SetDefaultTimeout(15_000);
        _context.SetDefaultNavigationTimeout(20_000);
        SetDefaultExpectTimeout(15_000);
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        output.WriteLine(fixture.TakeOutput());
        await _context.CloseAsync();
    }

    [Fact]
    public async Task An_anonymous_visit_to_the_server_page_signs_in_at_cidaas_and_the_page_is_interactive()
    {
        await _page.GotoAsync("/profile");
        await SignInAtTheEmulatorAsync("alice", "alice-password");

        await Expect(_page).ToHaveURLAsync(fixture.BaseUrl + "/profile");
        await Expect(_page.Locator("#name")).ToHaveTextAsync("Alice Anderson");
        await Expect(_page.Locator("#admin-note")).ToBeVisibleAsync();
        await Expect(_page.Locator("#current-user")).ToHaveTextAsync("Alice Anderson");
        await Expect(_page.Locator("#render-mode")).ToHaveTextAsync("interactive Server");
        await _page.Locator("#count").ClickAsync();
        await Expect(_page.Locator("#count")).ToHaveTextAsync("Clicked 1 times");
    }

    [Fact]
    public async Task The_webassembly_page_sees_the_signed_in_user_through_the_serialized_authentication_state()
    {
        await _page.GotoAsync("/claims-wasm");
        await SignInAtTheEmulatorAsync("bob", "bob-password");

        await Expect(_page).ToHaveURLAsync(fixture.BaseUrl + "/claims-wasm");
        await Expect(_page.Locator("#render-mode")).ToHaveTextAsync("WebAssembly", new() { Timeout = 30_000 });
        await Expect(_page.Locator("#wasm-user")).ToHaveTextAsync("Bob Brown");
        await Expect(_page.Locator("#wasm-claims td[data-claim='http://schemas.microsoft.com/ws/2008/06/identity/claims/role']")).ToHaveTextAsync("user");
        await _page.Locator("#count").ClickAsync();
        await Expect(_page.Locator("#count")).ToHaveTextAsync("Clicked 1 times");
        (await _page.ContentAsync()).Should().NotMatchRegex(@"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.", "no token reaches the browser");
    }

    [Fact]
    public async Task The_server_calls_an_api_with_the_users_token_which_never_reaches_the_browser()
    {
        await _page.GotoAsync("/api-call");
        await SignInAtTheEmulatorAsync("alice", "alice-password");

        await Expect(_page).ToHaveURLAsync(fixture.BaseUrl + "/api-call");
        await Expect(_page.Locator("#api-status")).ToHaveTextAsync("200");
        await Expect(_page.Locator("#api-name")).ToHaveTextAsync("Alice Anderson");
        (await _page.ContentAsync()).Should().NotMatchRegex(@"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.", "the token stays on the server");
    }

    [Fact]
    public async Task Sign_out_ends_the_app_session_and_the_cidaas_session()
    {
        await _page.GotoAsync("/profile");
        await SignInAtTheEmulatorAsync("alice", "alice-password");
        await Expect(_page.Locator("#current-user")).ToHaveTextAsync("Alice Anderson");

        await _page.Locator("#sign-out").ClickAsync();

        await Expect(_page).ToHaveURLAsync(fixture.BaseUrl + "/");
        await Expect(_page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(_page.Locator("#current-user")).ToHaveCountAsync(0);
        await _page.GotoAsync("/profile");
        // The cidaas session ended too: the login form shows again.
        await Expect(_page.Locator("#login-form")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_create_account_link_beside_sign_in_opens_the_cidaas_registration_page()
    {
        await _page.GotoAsync("/");
        await Expect(_page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(_page.Locator("#create-account")).ToHaveTextAsync("Create account");

        await _page.Locator("#create-account").ClickAsync();

        await Expect(_page).ToHaveURLAsync(new Regex("^" + Regex.Escape(fixture.EmulatorAuthority) + "/authz-srv/authz\\?.*\\bview_type=register\\b"));
        await Expect(_page.Locator("#register-form")).ToBeVisibleAsync();
        await Expect(_page.Locator("#login-form")).ToHaveCountAsync(0);
    }

    private async Task SignInAtTheEmulatorAsync(string username, string password)
    {
        await Expect(_page).ToHaveURLAsync(new Regex("^" + Regex.Escape(fixture.EmulatorAuthority) + "/authz-srv/authz\\?"));
        await _page.Locator("#username").FillAsync(username);
        await _page.Locator("#password").FillAsync(password);
        await _page.Locator("#login").ClickAsync();
    }

    /// <summary>The Blazor sample as a process (Development, so that it serves its build's static web assets) and one Chromium.</summary>
    public sealed partial class BlazorSampleFixture : IAsyncLifetime
    {
        private readonly StringBuilder _output = new();
        private Process? _process;
        private IPlaywright? _playwright;
        private IBrowser? _browser;

        public string BaseUrl { get; private set; } = "";

        public string EmulatorAuthority { get; private set; } = "";

        public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

        public async Task InitializeAsync()
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var project = Path.Combine(RepositoryPaths.Root, "sample", "Cidaas.Sample.Blazor");
            var dll = Path.Combine(project, "bin", configuration, "net10.0", "Cidaas.Sample.Blazor.dll");
            File.Exists(dll).Should().BeTrue($"the solution build builds the Blazor sample ({dll})");

            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = project,
            };
            foreach (var argument in new[] { dll, "--urls", "http://127.0.0.1:0", "--contentRoot", project, "--environment", "Development", "--Cidaas:Authority", "" })
            {
                start.ArgumentList.Add(argument);
            }

            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => OnLine(e.Data, ready);
            _process.ErrorDataReceived += (_, e) => OnLine(e.Data, ready);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            await ready.Task.WaitAsync(TimeSpan.FromMinutes(1));

            _playwright = await Playwright.CreateAsync();
            _browser = await SampleFixture.LaunchChromiumAsync(_playwright);
        }

        public string TakeOutput()
        {
            lock (_output)
            {
                var text = _output.ToString();
                _output.Clear();
                return text;
            }
        }

        public async Task DisposeAsync()
        {
            if (_browser is not null)
            {
                await _browser.CloseAsync();
            }

            _playwright?.Dispose();
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process?.Dispose();
        }

        private void OnLine(string? line, TaskCompletionSource ready)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (SampleLine().Match(line) is { Success: true } sample)
            {
                // The browser uses "localhost" while the emulator is 127.0.0.1: two sites, as the app and cidaas are.
                BaseUrl = "http://localhost:" + sample.Groups[1].Value;
            }
            else if (EmulatorLine().Match(line) is { Success: true } emulator)
            {
                EmulatorAuthority = emulator.Groups[1].Value;
                ready.TrySetResult();
            }
        }

        [GeneratedRegex(@"sample is running at http://127\.0\.0\.1:(\d+)")]
        private static partial Regex SampleLine();

        [GeneratedRegex(@"emulator at (http://127\.0\.0\.1:\d+)")]
        private static partial Regex EmulatorLine();
    }
}
