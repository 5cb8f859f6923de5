using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// Caches introspection answers under a key made of a hash of the scheme, the introspection endpoint and the client
/// that asked (<see cref="CreateKeyPrefix"/>) and a SHA-256 hash of the token (the token itself is never a key or a
/// value). Every entry carries its own end, checked against the scheme's <see cref="TimeProvider"/> on each read.
/// </summary>
/// <remarks>
/// <para>
/// Active answers go to the host's <see cref="IDistributedCache"/> when it registered one, protected with Data
/// Protection (purpose: this type, the scheme, <c>v1</c>): an entry that does not unprotect (written by someone without
/// the key ring, or tampered with) throws <see cref="CryptographicException"/>, which the handler treats as a miss.
/// Without a distributed cache they stay in a size-limited in-process memory cache.
/// </para>
/// <para>
/// Inactive answers always stay in a memory cache of their own, so that a flood of junk tokens neither evicts active
/// answers nor fills the shared cache; <see cref="CidaasIntrospection"/> gives them a shorter lifetime.
/// </para>
/// </remarks>
internal sealed class CidaasIntrospectionCache : IDisposable
{
    private const string KeyPrefix = "Cidaas.Introspection:";
    private const string ProtectionVersion = "v1";

    // The type's name before it moved to the Bearer namespace: entries written by an earlier version stay readable.
    private const string ProtectionPurpose = "Cidaas.AspNetCore.Authentication.CidaasIntrospectionCache";
    private const byte FormatVersion = 1;
    private const int HeaderLength = 1 + 1 + sizeof(long);
    private const int MemoryEntryLimit = 10_000;

    private readonly IDistributedCache? _distributed;
    private readonly MemoryCache? _active;
    private readonly MemoryCache _inactive;

    public CidaasIntrospectionCache(IDistributedCache? distributed)
    {
        _distributed = distributed;
        if (distributed is null)
        {
            _active = new MemoryCache(new MemoryCacheOptions { SizeLimit = MemoryEntryLimit });
        }

        _inactive = new MemoryCache(new MemoryCacheOptions { SizeLimit = MemoryEntryLimit });
    }

    /// <summary>The protector of a scheme's entries in the distributed cache.</summary>
    public static IDataProtector CreateProtector(IDataProtectionProvider provider, string scheme)
        => provider.CreateProtector(ProtectionPurpose, scheme, ProtectionVersion);

    /// <summary>
    /// The start of every key of a scheme: a hash of the scheme, the introspection endpoint and the client id, so that
    /// APIs sharing one cache (and perhaps a scheme name) never read each other's answers.
    /// </summary>
    public static string CreateKeyPrefix(string scheme, string endpoint, string clientId)
    {
        var input = new StringBuilder();
        foreach (var part in (ReadOnlySpan<string>)[scheme, endpoint, clientId])
        {
            // Length-prefixed, so that no two triples make the same input.
            input.Append(part.Length).Append(':').Append(part).Append('\n');
        }

        return KeyPrefix + WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.UTF8.GetBytes(input.ToString()))) + ":";
    }

    public static string CreateKey(string prefix, string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return prefix + WebEncoders.Base64UrlEncode(hash);
    }

    /// <exception cref="CryptographicException">The distributed entry does not unprotect.</exception>
    public async ValueTask<CidaasIntrospectionEntry?> GetAsync(string key, IDataProtector protector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entry = _inactive.Get<CidaasIntrospectionEntry>(key);
        if (entry is null && _active is not null)
        {
            entry = _active.Get<CidaasIntrospectionEntry>(key);
        }
        else if (entry is null)
        {
            var bytes = await _distributed!.GetAsync(key, cancellationToken);
            entry = bytes is null ? null : Deserialize(protector.Unprotect(bytes));
        }

        return entry is not null && entry.CacheUntil > now ? entry : null;
    }

    public async ValueTask SetAsync(string key, CidaasIntrospectionEntry entry, IDataProtector protector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lifetime = entry.CacheUntil - now;
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        var memory = entry.Active ? _active : _inactive;
        if (memory is not null)
        {
            memory.Set(key, entry, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = 1 });
            return;
        }

        var options = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime };
        await _distributed!.SetAsync(key, protector.Protect(Serialize(entry)), options, cancellationToken);
    }

    public void Dispose()
    {
        _active?.Dispose();
        _inactive.Dispose();
    }

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

        var milliseconds = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(2));
        if (milliseconds is < 0 or > 253_402_300_799_999)
        {
            return null;
        }

        return new CidaasIntrospectionEntry(bytes[1] == 1, DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), bytes.AsMemory(HeaderLength));
    }
}
