using System.Buffers.Binary;
using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>
/// The list of ended sessions, in the host's <see cref="IDistributedCache"/> so that every instance sees it: a marker per
/// ended cidaas session (<c>sid</c>), which ends every ticket of that session, and a marker per user whose sessions all
/// ended (<c>sub</c>), which ends every ticket of that user signed in before the marker's time (a later sign-in is a new
/// session). Keys are hashes (<see cref="CidaasSessionKeys"/>); values are the time of the end. A marker lives as long as
/// a cookie issued before it could still come back.
/// <para>
/// Each marker has a hint beside it, keyed by the first 32 bits of the hash only (<see cref="CidaasSessionKeys.HintOf"/>).
/// A server-side session key carries the hints of its ticket, so <see cref="CidaasTicketStore"/> reads the hints together
/// with the ticket, in one round trip. No hint means no marker (a hint is written with its marker and lives at least as
/// long); a hint that is there, whether of this session or of another whose hash starts alike, sends the check to the
/// markers themselves.
/// </para>
/// </summary>
internal static class CidaasEndedSessions
{
    private const string SessionPrefix = "cidaas:ended:sid:";
    private const string SubjectPrefix = "cidaas:ended:sub:";
    private const string SessionHintPrefix = "cidaas:ended:sid-hint:";
    private const string SubjectHintPrefix = "cidaas:ended:sub-hint:";

    private static readonly object CheckedItem = new();
    private static readonly Task<byte[]?> NoMarker = Task.FromResult<byte[]?>(null);

    /// <summary>
    /// Ends the sessions of a cidaas session (<paramref name="sessionIdHash"/>), else of a user (<paramref name="subjectHash"/>):
    /// the marker lives for <paramref name="lifetime"/>, its hint for <paramref name="hintLifetime"/>, the longest a marker of
    /// any cookie scheme lives (hints of different sessions can share a key, and the last write sets its expiry).
    /// </summary>
    public static Task EndAsync(
        IDistributedCache cache, string? subjectHash, string? sessionIdHash, DateTimeOffset now, TimeSpan lifetime, TimeSpan hintLifetime, CancellationToken cancellationToken)
    {
        var (markerKey, hintKey) = sessionIdHash is not null
            ? (SessionPrefix + sessionIdHash, HintKey(SessionHintPrefix, CidaasSessionKeys.HintOf(sessionIdHash)))
            : subjectHash is not null
                ? (SubjectPrefix + subjectHash, HintKey(SubjectHintPrefix, CidaasSessionKeys.HintOf(subjectHash)))
                : (null, null);
        if (markerKey is null)
        {
            return Task.CompletedTask;
        }

        var value = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(value, now.ToUnixTimeMilliseconds());
        var marker = cache.SetAsync(markerKey, value, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime }, cancellationToken);
        return hintKey is null
            ? marker
            : Task.WhenAll(marker, cache.SetAsync(hintKey, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = Max(lifetime, hintLifetime) }, cancellationToken));
    }

    /// <summary>
    /// Whether the ticket with these properties belongs to an ended session; <see langword="false"/> for a ticket cidaas
    /// did not issue. The two markers are read together: with Redis the two requests travel in one round trip
    /// (StackExchange.Redis pipelines concurrent commands on its connection), not one after the other.
    /// </summary>
    public static async Task<bool> IsEndedAsync(IDistributedCache cache, AuthenticationProperties properties, CancellationToken cancellationToken)
    {
        var (subject, sessionId, signedIn) = CidaasSessionKeys.Read(properties);
        var sessionMarker = sessionId is null ? NoMarker : cache.GetAsync(SessionPrefix + sessionId, cancellationToken);
        var subjectMarker = subject is null ? NoMarker : cache.GetAsync(SubjectPrefix + subject, cancellationToken);
        await WhenBothAsync(sessionMarker, subjectMarker);
        if (sessionMarker.Result is not null)
        {
            return true;
        }

        if (subjectMarker.Result is { Length: sizeof(long) } ended)
        {
            var endedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(ended));
            return signedIn is null || signedIn <= endedAt;
        }

        return false;
    }

    /// <summary>Starts reading the hints of a cidaas session and of a user (zero: none), together.</summary>
    public static HintRead ReadHints(IDistributedCache cache, uint sessionIdHint, uint subjectHint, CancellationToken cancellationToken)
        => new(
            sessionIdHint,
            subjectHint,
            HintKey(SessionHintPrefix, sessionIdHint) is { } sessionKey ? cache.GetAsync(sessionKey, cancellationToken) : NoMarker,
            HintKey(SubjectHintPrefix, subjectHint) is { } subjectKey ? cache.GetAsync(subjectKey, cancellationToken) : NoMarker);

    /// <summary>Records, for this request, that the ticket with these properties was checked and belongs to no ended session.</summary>
    public static void MarkChecked(HttpContext context, AuthenticationProperties properties) => context.Items[CheckedItem] = properties;

    /// <summary>Whether the ticket with these properties was checked in this request already (<see cref="MarkChecked"/>).</summary>
    public static bool WasChecked(HttpContext context, AuthenticationProperties properties)
        => context.Items.TryGetValue(CheckedItem, out var checkedProperties) && ReferenceEquals(checkedProperties, properties);

    /// <summary>Waits for both reads (no task when both are done already); a failure of either is observed (and fails the check closed).</summary>
    public static Task WhenBothAsync(Task first, Task second)
        => first.IsCompletedSuccessfully && second.IsCompletedSuccessfully ? Task.CompletedTask : Task.WhenAll(first, second);

    private static string? HintKey(string prefix, uint hint) => hint == 0 ? null : prefix + hint.ToString("x8", CultureInfo.InvariantCulture);

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The hints of a server-side session key, being read.</summary>
    internal readonly struct HintRead(uint sessionIdHint, uint subjectHint, Task<byte[]?> session, Task<byte[]?> subject)
    {
        /// <summary>Both reads done; fails when either failed.</summary>
        public Task Completion => WhenBothAsync(session, subject);

        /// <summary>
        /// Whether the hints show, once read, that the ticket with these properties belongs to no ended session: the key's
        /// hints are those of the ticket's own <c>sid</c> and <c>sub</c>, each one the ticket has was read, and no hint is
        /// there. Anything else (a hint there, a key without hints, a ticket renewed under another's key) leaves the
        /// decision to <see cref="IsEndedAsync"/>.
        /// </summary>
        public bool ShowNotEnded(AuthenticationProperties properties)
        {
            var (subjectHash, sessionIdHash, _) = CidaasSessionKeys.Read(properties);
            return Matches(sessionIdHint, sessionIdHash) && Matches(subjectHint, subjectHash)
                && session.Result is null && subject.Result is null;
        }

        private static bool Matches(uint hint, string? hash) => hash is null ? hint == 0 : hint != 0 && hint == CidaasSessionKeys.HintOf(hash);
    }
}
