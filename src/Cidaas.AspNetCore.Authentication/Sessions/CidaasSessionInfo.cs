using System.Security.Claims;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>A server-side session of a user (<see cref="ICidaasSessionStore.GetSessionsAsync"/>).</summary>
public sealed class CidaasSessionInfo
{
    /// <summary>Creates the description.</summary>
    public CidaasSessionInfo(string id, ClaimsPrincipal principal, DateTimeOffset? issuedUtc, DateTimeOffset? expiresUtc)
    {
        Id = id;
        Principal = principal;
        IssuedUtc = issuedUtc;
        ExpiresUtc = expiresUtc;
    }

    /// <summary>An opaque id of the session (a hash of its key: it cannot be turned into a cookie).</summary>
    public string Id { get; }

    /// <summary>The signed-in user of the session.</summary>
    public ClaimsPrincipal Principal { get; }

    /// <summary>When the session's ticket was issued or last renewed.</summary>
    public DateTimeOffset? IssuedUtc { get; }

    /// <summary>When the session expires unless renewed.</summary>
    public DateTimeOffset? ExpiresUtc { get; }
}
