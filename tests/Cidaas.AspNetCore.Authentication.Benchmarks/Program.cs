using BenchmarkDotNet.Running;
using Cidaas.AspNetCore.Authentication.Benchmarks.Profiling;

namespace Cidaas.AspNetCore.Authentication.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Cidaas.AspNetCore.Authentication.Benchmarks -- --filter *</c> runs every
/// benchmark; <c>-- --profile [name]</c> prints an allocation profile and interleaved timings instead (see
/// <see cref="AllocationProfile"/>).
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--profile")
        {
            await AllocationProfile.RunAsync(args.Length > 1 ? args[1] : null);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(UndoShellGlob(args));
    }

    /// <summary>
    /// An unquoted <c>--filter *</c> arrives expanded by the shell into the names in the current folder, which match
    /// no benchmark: read such a list as the <c>*</c> that was typed.
    /// </summary>
    private static string[] UndoShellGlob(string[] args)
    {
        var start = Array.IndexOf(args, "--filter") + 1;
        if (start == 0)
        {
            return args;
        }

        var end = start;
        while (end < args.Length && !args[end].StartsWith('-'))
        {
            end++;
        }

        var names = Directory.EnumerateFileSystemEntries(Directory.GetCurrentDirectory()).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        return end - start > 1 && args[start..end].All(names.Contains) ? [.. args[..start], "*", .. args[end..]] : args;
    }
}
