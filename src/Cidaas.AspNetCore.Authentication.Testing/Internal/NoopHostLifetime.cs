using Microsoft.Extensions.Hosting;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>
/// Replaces the console lifetime: the emulator lives inside someone else's process and must not react to Ctrl+C
/// or SIGTERM on its own; its owner disposes it.
/// </summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
