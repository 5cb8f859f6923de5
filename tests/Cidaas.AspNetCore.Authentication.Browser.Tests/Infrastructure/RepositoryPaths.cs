namespace Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;

internal static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries that holds the solution file.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The sample's project folder, its content root (appsettings.json, wwwroot).</summary>
    public static string SampleDirectory => Path.Combine(Root, "sample", "Cidaas.Sample.Web");

    /// <summary>
    /// Where screenshots go: <c>CIDAAS_BROWSER_TEST_OUTPUT</c>, or <c>artifacts/test-results/browser</c> of the repository,
    /// beside the logs and results that tests/run-all.sh writes.
    /// </summary>
    public static string OutputDirectory { get; } =
        Environment.GetEnvironmentVariable("CIDAAS_BROWSER_TEST_OUTPUT") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Root, "artifacts", "test-results", "browser");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cidaas.AspNetCore.Authentication.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Cidaas.AspNetCore.Authentication.sln.");
    }
}
