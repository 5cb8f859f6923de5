using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>One cached introspection answer: the verdict, until when it may be used, and the answer's JSON.</summary>
internal sealed record CidaasIntrospectionEntry(bool Active, DateTimeOffset CacheUntil, ReadOnlyMemory<byte> Body);

/// <summary>
/// Caches introspection answers under a SHA-256 hash of the token (the token itself is never a key or a value), in the
/// host's <see cref="IDistributedCache"/> when it registered one, else in a size-limited in-process memory cache.
/// Every entry carries its own end, checked against the scheme's <see cref="TimeProvider"/> on each read.
/// </summary>
internal sealed class CidaasIntrospectionCache : IDisposable
{
    private const byte FormatVersion = 1;
    private const int HeaderLength = 1 + 1 + sizeof(long);
    private const int MemoryEntryLimit = 10_000;

    private readonly IDistributedCache? _distributed;
    private readonly MemoryCache? _memory;

    public CidaasIntrospectionCache(IDistributedCache? distributed)
    {
        _distributed = distributed;
        if (distributed is null)
        {
            _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = MemoryEntryLimit });
        }
    }

    public bool IsDistributed => _distributed is not null;

    public static string CreateKey(string scheme, string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return "Cidaas.Introspection:" + scheme + ":" + WebEncoders.Base64UrlEncode(hash);
    }

    public async ValueTask<CidaasIntrospectionEntry?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        CidaasIntrospectionEntry? entry;
        if (_memory is not null)
        {
            entry = _memory.Get<CidaasIntrospectionEntry>(key);
        }
        else
        {
            var bytes = await _distributed!.GetAsync(key, cancellationToken);
            entry = bytes is null ? null : Deserialize(bytes);
        }

        return entry is not null && entry.CacheUntil > now ? entry : null;
    }

    public async ValueTask SetAsync(string key, CidaasIntrospectionEntry entry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lifetime = entry.CacheUntil - now;
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (_memory is not null)
        {
            _memory.Set(key, entry, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = 1 });
            return;
        }

        await _distributed!.SetAsync(key, Serialize(entry), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime }, cancellationToken);
    }

    public void Dispose() => _memory?.Dispose();

    private static byte[] Serialize(CidaasIntrospectionEntry entry)
    {
        var bytes = new byte[HeaderLength + entry.Body.Length];
        bytes[0] = FormatVersion;
        bytes[1] = entry.Active ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(2), entry.CacheUntil.ToUnixTimeMilliseconds());
        entry.Body.Span.CopyTo(bytes.AsSpan(HeaderLength));
        return bytes;
    }

    private static CidaasIntrospectionEntry? Deserialize(byte[] bytes)
    {
        if (bytes.Length < HeaderLength || bytes[0] != FormatVersion)
        {
            return null;
        }

        var cacheUntil = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(2)));
        return new CidaasIntrospectionEntry(bytes[1] == 1, cacheUntil, bytes.AsMemory(HeaderLength));
    }
}
