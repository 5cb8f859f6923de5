using Cidaas.AspNetCore.Authentication.Protocol;
using Cidaas.AspNetCore.Authentication.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Authentication;

/// <summary>The signed-in user's cidaas access token, for calls to APIs.</summary>
public static class CidaasHttpContextExtensions
{
    /// <summary>
    /// Returns the signed-in user's access token, renewed first with the refresh token (grant <c>refresh_token</c>) when it
    /// expires within <see cref="Cidaas.AspNetCore.Authentication.CidaasOptions.RefreshBeforeExpiry"/>; renewed tokens are
    /// written back to the session. Needs <c>SaveTokens</c>, and the <c>offline_access</c> scope for renewal.
    /// </summary>
    /// <remarks>
    /// One renewal per refresh token, however many requests ask at once, on one instance or, with a shared
    /// <c>IDistributedCache</c>, on many. When cidaas refuses the refresh token (<c>invalid_grant</c>) the result says so
    /// (<c>CIDAAS7004</c>) and the local session is ended; a failure to reach cidaas leaves the session as it is. After
    /// the response has started, renewed tokens serve the rest of the request but cannot be written to the cookie.
    /// Never throws for a missing user or session: the result's <see cref="CidaasUserToken.Error"/> says why.
    /// </remarks>
    /// <param name="context">The request.</param>
    /// <param name="forceRefresh">Renew even though the token is not due, e.g. after an API answered 401.</param>
    /// <param name="cancellationToken">Stops waiting (a renewal in progress goes on for the other requests).</param>
    /// <returns>The token, or why there is none.</returns>
    public static ValueTask<CidaasUserToken> GetCidaasUserAccessTokenAsync(this HttpContext context, bool forceRefresh = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var manager = context.RequestServices.GetService<CidaasUserTokenManager>();
        return manager is null
            ? new ValueTask<CidaasUserToken>(CidaasUserToken.Failure(CidaasErrors.UserTokenSchemeNotFound))
            : manager.GetAsync(context, forceRefresh, cancellationToken);
    }
}
