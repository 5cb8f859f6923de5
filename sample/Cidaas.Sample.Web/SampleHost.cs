using Cidaas.AspNetCore.Authentication.Testing;

namespace Cidaas.Sample.Web;

/// <summary>The running sample and, when it signs in through it, the embedded cidaas emulator.</summary>
public sealed class SampleHost : IAsyncDisposable
{
    internal SampleHost(WebApplication app, CidaasEmulator? emulator, IReadOnlyList<string> urls)
    {
        App = app;
        Emulator = emulator;
        Urls = urls;
    }

    /// <summary>The sample app.</summary>
    public WebApplication App { get; }

    /// <summary>The embedded emulator, or <see langword="null"/> when the sample talks to a real cidaas tenant.</summary>
    public CidaasEmulator? Emulator { get; }

    /// <summary>The addresses the sample listens on, as Kestrel reports them (e.g. <c>http://127.0.0.1:41234</c>).</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>Waits until the app is asked to stop (Ctrl+C, SIGTERM).</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the app has stopped.</returns>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => App.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
