namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>
/// The signed-in sessions of the application's users, for "sign out everywhere" and for administration. Ending works
/// with and without server-side sessions (<c>AddCidaasServerSideSessions</c>): the sessions end on every instance of the
/// application by their next request. Listing needs server-side sessions. Registered by <c>AddCidaas</c>.
/// </summary>
public interface ICidaasSessionStore
{
    /// <summary>The server-side sessions of a user; empty without server-side sessions.</summary>
    /// <param name="subject">The user's cidaas <c>sub</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sessions that are still alive.</returns>
    Task<IReadOnlyList<CidaasSessionInfo>> GetSessionsAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>Ends every session of a user signed in until now (a later sign-in starts a new session).</summary>
    /// <param name="subject">The user's cidaas <c>sub</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the sessions are ended.</returns>
    Task EndSessionsAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>Ends one server-side session, found by <see cref="GetSessionsAsync"/>.</summary>
    /// <param name="subject">The user's cidaas <c>sub</c>.</param>
    /// <param name="id">The session's <see cref="CidaasSessionInfo.Id"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the session was found (and is now ended).</returns>
    Task<bool> EndSessionAsync(string subject, string id, CancellationToken cancellationToken = default);
}
