using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>
/// The ended-sessions check of a cookie scheme. <c>AddCidaas</c> runs it in every cookie scheme's
/// <see cref="CookieAuthenticationEvents.OnValidatePrincipal"/>, before the host's own handler. A cookie scheme that
/// sets <see cref="AuthenticationSchemeOptions.EventsType"/> (so its <c>Events</c> are not used) calls it first in its
/// own <c>ValidatePrincipal</c> override.
/// </summary>
public static class CidaasCookieValidation
{
    /// <summary>
    /// Rejects the principal of a session that cidaas or the application ended (and signs the cookie out), or, while
    /// the distributed cache cannot be read, for this request only. Tickets that no cidaas sign-in issued pass.
    /// </summary>
    /// <param name="context">The cookie validation context.</param>
    /// <returns>Whether the principal is still valid (the host's own checks may then run).</returns>
    public static Task<bool> ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CidaasSessionValidation.ValidateAsync(context);
    }
}
