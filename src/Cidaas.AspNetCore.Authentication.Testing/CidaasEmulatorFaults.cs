using System.Collections.Concurrent;

namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// One-shot faults queued per path: each request to a path takes the next queued fault, if any.
/// </summary>
public sealed class CidaasEmulatorFaults
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<CidaasEmulatorFault>> _queues = new(StringComparer.OrdinalIgnoreCase);

    internal CidaasEmulatorFaults()
    {
    }

    /// <summary>Queues a fault for the next request to <paramref name="path"/> that has no earlier fault queued.</summary>
    /// <param name="path">The request path relative to the authority, e.g. <c>/token-srv/token</c>.</param>
    /// <param name="fault">The fault.</param>
    public void Enqueue(string path, CidaasEmulatorFault fault)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(fault);
        _queues.GetOrAdd(Normalize(path), _ => new ConcurrentQueue<CidaasEmulatorFault>()).Enqueue(fault);
    }

    /// <summary>Removes every queued fault.</summary>
    public void Clear() => _queues.Clear();

    internal bool TryDequeue(string path, out CidaasEmulatorFault? fault)
    {
        fault = null;
        return _queues.TryGetValue(Normalize(path), out var queue) && queue.TryDequeue(out fault);
    }

    private static string Normalize(string path) => path.StartsWith('/') ? path : "/" + path;
}
