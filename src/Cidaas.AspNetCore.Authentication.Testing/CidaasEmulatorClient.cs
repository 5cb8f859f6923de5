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

    /// <summary>
    /// Whether the client must push its authorization requests (RFC 9126 §6, <c>require_pushed_authorization_requests</c>):
    /// an authorization request without a <c>request_uri</c> of the PAR endpoint is answered with <c>invalid_request</c>.
    /// Default <see langword="false"/>. (cidaas's app settings, as its Terraform provider shows them, have no such field.)
    /// </summary>
    public bool RequirePushedAuthorizationRequests { get; set; }
}
