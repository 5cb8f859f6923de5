namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>Options of the server-side sessions (<c>AddCidaasServerSideSessions</c>).</summary>
public class CidaasServerSideSessionOptions
{
    /// <summary>
    /// The cookie schemes whose tickets are kept server-side. Default: the one of <c>AddCookie()</c>
    /// (<c>Cookies</c>).
    /// </summary>
    public ICollection<string> CookieSchemes { get; } = new HashSet<string>(StringComparer.Ordinal) { Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme };

    /// <summary>How long a session without an expiry in its ticket is kept, sliding. Default 14 days (the cookie default).</summary>
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromDays(14);
}
