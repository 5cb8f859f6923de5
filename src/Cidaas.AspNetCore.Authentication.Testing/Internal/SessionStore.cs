using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>SSO sessions (behind the <c>cidaas_sso</c> cookie) and authorization requests waiting on the login page.</summary>
internal sealed class SessionStore
{
    public const string CookieName = "cidaas_sso";

    private static readonly TimeSpan PendingLoginLifetime = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, SsoSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingLogin> _pendingLogins = new(StringComparer.Ordinal);

    public SsoSession? Find(HttpContext context) =>
        context.Request.Cookies.TryGetValue(CookieName, out var id) && id is not null && _sessions.TryGetValue(id, out var session)
            ? session
            : null;

    public SsoSession Start(HttpContext context, CidaasEmulatorUser user, DateTimeOffset now)
    {
        var session = new SsoSession(RandomTokens.Create(), RandomTokens.CreateId(), user, now);
        _sessions[session.Id] = session;
        context.Response.Cookies.Append(CookieName, session.Id, CreateCookieOptions(context));
        return session;
    }

    /// <summary>
    /// Ends the SSO session of the browser's cookie and every SSO session with the session id <paramref name="sessionId"/>
    /// (a token hint's <c>sid</c>); returns the session ids ended (the hinted one included, also when no session had it).
    /// </summary>
    public List<string> End(HttpContext context, string? sessionId)
    {
        var ended = new List<string>();
        if (sessionId is not null)
        {
            ended.Add(sessionId);
            foreach (var pair in _sessions)
            {
                if (pair.Value.SessionId == sessionId)
                {
                    _sessions.TryRemove(pair);
                }
            }
        }

        if (context.Request.Cookies.TryGetValue(CookieName, out var id) && id is not null)
        {
            if (_sessions.TryRemove(id, out var session) && !ended.Contains(session.SessionId))
            {
                ended.Add(session.SessionId);
            }

            context.Response.Cookies.Delete(CookieName, CreateCookieOptions(context));
        }

        return ended;
    }

    /// <summary>Ends every SSO session of a user.</summary>
    public void EndAllOf(CidaasEmulatorUser user)
    {
        foreach (var pair in _sessions)
        {
            if (pair.Value.User.Sub == user.Sub)
            {
                _sessions.TryRemove(pair);
            }
        }
    }

    public PendingLogin AddPendingLogin(AuthorizationRequest request, DateTimeOffset now)
    {
        foreach (var pair in _pendingLogins)
        {
            if (pair.Value.ExpiresAt < now)
            {
                _pendingLogins.TryRemove(pair);
            }
        }

        var pending = new PendingLogin(RandomTokens.Create(), request, now + PendingLoginLifetime);
        _pendingLogins[pending.Id] = pending;
        return pending;
    }

    public PendingLogin? FindPendingLogin(string? id, DateTimeOffset now) =>
        id is not null && _pendingLogins.TryGetValue(id, out var pending) && pending.ExpiresAt >= now ? pending : null;

    /// <summary>Takes the pending login away; only one caller wins, so a login form cannot be used twice.</summary>
    public bool TryCompletePendingLogin(PendingLogin pending) => _pendingLogins.TryRemove(new(pending.Id, pending));

    private static CookieOptions CreateCookieOptions(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps,
        Path = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/",
        IsEssential = true,
    };
}
