using System.Buffers.Binary;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Distributed;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>
/// The list of ended sessions, in the host's <see cref="IDistributedCache"/> so that every instance sees it: a marker per
/// ended cidaas session (<c>sid</c>), which ends every ticket of that session, and a marker per user whose sessions all
/// ended (<c>sub</c>), which ends every ticket of that user signed in before the marker's time (a later sign-in is a new
/// session). Keys are hashes (<see cref="CidaasSessionKeys"/>); values are the time of the end. A marker lives as long as
/// a cookie issued before it could still come back.
/// </summary>
internal static class CidaasEndedSessions
{
    private const string SessionPrefix = "cidaas:ended:sid:";
    private const string SubjectPrefix = "cidaas:ended:sub:";

    /// <summary>Ends the sessions of a cidaas session (<paramref name="sessionIdHash"/>), else of a user (<paramref name="subjectHash"/>).</summary>
    public static Task EndAsync(IDistributedCache cache, string? subjectHash, string? sessionIdHash, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        var value = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(value, now.ToUnixTimeMilliseconds());
        var entry = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime };
        return sessionIdHash is not null
            ? cache.SetAsync(SessionPrefix + sessionIdHash, value, entry, cancellationToken)
            : subjectHash is not null
                ? cache.SetAsync(SubjectPrefix + subjectHash, value, entry, cancellationToken)
                : Task.CompletedTask;
    }

    private static readonly Task<byte[]?> NoMarker = Task.FromResult<byte[]?>(null);

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
        if (!sessionMarker.IsCompletedSuccessfully || !subjectMarker.IsCompletedSuccessfully)
        {
            // Both awaited, so that a failure of either is observed (and fails the check closed).
            await Task.WhenAll(sessionMarker, subjectMarker);
        }

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
}
