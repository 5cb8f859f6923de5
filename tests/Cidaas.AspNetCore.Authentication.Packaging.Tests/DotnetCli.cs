using System.Diagnostics;
using System.Text;

namespace Cidaas.AspNetCore.Authentication.Packaging.Tests;

/// <summary>Runs commands (dotnet, bash, the installed tool) as a user would, with the environment of the packaging workspace.</summary>
internal static class DotnetCli
{
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = Start(fileName, arguments, workingDirectory, environment);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not end within {timeout}:\n{Text(output)}");
        }

        process.WaitForExit();
        return (process.ExitCode, Text(output));
    }

    public static ProcessStartInfo Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
