namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Whether the challenge pushes the authorization request to cidaas's PAR endpoint (RFC 9126, <c>/authz-srv/par</c>)
/// and redirects with only <c>client_id</c> and the <c>request_uri</c> it got back. The values mean what the values of
/// ASP.NET Core's <c>PushedAuthorizationBehavior</c> (OpenID Connect handler, .NET 9) mean.
/// </summary>
public enum CidaasPushedAuthorizationBehavior
{
    /// <summary>
    /// Push when the PAR endpoint is known: <see cref="CidaasOptions.PushedAuthorizationEndpoint"/>, else the discovery
    /// document's <c>pushed_authorization_request_endpoint</c>; otherwise redirect with the parameters in the URL.
    /// ASP.NET Core's default; not this package's (see <see cref="CidaasOptions.PushedAuthorizationBehavior"/>).
    /// </summary>
    UseIfAvailable = 0,

    /// <summary>
    /// Never push: the parameters travel in the authorization URL, and the challenge makes no back-channel call (the
    /// discovery document is not read). The default of this package.
    /// </summary>
    Disable = 1,

    /// <summary>Always push: a challenge for which no PAR endpoint is known fails (CIDAAS8005) instead of falling back to the URL.</summary>
    Require = 2,
}
