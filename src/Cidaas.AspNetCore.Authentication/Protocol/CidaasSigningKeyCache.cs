using Cidaas.AspNetCore.Authentication.Diagnostics;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// The signing keys of one scheme: the configuration's own, or newer ones refetched from the JWKS endpoint because a
/// token named a key the cache did not have. Every token validator of the scheme (id_token, access token, and any
/// later one such as the logout token) validates through <see cref="ValidateAsync"/>, which keeps these rules:
/// <list type="bullet">
/// <item>A validation that failed with keys older than the cache's current ones is retried with the current keys,
/// before any refetch or throttle decision: keys another request fetched meanwhile are never refused by the throttle
/// (the key-rotation race).</item>
/// <item>Only a caller that failed with the current keys may cause a fetch. One fetch runs at a time; callers that
/// arrive meanwhile wait for it and reuse its result. The fetch runs on no caller's cancellation token (the back
/// channel's timeout bounds it), so a caller that gives up only stops waiting and leaves the others untouched.</item>
/// <item>After a successful fetch the next one waits for the whole minimum interval (<c>SigningKeyRefreshInterval</c>,
/// 1 minute by default), whether or not the new set holds the key id asked for: a flood of tokens with made-up key
/// ids costs at most one JWKS request per interval.</item>
/// <item>After a failed fetch (non-2xx, network error, timeout, oversized or no usable key set) the keys stay as they
/// were, and the next fetch may run after <see cref="FirstRetryDelay"/> (1 s), doubled after each further failure in a
/// row and capped at the interval: 1, 2, 4, 8, 16, 32, 60, 60, … s with the default. A flood during an outage costs one
/// fetch per step, and a new key is picked up within a second or two once cidaas answers again.</item>
/// </list>
/// </summary>
internal sealed class CidaasSigningKeyCache
{
    /// <summary>The wait after the first failed fetch; it doubles with each further failure, up to the interval.</summary>
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Snapshot? _snapshot;
    private TaskCompletionSource<ICollection<SecurityKey>>? _flight;
    private DateTimeOffset _nextFetch = DateTimeOffset.MinValue;
    private int _failures;

    /// <summary>
    /// Test seam, <see langword="null"/> in production: awaited after a validation failed for an unknown key and before
    /// the refresh is asked for, so that a test can hold one request exactly there.
    /// </summary>
    internal Func<CancellationToken, Task>? BeforeRefresh { get; set; }

    /// <summary>Counts the fetches (<c>cidaas.signing_keys.refreshes</c>); set by the scheme's post-configuration.</summary>
    internal CidaasTelemetry? Telemetry { get; set; }

    /// <summary>The keys to validate with: the refetched ones when they are newer than this configuration's.</summary>
    public ICollection<SecurityKey> GetKeys(OpenIdConnectConfiguration configuration)
    {
        var snapshot = Volatile.Read(ref _snapshot);
        return snapshot is not null && ReferenceEquals(snapshot.Configuration, configuration)
            ? snapshot.Keys
            : configuration.SigningKeys;
    }

    /// <summary>
    /// Validates with the current keys; when the token names a key they do not have, retries with keys fetched since
    /// (by another request or by a refetch this call causes), as the rules of this class allow.
    /// </summary>
    /// <typeparam name="TState">What <paramref name="validate"/> and <paramref name="fetch"/> need; passed to them as is.</typeparam>
    /// <param name="configuration">The configuration the token is validated against.</param>
    /// <param name="state">Passed to <paramref name="validate"/> and <paramref name="fetch"/>.</param>
    /// <param name="validate">Validates the token with a key set.</param>
    /// <param name="fetch">Fetches the key set from the <c>jwks_uri</c> it is given; throws <see cref="CidaasProtocolException"/> when it cannot.</param>
    /// <param name="timeProvider">The clock of the throttle.</param>
    /// <param name="minimumInterval">The least time after a successful fetch before the next one.</param>
    /// <param name="cancellationToken">Stops this caller's wait for a fetch (never the fetch itself).</param>
    /// <returns>The last validation result, the keys it used, and why a fetch failed if one did.</returns>
    public async ValueTask<Validation> ValidateAsync<TState>(
        OpenIdConnectConfiguration configuration,
        TState state,
        Func<TState, ICollection<SecurityKey>, Task<TokenValidationResult>> validate,
        Func<TState, string, CancellationToken, Task<ICollection<SecurityKey>>> fetch,
        TimeProvider timeProvider,
        TimeSpan minimumInterval,
        CancellationToken cancellationToken)
    {
        var keys = GetKeys(configuration);
        var result = await validate(state, keys);

        // Two rounds at most: the first may only find keys another request fetched after this one read its keys; if
        // even those lack the key, the second decides between a fetch and the throttle.
        for (var round = 0; round < 2 && IsUnknownKey(result) && configuration.JwksUri is { } jwksUri; round++)
        {
            if (BeforeRefresh is { } hook)
            {
                await hook(cancellationToken);
            }

            Refresh refresh;
            try
            {
                refresh = await RefreshAsync(configuration, keys, Bind(fetch, state, jwksUri), timeProvider, minimumInterval, cancellationToken);
            }
            catch (CidaasProtocolException ex)
            {
                return new Validation(result, keys, ex);
            }

            if (refresh.Keys is null)
            {
                break;
            }

            keys = refresh.Keys;
            result = await validate(state, keys);
            if (refresh.Fetched)
            {
                break;
            }
        }

        return new Validation(result, keys, null);
    }

    /// <summary>
    /// Newer keys for a caller whose validation with <paramref name="validatedWith"/> found no key for the token: the
    /// cache's current keys when they are not those, else the result of a fetch (this caller's or one already running),
    /// else, while the throttle holds, none.
    /// </summary>
    /// <exception cref="CidaasProtocolException">The fetch this caller waited for failed.</exception>
    internal async Task<Refresh> RefreshAsync(
        OpenIdConnectConfiguration configuration,
        ICollection<SecurityKey> validatedWith,
        Func<CancellationToken, Task<ICollection<SecurityKey>>> fetch,
        TimeProvider timeProvider,
        TimeSpan minimumInterval,
        CancellationToken cancellationToken)
    {
        TaskCompletionSource<ICollection<SecurityKey>>? started = null;
        Task<ICollection<SecurityKey>> flight;
        lock (_lock)
        {
            var current = GetKeys(configuration);
            if (!ReferenceEquals(current, validatedWith))
            {
                return new Refresh(current, Fetched: false);
            }

            if (_flight is null)
            {
                if (timeProvider.GetUtcNow() < _nextFetch)
                {
                    return default;
                }

                _flight = started = new TaskCompletionSource<ICollection<SecurityKey>>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            flight = _flight.Task;
        }

        if (started is not null)
        {
            _ = RunFetchAsync(started, configuration, fetch, timeProvider, minimumInterval);
        }

        return new Refresh(await flight.WaitAsync(cancellationToken), Fetched: true);
    }

    /// <summary>The wait before the next fetch after <paramref name="failures"/> failed ones in a row.</summary>
    internal static TimeSpan RetryDelay(int failures, TimeSpan minimumInterval)
    {
        var delay = FirstRetryDelay;
        for (var i = 1; i < failures && delay < minimumInterval; i++)
        {
            delay = delay <= minimumInterval / 2 ? delay * 2 : minimumInterval;
        }

        return delay < minimumInterval ? delay : minimumInterval;
    }

    private static bool IsUnknownKey(TokenValidationResult result)
        => !result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException;

    // A closure only on the path that refreshes: validations that succeed allocate nothing here.
    private static Func<CancellationToken, Task<ICollection<SecurityKey>>> Bind<TState>(
        Func<TState, string, CancellationToken, Task<ICollection<SecurityKey>>> fetch, TState state, string jwksUri)
        => cancellationToken => fetch(state, jwksUri, cancellationToken);

    private static DateTimeOffset After(DateTimeOffset now, TimeSpan delay)
        => delay <= TimeSpan.Zero ? now : delay >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + delay;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Every failure of the fetch, whatever its type, sets the backoff and reaches the waiting callers.")]
    private async Task RunFetchAsync(
        TaskCompletionSource<ICollection<SecurityKey>> flight,
        OpenIdConnectConfiguration configuration,
        Func<CancellationToken, Task<ICollection<SecurityKey>>> fetch,
        TimeProvider timeProvider,
        TimeSpan minimumInterval)
    {
        try
        {
            var keys = await fetch(CancellationToken.None);
            lock (_lock)
            {
                Volatile.Write(ref _snapshot, new Snapshot(configuration, keys));
                _failures = 0;
                _nextFetch = After(timeProvider.GetUtcNow(), minimumInterval);
                _flight = null;
            }

            Telemetry?.SigningKeyRefresh(succeeded: true);
            flight.SetResult(keys);
        }
        catch (Exception ex)
        {
            lock (_lock)
            {
                _failures = Math.Min(_failures + 1, 64);
                _nextFetch = After(timeProvider.GetUtcNow(), RetryDelay(_failures, minimumInterval));
                _flight = null;
            }

            Telemetry?.SigningKeyRefresh(succeeded: false);
            flight.SetException(ex);

            // Observed here: when every caller stopped waiting, nobody else would.
            _ = flight.Task.Exception;
        }
    }

    /// <summary>The outcome of <see cref="ValidateAsync"/>.</summary>
    /// <param name="Result">The last validation result.</param>
    /// <param name="Keys">The keys it was validated with.</param>
    /// <param name="FetchFailure">Why the refetch this validation waited for failed; <see langword="null"/> when none did.</param>
    internal readonly record struct Validation(TokenValidationResult Result, ICollection<SecurityKey> Keys, CidaasProtocolException? FetchFailure);

    /// <summary>The outcome of <see cref="RefreshAsync"/>.</summary>
    /// <param name="Keys">Keys newer than the caller's; <see langword="null"/> while the throttle holds.</param>
    /// <param name="Fetched">Whether they come from a fetch this caller caused or waited for, so that nothing newer can be had now.</param>
    internal readonly record struct Refresh(ICollection<SecurityKey>? Keys, bool Fetched);

    private sealed record Snapshot(OpenIdConnectConfiguration Configuration, ICollection<SecurityKey> Keys);
}
