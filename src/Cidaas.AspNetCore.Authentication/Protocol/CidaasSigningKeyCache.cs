using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Signing keys refetched because an id_token named a key the cached configuration does not have. One refetch runs
/// at a time (callers that waited reuse its result), and refetches are at least <c>SigningKeyRefreshInterval</c> apart,
/// so a flood of tokens with made-up key ids costs at most one JWKS request per interval.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The gate lives as long as the options of its scheme; SemaphoreSlim without AvailableWaitHandle holds no unmanaged resource.")]
internal sealed class CidaasSigningKeyCache
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _snapshot;
    private long _version;
    private DateTimeOffset _lastRefresh = DateTimeOffset.MinValue;

    /// <summary>The keys to validate with: the refetched ones when they are newer than this configuration's.</summary>
    public ICollection<SecurityKey> GetKeys(OpenIdConnectConfiguration configuration)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        return snapshot is not null && ReferenceEquals(snapshot.Configuration, configuration)
            ? snapshot.Keys
            : configuration.SigningKeys;
    }

    /// <summary>
    /// Refetches the keys unless another caller just did (then its keys are returned) or the last refetch was too
    /// recent (then <see langword="null"/>).
    /// </summary>
    public async Task<ICollection<SecurityKey>?> RefreshAsync(
        OpenIdConnectConfiguration configuration,
        Func<CancellationToken, Task<ICollection<SecurityKey>>> fetch,
        TimeProvider timeProvider,
        TimeSpan minimumInterval,
        CancellationToken cancellationToken)
    {
        var observed = Interlocked.Read(ref _version);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Interlocked.Read(ref _version) != observed)
            {
                return GetKeys(configuration);
            }

            var now = timeProvider.GetUtcNow();
            if (_lastRefresh != DateTimeOffset.MinValue && now - _lastRefresh < minimumInterval)
            {
                return null;
            }

            _lastRefresh = now;
            var keys = await fetch(cancellationToken);
            Volatile.Write(ref _snapshot, new Snapshot(configuration, keys));
            Interlocked.Increment(ref _version);
            return keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Snapshot(OpenIdConnectConfiguration Configuration, ICollection<SecurityKey> Keys);
}
