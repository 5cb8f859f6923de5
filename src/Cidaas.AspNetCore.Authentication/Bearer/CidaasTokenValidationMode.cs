namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>How the bearer handler decides whether an access token is good.</summary>
public enum CidaasTokenValidationMode
{
    /// <summary>
    /// Validate the JWT locally: RS256 signature against the cidaas key set, <c>iss</c>, <c>aud</c> (or <c>client_id</c>),
    /// <c>exp</c>/<c>nbf</c>. No call to cidaas per request; a revoked token stays valid until it expires.
    /// </summary>
    Jwt = 0,

    /// <summary>
    /// Ask cidaas (<c>POST {Authority}/token-srv/introspect</c>) for every token not in the introspection cache. Works for
    /// opaque tokens, and a revoked token is refused once its cached answer ends (<c>IntrospectionCacheDuration</c>).
    /// </summary>
    Introspection = 1,
}
