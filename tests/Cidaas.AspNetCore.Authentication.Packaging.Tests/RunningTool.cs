using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Cidaas.AspNetCore.Authentication.Packaging.Tests;

/// <summary>The installed <c>cidaas-emulator</c> running until disposed; its banner names the authority.</summary>
internal sealed partial class RunningTool : IAsyncDisposable
{
    private readonly Process _process;

    private RunningTool(Process process, string authority, string banner)
    {
        _process = process;
        Authority = authority;
        Banner = banner;
    }

    public string Authority { get; }

    public string Banner { get; }

    public static async Task<RunningTool> StartAsync(string tool, PackagingWorkspace workspace, params string[] arguments)
    {
        var process = Process.Start(DotnetCli.Start(tool, arguments, workspace.Root, workspace.Environment))
            ?? throw new InvalidOperationException("cidaas-emulator did not start.");
        var banner = new StringBuilder();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            lock (banner)
            {
                banner.AppendLine(e.Data);
                if (e.Data is not null && e.Data.StartsWith("Press Ctrl+C", StringComparison.Ordinal))
                {
                    ready.TrySetResult(banner.ToString());
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (banner)
            {
                banner.AppendLine(e.Data);
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("cidaas-emulator exited:\n" + banner));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        string text;
        try
        {
            text = await ready.Task.WaitAsync(TimeSpan.FromMinutes(1));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }

        var authority = AuthorityLine().Match(text);
        authority.Success.Should().BeTrue("the banner names the authority:\n" + text);
        return new RunningTool(process, authority.Groups[1].Value, text);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"authority: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex AuthorityLine();
}
