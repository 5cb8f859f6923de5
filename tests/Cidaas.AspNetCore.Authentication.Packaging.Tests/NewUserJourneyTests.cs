using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Packaging.Tests;

/// <summary>
/// The README's install and emulator-tool sections, done as a new user does them: the commands run verbatim in a
/// temporary home, the tool is installed from the folder feed, and a <c>dotnet new web</c> app with the README's
/// <c>Program.cs</c> signs in through the tool.
/// </summary>
public sealed class NewUserJourneyTests(PackagingWorkspace workspace, ITestOutputHelper output) : IClassFixture<PackagingWorkspace>
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task The_installed_tool_serves_cidaas_with_its_switches_and_refuses_bad_ones()
    {
        var tool = await InstallToolAsync();

        var help = await DotnetCli.RunAsync(tool, ["--help"], workspace.Root, workspace.Environment, CommandTimeout);
        help.ExitCode.Should().Be(0);
        help.Output.Should().Contain("--enable-test-token-endpoint").And.Contain("--fail <path>=<status>");

        foreach (var bad in new[] { new[] { "--port", "http" }, ["--fail", "/token-srv/token=200"], ["--access-token-lifetime", "120"], ["--what"] })
        {
            var refused = await DotnetCli.RunAsync(tool, bad, workspace.Root, workspace.Environment, CommandTimeout);
            refused.ExitCode.Should().Be(2, string.Join(' ', bad));
            refused.Output.Should().Contain("cidaas-emulator: ").And.NotContain("   at ", "a wrong argument is a message, not a stack trace");
        }

        await using var emulator = await RunningTool.StartAsync(tool, workspace,
            "--port", "0", "--enable-test-token-endpoint", "--fail", "/users-srv/userinfo=503", "--access-token-lifetime", "2m");
        emulator.Banner.Should().Contain("alice / alice-password").And.Contain("demo-client / demo-secret").And.Contain("TEST-ONLY");
        using var http = new HttpClient { BaseAddress = new Uri(emulator.Authority) };

        using var discovery = JsonDocument.Parse(await http.GetStringAsync("/.well-known/openid-configuration"));
        discovery.RootElement.GetProperty("issuer").GetString().Should().Be(emulator.Authority);

        using var mint = new HttpRequestMessage(HttpMethod.Post, "/emulator/test-token")
        {
            Content = new FormUrlEncodedContent([new("username", "alice"), new("scope", "openid orders:read")]),
        };
        mint.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("demo-client:demo-secret")));
        using var minted = await http.SendAsync(mint);
        minted.StatusCode.Should().Be(HttpStatusCode.OK);
        using var tokens = JsonDocument.Parse(await minted.Content.ReadAsStringAsync());
        var accessToken = new JsonWebToken(tokens.RootElement.GetProperty("access_token").GetString());
        (accessToken.ValidTo - accessToken.IssuedAt).Should().Be(TimeSpan.FromMinutes(2), "--access-token-lifetime 2m");

        using var userInfo = new HttpRequestMessage(HttpMethod.Get, "/users-srv/userinfo");
        userInfo.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.RootElement.GetProperty("access_token").GetString());
        (await http.SendAsync(userInfo)).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, "--fail /users-srv/userinfo=503");
    }

    [Fact]
    public async Task A_new_web_app_adds_the_package_from_the_folder_feed_and_signs_in_through_the_tool()
    {
        var tool = await InstallToolAsync();
        var app = workspace.AppDirectory("my-app");
        await RunAsync("dotnet", ["new", "web", "--name", "MyApp", "--output", app], workspace.Root);

        // The README's install block: its first part in the repository, the rest in the app's folder.
        await PackAsync();
        await RunScriptAsync(InstallBlock[1], app);

        var reference = File.ReadAllText(Path.Combine(app, "MyApp.csproj"));
        reference.Should().Contain("<PackageReference Include=\"Cidaas.AspNetCore.Authentication\"");
        var packed = Directory.GetFiles(workspace.Feed, "Cidaas.AspNetCore.Authentication.*.nupkg")
            .Select(Path.GetFileName).Should().Contain(name => name!.StartsWith("Cidaas.AspNetCore.Authentication.0", StringComparison.Ordinal)).Subject;
        var version = packed!["Cidaas.AspNetCore.Authentication.".Length..^".nupkg".Length];
        reference.Should().Contain($"Version=\"{version}\"", "the package comes from the folder feed");

        File.WriteAllText(Path.Combine(app, "Program.cs"), workspace.ReadmeBlock("emulator-app-program"));
        File.WriteAllText(Path.Combine(app, "appsettings.Development.json"), workspace.ReadmeBlock("emulator-app-settings"));
        await RunAsync("dotnet", ["build", "-c", "Release", "-nologo"], app);

        // The tool on a free port instead of the README's 5100 (the authority comes from the environment, which wins
        // over appsettings), and signing in without its login page: the first demo user, alice.
        await using var emulator = await RunningTool.StartAsync(tool, workspace, "--port", "0", "--CidaasEmulator:ShowLoginPage", "false");
        var port = PackagingWorkspace.FreePort();
        var environment = new Dictionary<string, string>(workspace.Environment)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Authentication__Schemes__Cidaas__Authority"] = emulator.Authority,
        };
        using var process = Process.Start(DotnetCli.Start("dotnet", ["bin/Release/net10.0/MyApp.dll", "--urls", $"http://127.0.0.1:{port}"], app, environment))!;
        var appOutput = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (appOutput) { appOutput.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (appOutput) { appOutput.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true, MaxAutomaticRedirections = 10 })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            };
            var page = await WaitForAppAsync(browser, process);

            page.StatusCode.Should().Be(HttpStatusCode.OK);
            (await page.Content.ReadAsStringAsync()).Should().Be("Hello Alice Anderson!");
            page.RequestMessage!.RequestUri!.AbsolutePath.Should().Be("/", "the app sent alice to the emulator and back to where she started");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lock (appOutput)
            {
                output.WriteLine(appOutput.ToString());
            }
        }
    }

    private static async Task<HttpResponseMessage> WaitForAppAsync(HttpClient browser, Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            process.HasExited.Should().BeFalse("the app keeps running");
            try
            {
                return await browser.GetAsync("/");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    [Fact]
    public async Task Each_package_has_a_feed_readme_with_absolute_links_symbols_repository_urls_and_deterministic_paths()
    {
        await PackAsync();
        await InstallToolAsync();

        foreach (var id in new[] { "Cidaas.AspNetCore.Authentication", "Cidaas.AspNetCore.Authentication.Testing", "Cidaas.AspNetCore.Authentication.Emulator" })
        {
            var package = Directory.GetFiles(workspace.Feed, id + ".0*.nupkg").Should().ContainSingle().Subject;
            File.Exists(Path.ChangeExtension(package, ".snupkg")).Should().BeTrue($"{id} ships its symbols");
            using var zip = ZipFile.OpenRead(package);

            var nuspec = Read(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)));
            nuspec.Should().Contain("<readme>README.md</readme>")
                .And.Contain("<repository type=\"git\" url=\"https://github.com/")
                .And.Contain("<projectUrl>https://github.com/");

            var readme = Read(zip.GetEntry("README.md")!);
            readme.Should().StartWith("# " + id, "the feed page opens with the package, not with this repository");
            readme.Should().NotMatchRegex(@"\]\((?!https://)", "a feed page has no relative links");
            readme.Should().NotContain("tests/run-all.sh").And.NotContain("--project sample");

            foreach (var dll in zip.Entries.Where(e => e.FullName.EndsWith(".dll", StringComparison.Ordinal) && Path.GetFileName(e.FullName).StartsWith("Cidaas.", StringComparison.Ordinal)))
            {
                using var stream = new MemoryStream();
                using (var entry = dll.Open())
                {
                    await entry.CopyToAsync(stream);
                }

                stream.Position = 0;
                using var pe = new PEReader(stream);
                var codeView = pe.ReadDebugDirectory().Single(d => d.Type == DebugDirectoryEntryType.CodeView);
                pe.ReadCodeViewDebugDirectoryData(codeView).Path.Should().StartWith("/_/", $"{dll.FullName} names no path of the machine that built it");
            }
        }
    }

    private string[] InstallBlock
    {
        get
        {
            var install = workspace.ReadmeBlock("install-from-folder").Split("# in your app's folder", 2);
            install.Should().HaveCount(2);
            return install;
        }
    }

    private static string Read(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private Task PackAsync() => workspace.OnceAsync("pack", () => RunScriptAsync(InstallBlock[0], workspace.RepositoryRoot));

    private async Task<string> InstallToolAsync()
    {
        var tool = Path.Combine(workspace.Home, ".dotnet", "tools", "cidaas-emulator");
        await workspace.OnceAsync("tool", async () =>
        {
            // The README's tool block without its last line, which starts the tool (the tests start it on a free port).
            var lines = workspace.ReadmeBlock("emulator-tool").Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines[^1].Should().StartWith("cidaas-emulator ");
            await RunScriptAsync(string.Join('\n', lines[..^1]), workspace.RepositoryRoot);
        });
        File.Exists(tool).Should().BeTrue("dotnet tool install --global puts the command in ~/.dotnet/tools");
        return tool;
    }

    private Task RunScriptAsync(string script, string directory) => RunAsync("bash", ["-euo", "pipefail", "-c", script], directory);

    private async Task RunAsync(string fileName, string[] arguments, string directory)
    {
        var (exitCode, text) = await DotnetCli.RunAsync(fileName, arguments, directory, workspace.Environment, CommandTimeout);
        output.WriteLine($"$ {fileName} {string.Join(' ', arguments)}\n{text}");
        exitCode.Should().Be(0, $"'{fileName} {string.Join(' ', arguments)}' succeeds:\n{text}");
    }
}
