using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Protocol;
using Cidaas.AspNetCore.Authentication.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>
/// Makes sure that one refresh token is redeemed once, however many requests of however many instances need it renewed
/// at the same moment. cidaas answers a refresh with a new refresh token, and an authorization server that rotates
/// refresh tokens may treat a second use of the old one as theft and revoke the whole session (RFC 9700 §4.14.2); so a
/// request that comes second must never send the old token, but pick up the first one's result.
/// </summary>
/// <remarks>
/// <para>The design, in two layers, both keyed by the SHA-256 of the old refresh token (the token itself is never a key):</para>
/// <para><b>In the process</b>: one flight per key (<see cref="_flights"/>). The first caller starts the refresh, every
/// other caller awaits the same task; the refresh runs on no request's cancellation token, bounded by the back-channel
/// timeout. A finished flight stays for <see cref="Grace"/>, so that a request that read the old cookie just before the
/// new one was issued still gets the new tokens instead of redeeming the old token again. A failed flight (network,
/// timeout, 5xx) is dropped at once so that the next call tries again; a refusal (<c>invalid_grant</c>) stays, so that
/// the waiting requests all end the session instead of asking again.</para>
/// <para><b>Across instances</b>, when the host registered a shared <see cref="IDistributedCache"/> (one that is not
/// the in-memory one): an instance's flight first looks for a <i>result entry</i>, then takes a <i>claim entry</i>:
/// it writes a random owner id unless a claim exists, waits <see cref="ClaimSettleDelay"/>, and reads the claim back;
/// the owner id that was written last wins, so every contender whose read-back follows every contender's write agrees on
/// one winner. Only the winner calls the token endpoint; it writes the outcome, protected with Data Protection (purpose:
/// this type, the scheme, v1; the subject inside is checked on pickup), as the result entry for <see cref="Grace"/>.
/// The others poll for that entry until the back-channel timeout has passed twice. <see cref="IDistributedCache"/> has no
/// atomic add, so two winners are possible in principle: only when a contender's read of the claim and its write are
/// further apart than the settle delay, which the delay is chosen to make a stall, not a race. As a last line, a winner
/// whose refresh is refused with <c>invalid_grant</c> looks for a result entry once more before it reports the refusal:
/// when another instance did redeem the token, its result is used and the session survives.</para>
/// <para>A winner that fails (network, 5xx) removes its claim, so another contender tries; one that crashes leaves a claim
/// that expires after the back-channel timeout. When the cache itself fails, the refresh goes on without it (logged).</para>
/// </remarks>
internal sealed class CidaasRefreshCoordinator
{
    /// <summary>How long a finished refresh is handed to late requests that still carry the old refresh token.</summary>
    internal static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    /// <summary>How long a contender waits between writing its claim and reading it back.</summary>
    internal static readonly TimeSpan ClaimSettleDelay = TimeSpan.FromMilliseconds(150);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(40);
    private const string ProtectorPurpose = "Cidaas.AspNetCore.Authentication.Tokens.CidaasRefreshCoordinator";
    private const string KeyPrefix = "cidaas:refresh:v1:";

    private const int MinimumPruneThreshold = 64;

    private readonly ConcurrentDictionary<string, Flight> _flights = new(StringComparer.Ordinal);
    private int _pruneThreshold = MinimumPruneThreshold;
    private readonly IDistributedCache? _cache;

    public CidaasRefreshCoordinator(IServiceProvider services)
    {
        // The in-memory IDistributedCache is no more shared than the flights are: coordinate through it only when it is
        // a real shared cache.
        var cache = (IDistributedCache?)services.GetService(typeof(IDistributedCache));
        _cache = cache is MemoryDistributedCache ? null : cache;
    }

    /// <summary>The refreshes running or finished within <see cref="Grace"/> (and not yet dropped) in this process.</summary>
    internal int FlightCount => _flights.Count;

    /// <summary>Whether refreshes are coordinated across instances.</summary>
    public bool IsDistributed => _cache is not null;

    /// <summary>The outcome of redeeming the request's refresh token, shared with every concurrent caller.</summary>
    /// <param name="request">What the refresh needs: the scheme, its options, the token, the session's subject.</param>
    /// <param name="cancellationToken">Stops this caller's wait, not the refresh.</param>
    public Task<CidaasRefreshOutcome> RefreshAsync(CidaasRefreshRequest request, CancellationToken cancellationToken)
    {
        var key = request.SchemeName + ":" + HashOf(request.RefreshToken);
        var now = request.TimeProvider.GetTimestamp();
        while (true)
        {
            if (_flights.TryGetValue(key, out var existing))
            {
                if (!existing.IsStale(now, request.TimeProvider))
                {
                    return existing.Task.WaitAsync(cancellationToken);
                }

                _flights.TryRemove(KeyValuePair.Create(key, existing));
                continue;
            }

            var flight = new Flight();
            if (_flights.TryAdd(key, flight))
            {
                Prune(now, request.TimeProvider);
                _ = RunAsync(key, flight, request);
                return flight.Task.WaitAsync(cancellationToken);
            }
        }
    }

    private async Task RunAsync(string key, Flight flight, CidaasRefreshRequest request)
    {
        CidaasRefreshOutcome outcome;
        try
        {
            outcome = _cache is null ? await RedeemAsync(request, key, checkShared: false) : await RunSharedAsync(key, request);
        }
        catch (Exception ex)
        {
            // A bug here must not leave the waiters hanging.
            outcome = CidaasRefreshOutcome.Failed(CidaasErrors.UserTokenRefreshFailed(ex.GetType().Name));
        }

        if (outcome.Kind == CidaasRefreshOutcomeKind.Failed)
        {
            _flights.TryRemove(KeyValuePair.Create(key, flight));
        }

        flight.Complete(outcome, request.TimeProvider);
    }

    private async Task<CidaasRefreshOutcome> RunSharedAsync(string key, CidaasRefreshRequest request)
    {
        // Waiting for other instances is wall-clock time, whatever clock the tokens' expiry is read on.
        var time = TimeProvider.System;
        var claimKey = KeyPrefix + "claim:" + key;
        var deadline = time.GetUtcNow() + 2 * request.Options.BackchannelTimeout;
        var owner = RandomNumberGenerator.GetBytes(16);
        try
        {
            while (true)
            {
                if (await ReadSharedAsync(key, request) is { } shared)
                {
                    request.Logger.RefreshResultShared(request.SchemeName, "another instance");
                    return shared;
                }

                if (await _cache!.GetAsync(claimKey) is null)
                {
                    await _cache.SetAsync(claimKey, owner, new DistributedCacheEntryOptions
                    {
                        AbsoluteExpirationRelativeToNow = request.Options.BackchannelTimeout + TimeSpan.FromSeconds(5),
                    });
                    await Task.Delay(ClaimSettleDelay, time);
                    if (await _cache.GetAsync(claimKey) is { } current && current.AsSpan().SequenceEqual(owner))
                    {
                        // A winner that finished between our look for a result and our claim left its result: use it.
                        if (await ReadSharedAsync(key, request) is { } late)
                        {
                            return late;
                        }

                        var outcome = await RedeemAsync(request, key, checkShared: true);
                        if (outcome.Kind == CidaasRefreshOutcomeKind.Failed)
                        {
                            await _cache.RemoveAsync(claimKey);
                        }
                        else
                        {
                            await WriteSharedAsync(key, request, outcome);
                        }

                        return outcome;
                    }
                }

                if (time.GetUtcNow() > deadline)
                {
                    return CidaasRefreshOutcome.Failed(CidaasErrors.UserTokenRefreshWaitTimedOut);
                }

                await Task.Delay(PollInterval, time);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            request.Logger.RefreshCacheUnavailable(ex.GetType().Name);
            return await RedeemAsync(request, key, checkShared: false);
        }
    }

    /// <summary>Calls the token endpoint once and checks the answer (a Bearer access token; an id_token of the same subject).</summary>
    private async Task<CidaasRefreshOutcome> RedeemAsync(CidaasRefreshRequest request, string key, bool checkShared)
    {
        var options = request.Options;
        request.Logger.RefreshingAccessToken(request.SchemeName);
        try
        {
            using var tokens = await options.CreateTokenClient(request.Logger).RefreshAsync(options.TokenEndpoint!, request.RefreshToken, CancellationToken.None);
            if (CidaasTokenClient.FindProblem(tokens) is { } problem)
            {
                return CidaasRefreshOutcome.Failed(CidaasErrors.UserTokenRefreshFailed(problem));
            }

            if (!string.IsNullOrEmpty(tokens.IdToken))
            {
                // OpenID Connect Core §12.2: an id_token of a refresh is validated like any (its nonce, which belongs to
                // no authorization request, is not compared), and must name the same subject.
                var configuration = await CidaasConfigurationLoader.LoadAsync(options, request.Logger, CancellationToken.None);
                var idToken = await options.IdTokenValidator.ValidateAsync(
                    tokens.IdToken, null, tokens.AccessToken, configuration, options.CreateIdTokenSettings(request.TimeProvider, request.Logger), CancellationToken.None, fromRefresh: true);
                if (request.Subject is not null && !string.Equals(idToken.Subject, request.Subject, StringComparison.Ordinal))
                {
                    return CidaasRefreshOutcome.Failed(CidaasErrors.UserTokenIdTokenSubjectChanged);
                }
            }

            var now = request.TimeProvider.GetUtcNow();
            // Whole milliseconds, as the shared result entry keeps them, so that every instance hands out the same expiry.
            DateTimeOffset? expiresAt = tokens.ExpiresIn is long seconds and > 0 && seconds < (DateTimeOffset.MaxValue - now).TotalSeconds - 1
                ? DateTimeOffset.FromUnixTimeMilliseconds((now + TimeSpan.FromSeconds(seconds)).ToUnixTimeMilliseconds())
                : null;
            var refreshToken = string.IsNullOrEmpty(tokens.RefreshToken) || tokens.RefreshToken == request.RefreshToken ? null : tokens.RefreshToken;
            request.Logger.AccessTokenRefreshed(request.SchemeName, expiresAt);
            return CidaasRefreshOutcome.Refreshed(tokens.AccessToken!, refreshToken, tokens.IdToken, expiresAt, tokens.ExpiresIn, request.Subject);
        }
        catch (CidaasProtocolException ex) when (ex.Error == "invalid_grant")
        {
            if (checkShared && await ReadSharedAsync(key, request) is { } shared)
            {
                // Another instance redeemed the token after all (two winners): its result keeps the session.
                request.Logger.RefreshResultShared(request.SchemeName, "another instance, after invalid_grant");
                return shared;
            }

            request.Logger.RefreshTokenRefused(request.SchemeName);
            return CidaasRefreshOutcome.Refused(request.Subject);
        }
        catch (CidaasProtocolException ex)
        {
            request.Logger.AccessTokenRefreshFailed(request.SchemeName, ex.Message);
            return CidaasRefreshOutcome.Failed(CidaasErrors.UserTokenRefreshFailed(ex.Message));
        }
    }

    private async Task<CidaasRefreshOutcome?> ReadSharedAsync(string key, CidaasRefreshRequest request)
    {
        var protectedBytes = await _cache!.GetAsync(KeyPrefix + "result:" + key);
        if (protectedBytes is null)
        {
            return null;
        }

        byte[] payload;
        try
        {
            payload = CreateProtector(request).Unprotect(protectedBytes);
        }
        catch (CryptographicException)
        {
            // Not ours (another key ring or a forged entry): as if there were none.
            return null;
        }

        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        var subject = CidaasJson.GetString(root, "s"u8);
        if (!string.Equals(subject, request.Subject, StringComparison.Ordinal))
        {
            return null;
        }

        if (root.GetProperty("k"u8).GetInt32() == (int)CidaasRefreshOutcomeKind.Refused)
        {
            return CidaasRefreshOutcome.Refused(subject);
        }

        DateTimeOffset? expiresAt = root.TryGetProperty("e"u8, out var e) && e.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64())
            : null;
        long? lifetime = root.TryGetProperty("l"u8, out var l) && l.ValueKind == JsonValueKind.Number ? l.GetInt64() : null;
        return CidaasRefreshOutcome.Refreshed(
            CidaasJson.GetString(root, "a"u8)!, CidaasJson.GetString(root, "r"u8), CidaasJson.GetString(root, "i"u8), expiresAt, lifetime, subject);
    }

    private async Task WriteSharedAsync(string key, CidaasRefreshRequest request, CidaasRefreshOutcome outcome)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("k"u8, (int)outcome.Kind);
            WriteIfAny(writer, "s"u8, outcome.Subject);
            WriteIfAny(writer, "a"u8, outcome.AccessToken);
            WriteIfAny(writer, "r"u8, outcome.RefreshToken);
            WriteIfAny(writer, "i"u8, outcome.IdToken);
            if (outcome.ExpiresAt is { } expiresAt)
            {
                writer.WriteNumber("e"u8, expiresAt.ToUnixTimeMilliseconds());
            }

            if (outcome.Lifetime is { } lifetime)
            {
                writer.WriteNumber("l"u8, lifetime);
            }

            writer.WriteEndObject();
        }

        await _cache!.SetAsync(KeyPrefix + "result:" + key, CreateProtector(request).Protect(buffer.ToArray()), new DistributedCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = Grace,
        });
    }

    private static void WriteIfAny(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static IDataProtector CreateProtector(CidaasRefreshRequest request)
        => request.Options.DataProtectionProvider!.CreateProtector(ProtectorPurpose, request.SchemeName, "v1");

    private static string HashOf(string refreshToken)
        => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)));

    /// <summary>
    /// Drops finished flights older than <see cref="Grace"/>. A pass looks at every flight, so it runs only once the number
    /// of flights has doubled since the last pass (at least 64): amortized constant work per refresh, however many
    /// sessions refresh within a minute (a pass on every refresh made that quadratic).
    /// </summary>
    private void Prune(long now, TimeProvider time)
    {
        var threshold = Volatile.Read(ref _pruneThreshold);
        if (_flights.Count < threshold || Interlocked.CompareExchange(ref _pruneThreshold, int.MaxValue, threshold) != threshold)
        {
            return;
        }

        foreach (var pair in _flights)
        {
            if (pair.Value.IsStale(now, time))
            {
                _flights.TryRemove(pair);
            }
        }

        Volatile.Write(ref _pruneThreshold, Math.Max(MinimumPruneThreshold, 2 * _flights.Count));
    }

    /// <summary>One refresh in this process, and for <see cref="Grace"/> after it finished, its outcome.</summary>
    private sealed class Flight
    {
        private readonly TaskCompletionSource<CidaasRefreshOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _finishedAt = -1;

        public Task<CidaasRefreshOutcome> Task => _completion.Task;

        public void Complete(CidaasRefreshOutcome outcome, TimeProvider time)
        {
            Volatile.Write(ref _finishedAt, time.GetTimestamp());
            _completion.TrySetResult(outcome);
        }

        public bool IsStale(long now, TimeProvider time)
        {
            var finishedAt = Volatile.Read(ref _finishedAt);
            return finishedAt >= 0 && time.GetElapsedTime(finishedAt, now) > Grace;
        }
    }
}

/// <summary>What a refresh needs. Holds the refresh token: never logged.</summary>
internal sealed record CidaasRefreshRequest(string SchemeName, CidaasOptions Options, string RefreshToken, string? Subject, TimeProvider TimeProvider, ILogger Logger)
{
    /// <summary>Shows no token.</summary>
    public override string ToString() => $"refresh for scheme {SchemeName}";
}
