namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// An OAuth 2.0 client (a cidaas "app") registered with the emulator.
/// </summary>
public sealed class CidaasEmulatorClient
{
    /// <summary>The client id (<c>client_id</c>).</summary>
    public string ClientId { get; set; } = "";

    /// <summary>
    /// The client secret. Empty means a public client that authenticates with <c>client_id</c> alone.
    /// </summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>The display name shown on the login page.</summary>
    public string ClientName { get; set; } = "";

    /// <summary>The redirect URIs the client may use; compared exactly (ordinal).</summary>
    public IList<string> RedirectUris { get; init; } = new List<string>();

    /// <summary>The URIs the end-session endpoint may send the browser back to.</summary>
    public IList<string> PostLogoutRedirectUris { get; init; } = new List<string>();

    /// <summary>
    /// When <see langword="true"/>, any absolute redirect URI (without a fragment) is accepted. For tests only.
    /// </summary>
    public bool AllowAnyRedirectUri { get; set; }

    /// <summary>
    /// When <see langword="true"/>, any absolute redirect URI whose host is a loopback host
    /// (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>) is accepted, on any port (RFC 8252 §7.3 style).
    /// </summary>
    public bool AllowLoopbackRedirectUris { get; set; }

    /// <summary>The scopes the client may ask for; empty means any scope.</summary>
    public IList<string> AllowedScopes { get; init; } = new List<string>();

    /// <summary>
    /// Whether a refresh replaces the refresh token with a new one (rotation, RFC 9700 §4.14.2). Default
    /// <see langword="true"/>, as cidaas answers a refresh with a new <c>refresh_token</c>. A rotated refresh token that
    /// is used again revokes its whole family: every refresh token rotated from the same sign-in and the access tokens
    /// issued with them. <see langword="false"/>: the refresh token stays the same and the answer repeats it.
    /// </summary>
    public bool RotateRefreshTokens { get; set; } = true;

    /// <summary>
    /// How long the access tokens issued to this client are valid (cidaas's per-app <c>token_lifetime_in_seconds</c>);
    /// <see langword="null"/>, the default, takes <see cref="CidaasEmulatorOptions.AccessTokenLifetime"/>.
    /// </summary>
    public TimeSpan? AccessTokenLifetime { get; set; }

    /// <summary>
    /// The client's <c>backchannel_logout_uri</c> (a cidaas app setting): when a session the client took part in ends
    /// (end-session, <see cref="CidaasEmulator.EndSessionsOfAsync"/>), the emulator POSTs a signed <c>logout_token</c> to it.
    /// </summary>
    public string? BackchannelLogoutUri { get; set; }

    /// <summary>
    /// The client's <c>backchannel_logout_session_required</c> (a cidaas app setting): the logout token must carry <c>sid</c>.
    /// The emulator always sends <c>sid</c>; the value is kept for the client's description.
    /// </summary>
    public bool BackchannelLogoutSessionRequired { get; set; }

    // Client authentication with JWTs and HS256 id_tokens (issue 16).

    /// <summary>
    /// The client's <c>token_endpoint_auth_method</c> (a cidaas app setting): <c>client_secret_post</c> (cidaas's default)
    /// or <c>client_secret_basic</c> accept the secret, a <c>client_secret_jwt</c> or a <c>private_key_jwt</c> assertion;
    /// <c>client_secret_jwt</c> refuses the secret itself; <c>private_key_jwt</c> accepts only an assertion signed with a
    /// key of <see cref="Jwks"/>. <see langword="null"/>, the default, is <c>client_secret_post</c>. Every call that
    /// authenticates the client (token, revocation, introspection) keeps to it.
    /// </summary>
    public string? TokenEndpointAuthMethod { get; set; }

    /// <summary>
    /// The client's public keys, as the JSON of a JWK Set (<c>{"keys":[…]}</c>, the cidaas app setting <c>jwks</c>): the
    /// keys its <c>private_key_jwt</c> assertions (RS256, PS256 or ES256) are checked with. A string, so that a
    /// configuration file can carry it.
    /// </summary>
    public string? Jwks { get; set; }

    /// <summary>
    /// The client's <c>id_token_signed_response_alg</c> (a cidaas app setting): <c>RS256</c> (<see langword="null"/>, the
    /// default) signs id_tokens with the emulator's keys; <c>HS256</c> signs them with the UTF-8 bytes of
    /// <see cref="ClientSecret"/> (OpenID Connect Core §10.1), which must then be at least 32 bytes long.
    /// </summary>
    public string? IdTokenSignedResponseAlg { get; set; }

    /// <summary>
    /// Whether the client must push its authorization requests (RFC 9126 §6, <c>require_pushed_authorization_requests</c>):
    /// an authorization request without a <c>request_uri</c> of the PAR endpoint is answered with <c>invalid_request</c>.
    /// Default <see langword="false"/>. (cidaas's app settings, as its Terraform provider shows them, have no such field.)
    /// </summary>
    public bool RequirePushedAuthorizationRequests { get; set; }
}
