namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Default values used by the cidaas authentication handler: the scheme name, callback paths and the
/// paths of the cidaas endpoints relative to the <see cref="CidaasOptions.Authority"/>.
/// </summary>
public static class CidaasDefaults
{
    /// <summary>The default authentication scheme name: <c>Cidaas</c>.</summary>
    public const string AuthenticationScheme = "Cidaas";

    /// <summary>The default scheme name of the resource-server handler that validates cidaas access tokens: <c>CidaasBearer</c>.</summary>
    public const string BearerAuthenticationScheme = "CidaasBearer";

    /// <summary>The default display name: <c>cidaas</c>.</summary>
    public const string DisplayName = "cidaas";

    /// <summary>The default path cidaas redirects back to with the authorization response.</summary>
    public const string CallbackPath = "/signin-cidaas";

    /// <summary>The default path cidaas redirects back to after signing the user out.</summary>
    public const string SignedOutCallbackPath = "/signout-callback-cidaas";

    /// <summary>The default path cidaas POSTs back-channel logout tokens to (the app's <c>backchannel_logout_uri</c>).</summary>
    public const string BackchannelLogoutPath = "/backchannel-logout-cidaas";

    /// <summary>The path of the OpenID Connect discovery document.</summary>
    public const string DiscoveryPath = "/.well-known/openid-configuration";

    /// <summary>The path of the JSON Web Key Set with the signing keys.</summary>
    public const string JwksPath = "/.well-known/jwks.json";

    /// <summary>The path of the authorization endpoint.</summary>
    public const string AuthorizationPath = "/authz-srv/authz";

    /// <summary>The path of the token endpoint.</summary>
    public const string TokenPath = "/token-srv/token";

    /// <summary>The path of the userinfo endpoint.</summary>
    public const string UserInformationPath = "/users-srv/userinfo";

    /// <summary>The path of the end-session (sign-out) endpoint.</summary>
    public const string EndSessionPath = "/session/end_session";

    /// <summary>The path of the token introspection endpoint (RFC 7662).</summary>
    public const string IntrospectionPath = "/token-srv/introspect";

    /// <summary>The path of the token revocation endpoint (RFC 7009).</summary>
    public const string RevocationPath = "/token-srv/revoke";

    /// <summary>The path of the pushed authorization request (PAR) endpoint (RFC 9126), as cidaas documents it.</summary>
    public const string PushedAuthorizationPath = "/authz-srv/par";

    /// <summary>The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client used for the back channel.</summary>
    public const string BackchannelHttpClientName = "Cidaas.AspNetCore.Authentication";
}
