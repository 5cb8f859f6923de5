using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tests.Sessions;

/// <summary>The in-memory distributed cache, recording every key and value written, and able to fail on demand (an outage).</summary>
public sealed class RecordingCache : IDistributedCache
{
    private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));

    public ConcurrentDictionary<string, byte[]> Written { get; } = new(StringComparer.Ordinal);

    /// <summary>The entry options of every key written (the last write).</summary>
    public ConcurrentDictionary<string, DistributedCacheEntryOptions> WrittenOptions { get; } = new(StringComparer.Ordinal);

    public int Reads;

    public bool Down { get; set; }

    /// <summary>When set, writes of keys that start with it fail (the cache going away between two writes).</summary>
    public string? FailWritesOf { get; set; }

    public byte[]? Get(string key) => Check(() => _inner.Get(key));

    /// <summary>When set, every read waits for it (a slow network), so that a test sees which reads are in flight together.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>The reads issued and not answered yet.</summary>
    public int PendingReads => Volatile.Read(ref _pendingReads);

    private int _pendingReads;

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        Fail();
        Interlocked.Increment(ref Reads);
        Interlocked.Increment(ref _pendingReads);
        try
        {
            if (Gate is { } gate)
            {
                await gate.Task;
            }

            return await _inner.GetAsync(key, token);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingReads);
        }
    }

    public void Refresh(string key) => Check(() => _inner.Refresh(key));

    public Task RefreshAsync(string key, CancellationToken token = default) => Check(() => _inner.RefreshAsync(key, token));

    public void Remove(string key) => Check(() => _inner.Remove(key));

    public Task RemoveAsync(string key, CancellationToken token = default) => Check(() => _inner.RemoveAsync(key, token));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        FailWrite(key);
        Written[key] = value;
        WrittenOptions[key] = options;
        _inner.Set(key, value, options);
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        FailWrite(key);
        Written[key] = value;
        WrittenOptions[key] = options;
        return _inner.SetAsync(key, value, options, token);
    }

    /// <summary>Whether the key holds a value now.</summary>
    public bool Holds(string key) => _inner.Get(key) is not null;

    private T Check<T>(Func<T> action)
    {
        Fail();
        return action();
    }

    private void Check(Action action)
    {
        Fail();
        action();
    }

    private void FailWrite(string key)
    {
        Fail();
        if (FailWritesOf is { } prefix && key.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The cache is down (test outage).");
        }
    }

    private void Fail()
    {
        if (Down)
        {
            throw new InvalidOperationException("The cache is down (test outage).");
        }
    }
}
