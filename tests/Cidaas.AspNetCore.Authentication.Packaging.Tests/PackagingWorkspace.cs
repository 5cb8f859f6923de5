using System.Net.Sockets;

namespace Cidaas.AspNetCore.Authentication.Packaging.Tests;

/// <summary>
/// A temporary folder in which the tests act as a new user: a home folder (so that <c>~/cidaas-feed</c> of the README is
/// this run's own feed), an empty package cache (so that a package packed by an earlier run is never picked up), and the
/// repository to pack from. Deleted at the end.
/// </summary>
public sealed class PackagingWorkspace : IDisposable
{
    public PackagingWorkspace()
    {
        Root = Directory.CreateTempSubdirectory("cidaas-packaging-").FullName;
        RepositoryRoot = CopyRepository(FindRepositoryRoot(), Path.Combine(Root, "repository"));
        Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
        Feed = Path.Combine(Home, "cidaas-feed");
        Environment = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            // NuGet's configuration and caches, the SDK's first-run state and global tools are the new user's, in this folder.
            ["DOTNET_CLI_HOME"] = Home,
            ["NUGET_PACKAGES"] = Path.Combine(Root, "packages"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1",
        };
    }

    /// <summary>
    /// A copy of what packing needs (src/, the build files, the README), so that packing with the new user's package
    /// cache never touches the working tree's obj/ folders.
    /// </summary>
    public string RepositoryRoot { get; }

    public string Root { get; }

    public string Home { get; }

    /// <summary><c>~/cidaas-feed</c> of the README.</summary>
    public string Feed { get; }

    public IDictionary<string, string> Environment { get; }

    public string Readme => File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")).ReplaceLineEndings("\n");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The fenced block that follows <c>&lt;!-- marker --&gt;</c> in the README.</summary>
    public string ReadmeBlock(string marker)
    {
        var readme = Readme;
        var at = readme.IndexOf($"<!-- {marker}", StringComparison.Ordinal);
        at.Should().BePositive($"the README marks a block with <!-- {marker} -->");
        var open = readme.IndexOf("```", at, StringComparison.Ordinal);
        var begin = readme.IndexOf('\n', open) + 1;
        var end = readme.IndexOf("\n```", begin, StringComparison.Ordinal);
        return readme[begin..(end + 1)];
    }

    public void Dispose()
    {
        _gate.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process of the test may still hold a file for a moment; the temp folder is cleaned by the system.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);

    /// <summary>Runs a step (packing, installing the tool) once for all tests of the workspace.</summary>
    public async Task OnceAsync(string step, Func<Task> run)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_done.Contains(step))
            {
                await run();
                _done.Add(step);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public string AppDirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, "apps", name)).FullName;

    private static string CopyRepository(string source, string target)
    {
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", ".editorconfig", "README.md", "CHANGELOG.md", "SECURITY.md", "LICENSE" })
        {
            if (File.Exists(Path.Combine(source, file)))
            {
                Directory.CreateDirectory(target);
                File.Copy(Path.Combine(source, file), Path.Combine(target, file));
            }
        }

        CopyTree(new DirectoryInfo(Path.Combine(source, "src")), Path.Combine(target, "src"));
        return target;
    }

    private static void CopyTree(DirectoryInfo source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in source.EnumerateFiles())
        {
            file.CopyTo(Path.Combine(target, file.Name));
        }

        foreach (var directory in source.EnumerateDirectories().Where(d => d.Name is not ("bin" or "obj")))
        {
            CopyTree(directory, Path.Combine(target, directory.Name));
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cidaas.AspNetCore.Authentication.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the repository: no Cidaas.AspNetCore.Authentication.sln above " + AppContext.BaseDirectory);
    }
}
