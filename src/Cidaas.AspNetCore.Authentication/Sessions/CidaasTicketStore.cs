using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>
/// The cookie scheme's <see cref="ITicketStore"/> on the host's <see cref="IDistributedCache"/>: the cookie holds only a
/// session key (<see cref="NewKey"/>); the ticket is serialized and protected with Data Protection (it holds the tokens) and
/// kept under the key's hash until the ticket's <c>ExpiresUtc</c>, moved on by every renewal (sliding). Each sign-in gets
/// a new key. An index per user (<c>sub</c>) and per cidaas session (<c>sid</c>), both hashed, lets
/// <see cref="CidaasSessionStore"/> list and end sessions. <see cref="RenewAsync(string, AuthenticationTicket)"/> writes
/// whether or not the entry still exists (an upsert): a session ended meanwhile stays ended through its
/// <see cref="CidaasEndedSessions"/> marker. The markers' hints are read with the ticket, in one round trip
/// (<see cref="RetrieveAsync(string, HttpContext, CancellationToken)"/>); the cookie validation reads the markers
/// themselves only when a hint is there.
/// </summary>
internal sealed class CidaasTicketStore : ITicketStore, IDisposable
{
    private const string SessionPrefix = "cidaas:session:";
    private const string SubjectIndexPrefix = "cidaas:sessions:sub:";
    private const string SessionIdIndexPrefix = "cidaas:sessions:sid:";
    private const int MaxIndexEntries = 256;
    private const int RandomLength = 12;
    private const int KeyLength = RandomLength + (2 * sizeof(uint));
    private const int KeyTextLength = 27;

    private readonly IDistributedCache _cache;
    private readonly IDataProtector _protector;
    private readonly TimeProvider _timeProvider;
    private readonly IOptions<CidaasServerSideSessionOptions> _options;
    private readonly ILogger _logger;

    /// <summary>
    /// The tickets this instance read or wrote recently, by session, with the exact protected bytes each came from: when
    /// the distributed cache answers the same bytes again (it is read on every request, so a renewal or a removal is seen
    /// at once), the ticket is a copy of the one parsed before instead of a second unprotect and parse of the same bytes.
    /// Only in this process's memory (never written anywhere), bounded in size (<see cref="RecentSizeLimit"/>: about
    /// 1,200 sessions that carry their tokens, 5,000 that do not; beyond that a session is simply read in full), and each
    /// entry kept for at most <see cref="RecentLifetime"/> after its bytes were unprotected or written, so that a revoked
    /// Data Protection key is noticed.
    /// </summary>
    private readonly MemoryCache _recent = new(new MemoryCacheOptions { SizeLimit = RecentSizeLimit });

    /// <summary>The bytes the recent tickets may take, counted as three times their protected size (the bytes and the parsed ticket).</summary>
    private const long RecentSizeLimit = 16 * 1024 * 1024;
    private static readonly TimeSpan RecentLifetime = TimeSpan.FromMinutes(5);

    public CidaasTicketStore(
        CidaasSessionStore sessions, IDataProtectionProvider dataProtection, IOptions<CidaasServerSideSessionOptions> options, ILoggerFactory loggerFactory)
    {
        _cache = sessions.Cache;
        _timeProvider = sessions.TimeProvider;
        _protector = dataProtection.CreateProtector(typeof(CidaasTicketStore).FullName!, "v1");
        _options = options;
        _logger = loggerFactory.CreateLogger<CidaasTicketStore>();
    }

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var key = NewKey(ticket.Properties);
        var id = CidaasSessionKeys.Hash(key);
        await WriteAsync(id, ticket, cancellationToken);
        await IndexAsync(id, ticket, cancellationToken);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    public async Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(ticket);
        var id = CidaasSessionKeys.Hash(key);
        await WriteAsync(id, ticket, cancellationToken);
        await IndexAsync(id, ticket, cancellationToken);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    /// <summary>
    /// Reads the ticket and, in the same round trip, the ended-sessions hints its key carries. When they show the session
    /// was not ended, the cookie validation of this request needs no read of its own (one round trip per request); else
    /// it reads the markers (<see cref="CidaasSessionValidation"/>).
    /// </summary>
    public Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
        => httpContext is null
            ? Task.FromException<AuthenticationTicket?>(new ArgumentNullException(nameof(httpContext)))
            : RetrieveCoreAsync(key, httpContext, cancellationToken);

    /// <summary>Reads the ticket alone: without a request, no cookie validation can be spared a read.</summary>
    public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken)
        => RetrieveCoreAsync(key, httpContext: null, cancellationToken);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "A cache that cannot be read makes the user anonymous (fail closed), never a 500.")]
    private async Task<AuthenticationTicket?> RetrieveCoreAsync(string key, HttpContext? httpContext, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var ticketRead = ReadAsync(CidaasSessionKeys.Hash(key), cancellationToken);
            var (sessionIdHint, subjectHint) = httpContext is null ? (0, 0) : HintsOf(key);
            var hints = CidaasEndedSessions.ReadHints(_cache, sessionIdHint, subjectHint, cancellationToken);
            await CidaasEndedSessions.WhenBothAsync(ticketRead, hints.Completion);

            var ticket = ticketRead.Result;
            if (httpContext is not null && ticket is not null && hints.ShowNotEnded(ticket.Properties))
            {
                CidaasEndedSessions.MarkChecked(httpContext, ticket.Properties);
            }

            return ticket;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.SessionStoreUnavailable(ex.GetType().Name, ex);
            return null;
        }
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "The sign-out deletes the cookie anyway; a cache that cannot be reached is logged, never a 500.")]
    public async Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            var id = CidaasSessionKeys.Hash(key);
            _recent.Remove(id);
            await _cache.RemoveAsync(SessionPrefix + id, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.SessionStoreUnavailable(ex.GetType().Name, ex);
        }
    }

    /// <summary>The live sessions in a user's index (entries whose session is gone are skipped).</summary>
    public Task<IReadOnlyList<CidaasSessionInfo>> ListAsync(string subjectHash, CancellationToken cancellationToken)
        => CidaasSessionStoreException.WrapAsync<IReadOnlyList<CidaasSessionInfo>>(
            async () =>
            {
                var sessions = new List<CidaasSessionInfo>();
                foreach (var id in await ReadIndexAsync(SubjectIndexPrefix + subjectHash, cancellationToken))
                {
                    if (await ReadAsync(id, cancellationToken) is { } ticket && BelongsTo(ticket, subjectHash))
                    {
                        sessions.Add(new CidaasSessionInfo(id, ticket.Principal, ticket.Properties.IssuedUtc, ticket.Properties.ExpiresUtc));
                    }
                }

                return sessions;
            },
            cancellationToken);

    /// <summary>The ticket of session <paramref name="id"/> when it belongs to the user.</summary>
    public Task<AuthenticationTicket?> FindAsync(string subjectHash, string id, CancellationToken cancellationToken)
        => CidaasSessionStoreException.WrapAsync(
            async () => (await ReadIndexAsync(SubjectIndexPrefix + subjectHash, cancellationToken)).Contains(id, StringComparer.Ordinal)
                && await ReadAsync(id, cancellationToken) is { } ticket && BelongsTo(ticket, subjectHash)
                ? ticket
                : null,
            cancellationToken);

    public Task RemoveByIdAsync(string id, CancellationToken cancellationToken)
        => CidaasSessionStoreException.WrapAsync(
            async () =>
            {
                _recent.Remove(id);
                await _cache.RemoveAsync(SessionPrefix + id, cancellationToken);
            },
            cancellationToken);

    /// <summary>Removes the sessions of a cidaas session, else of a user, from the store (their markers are written already).</summary>
    public Task RemoveIndexedAsync(string? subjectHash, string? sessionIdHash, CancellationToken cancellationToken)
        => CidaasSessionStoreException.WrapAsync(
            async () =>
            {
                var indexKey = sessionIdHash is not null ? SessionIdIndexPrefix + sessionIdHash : subjectHash is not null ? SubjectIndexPrefix + subjectHash : null;
                if (indexKey is null)
                {
                    return;
                }

                foreach (var id in await ReadIndexAsync(indexKey, cancellationToken))
                {
                    _recent.Remove(id);
                    await _cache.RemoveAsync(SessionPrefix + id, cancellationToken);
                }

                await _cache.RemoveAsync(indexKey, cancellationToken);
            },
            cancellationToken);

    public void Dispose() => _recent.Dispose();

    private sealed record RecentTicket(byte[] ProtectedBytes, AuthenticationTicket Ticket);

    /// <summary>A copy that shares nothing changeable with <paramref name="ticket"/>: its identities and claims cloned, its properties copied.</summary>
    private static AuthenticationTicket CopyOf(AuthenticationTicket ticket)
    {
        var principal = new ClaimsPrincipal();
        foreach (var identity in ticket.Principal.Identities)
        {
            principal.AddIdentity(identity.Clone());
        }

        return new AuthenticationTicket(principal, ticket.Properties.Clone(), ticket.AuthenticationScheme);
    }

    /// <summary>
    /// A new session key: 96 random bits, then the hints (<see cref="CidaasSessionKeys.HintOf"/>) of the ticket's
    /// <c>sid</c> and <c>sub</c>, zero for none; base64url, 27 characters, which keeps the cookie at 283 bytes (a 128-bit
    /// random key plus two 32-bit hints would need one more cipher block: 304). 96 bits keep keys unique and unguessable:
    /// a key only reaches the store inside a cookie protected (encrypted and authenticated) by Data Protection.
    /// </summary>
    private static string NewKey(AuthenticationProperties properties)
    {
        Span<byte> key = stackalloc byte[KeyLength];
        RandomNumberGenerator.Fill(key[..RandomLength]);
        var (subject, sessionId, _) = CidaasSessionKeys.Read(properties);
        BinaryPrimitives.WriteUInt32BigEndian(key[RandomLength..], CidaasSessionKeys.HintOf(sessionId));
        BinaryPrimitives.WriteUInt32BigEndian(key[(RandomLength + sizeof(uint))..], CidaasSessionKeys.HintOf(subject));
        return Base64Url.EncodeToString(key);
    }

    /// <summary>The hints a session key carries; zeros for a key of another form (no hints: the markers are read).</summary>
    private static (uint SessionId, uint Subject) HintsOf(string key)
    {
        Span<byte> bytes = stackalloc byte[KeyLength];
        return key.Length == KeyTextLength && Base64Url.IsValid(key) && Base64Url.TryDecodeFromChars(key, bytes, out var written) && written == KeyLength
            ? (BinaryPrimitives.ReadUInt32BigEndian(bytes[RandomLength..]), BinaryPrimitives.ReadUInt32BigEndian(bytes[(RandomLength + sizeof(uint))..]))
            : (0, 0);
    }

    // A key the cookie handler reused for another user's sign-in (aspnetcore #55634) stays in the first user's index:
    // the ticket under it is only theirs when its subject says so.
    private static bool BelongsTo(AuthenticationTicket ticket, string subjectHash)
        => string.Equals(CidaasSessionKeys.Read(ticket.Properties).Subject, subjectHash, StringComparison.Ordinal);

    private async Task<AuthenticationTicket?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var protectedBytes = await _cache.GetAsync(SessionPrefix + id, cancellationToken);
        if (protectedBytes is null)
        {
            _recent.Remove(id);
            return null;
        }

        AuthenticationTicket? ticket;
        if (_recent.TryGetValue(id, out RecentTicket? recent) && recent!.ProtectedBytes.AsSpan().SequenceEqual(protectedBytes))
        {
            ticket = CopyOf(recent.Ticket);
        }
        else
        {
            try
            {
                ticket = TicketSerializer.Default.Deserialize(_protector.Unprotect(protectedBytes));
            }
            catch (CryptographicException)
            {
                // Protected by a key ring this instance does not share, or altered: no session.
                return null;
            }

            if (ticket is null)
            {
                return null;
            }

            Remember(id, protectedBytes, CopyOf(ticket));
        }

        return ticket.Properties.ExpiresUtc < _timeProvider.GetUtcNow() ? null : ticket;
    }

    private Task WriteAsync(string id, AuthenticationTicket ticket, CancellationToken cancellationToken)
        => CidaasSessionStoreException.WrapAsync(
            async () =>
            {
                var plaintext = TicketSerializer.Default.Serialize(ticket);
                var bytes = _protector.Protect(plaintext);
                await _cache.SetAsync(SessionPrefix + id, bytes, EntryOptions(ticket), cancellationToken);

                // What a read of these bytes would give (the parse, not the ticket itself: not everything is serialized).
                if (TicketSerializer.Default.Deserialize(plaintext) is { } written)
                {
                    Remember(id, bytes, written);
                }
            },
            cancellationToken);

    private void Remember(string id, byte[] protectedBytes, AuthenticationTicket ticket)
        => _recent.Set(
            id,
            new RecentTicket(protectedBytes, ticket),
            new MemoryCacheEntryOptions { Size = 3L * protectedBytes.Length, AbsoluteExpirationRelativeToNow = RecentLifetime });

    private DistributedCacheEntryOptions EntryOptions(AuthenticationTicket ticket)
    {
        var expires = ticket.Properties.ExpiresUtc;
        return expires is { } at && at > _timeProvider.GetUtcNow()
            ? new DistributedCacheEntryOptions { AbsoluteExpiration = at }
            : new DistributedCacheEntryOptions { SlidingExpiration = _options.Value.DefaultLifetime };
    }

    /// <summary>Adds the session to the index of its user and of its cidaas session; the index outlives the newest session in it.</summary>
    private Task IndexAsync(string id, AuthenticationTicket ticket, CancellationToken cancellationToken)
        => CidaasSessionStoreException.WrapAsync(
            async () =>
            {
                var (subject, sessionId, _) = CidaasSessionKeys.Read(ticket.Properties);
                var lifetime = ticket.Properties.ExpiresUtc is { } at && at - _timeProvider.GetUtcNow() is { } left && left > TimeSpan.Zero
                    ? left
                    : _options.Value.DefaultLifetime;
                foreach (var indexKey in new[] { subject is null ? null : SubjectIndexPrefix + subject, sessionId is null ? null : SessionIdIndexPrefix + sessionId })
                {
                    if (indexKey is null)
                    {
                        continue;
                    }

                    var ids = await ReadIndexAsync(indexKey, cancellationToken);
                    if (ids.Contains(id, StringComparer.Ordinal))
                    {
                        await _cache.RefreshAsync(indexKey, cancellationToken);
                        continue;
                    }

                    // Ids of sessions that are gone are dropped when the index is written; the list stays bounded.
                    var kept = new List<string>(ids.Count + 1);
                    foreach (var existing in ids)
                    {
                        if (kept.Count < MaxIndexEntries - 1 && await _cache.GetAsync(SessionPrefix + existing, cancellationToken) is not null)
                        {
                            kept.Add(existing);
                        }
                    }

                    kept.Add(id);
                    await _cache.SetAsync(
                        indexKey, Encoding.ASCII.GetBytes(string.Join('\n', kept)), new DistributedCacheEntryOptions { SlidingExpiration = Max(lifetime, _options.Value.DefaultLifetime) }, cancellationToken);
                }
            },
            cancellationToken);

    private async Task<IReadOnlyList<string>> ReadIndexAsync(string indexKey, CancellationToken cancellationToken)
        => await _cache.GetAsync(indexKey, cancellationToken) is { } bytes
            ? Encoding.ASCII.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            : [];

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
