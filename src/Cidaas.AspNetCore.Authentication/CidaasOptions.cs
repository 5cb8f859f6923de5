using System.Security.Claims;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Claims;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Options of the cidaas authentication handler.
/// </summary>
public class CidaasOptions : RemoteAuthenticationOptions
{
    /// <summary>
    /// Creates the options with secure defaults: PKCE on, <c>openid profile email</c>, <c>client_secret_post</c>,
    /// HTTPS metadata required, userinfo claims on and the cidaas claim mapping.
    /// </summary>
    public CidaasOptions()
    {
        CallbackPath = CidaasDefaults.CallbackPath;
        SignedOutCallbackPath = CidaasDefaults.SignedOutCallbackPath;
        BackchannelLogoutPath = CidaasDefaults.BackchannelLogoutPath;
        Events = new CidaasEvents();

        Scope.Add("openid");
        Scope.Add("profile");
        Scope.Add("email");

        // The authorization response comes back as a top-level GET navigation (query response mode),
        // which SameSite=Lax cookies survive; Lax also keeps plain http://localhost development working.
        CorrelationCookie.SameSite = SameSiteMode.Lax;
        CorrelationCookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;

        ClaimActions.MapJsonKey(ClaimTypes.NameIdentifier, "sub");
        ClaimActions.MapJsonKey(CidaasClaimTypes.Subject, "sub");
        ClaimActions.MapJsonKey(ClaimTypes.Name, "name");
        ClaimActions.MapJsonKey(ClaimTypes.GivenName, "given_name");
        ClaimActions.MapJsonKey(ClaimTypes.Surname, "family_name");
        ClaimActions.MapJsonKey(ClaimTypes.Email, "email");
        ClaimActions.MapCustomJson(CidaasClaimTypes.EmailVerified, ClaimValueTypes.Boolean, user => user.TryGetProperty("email_verified", out var verified) && verified.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? (verified.ValueKind == JsonValueKind.True ? "true" : "false")
            : null);
        ClaimActions.MapJsonKey(ClaimTypes.MobilePhone, "mobile_number");
        ClaimActions.MapJsonKey(ClaimTypes.Role, "roles");
        ClaimActions.Add(new CidaasGroupsClaimAction());
        ClaimActions.Add(new CidaasCustomFieldsClaimAction());
    }

    /// <summary>
    /// The base address of the cidaas tenant, for example <c>https://your-tenant.cidaas.eu</c>. Required.
    /// Every endpoint that is not set explicitly is derived from it.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The client id of the cidaas application. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// The client secret of the cidaas application. Required, except with <see cref="CidaasClientAuthenticationMethod.PrivateKeyJwt"/>;
    /// it is only ever sent to cidaas's token service (with <see cref="CidaasClientAuthenticationMethod.ClientSecretJwt"/>
    /// never: it only keys the assertions).
    /// </summary>
    public string? ClientSecret { get; set; }

    /// <summary>The scopes to request. Default: <c>openid profile email</c>.</summary>
    public ICollection<string> Scope { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Whether to use PKCE with <c>S256</c> (RFC 7636). Default <see langword="true"/>, as RFC 9700 asks of every client.</summary>
    public bool UsePkce { get; set; } = true;

    /// <summary>
    /// How the client authenticates at the token endpoint, and at the revocation endpoint and for pushed authorization
    /// requests. Default <see cref="CidaasClientAuthenticationMethod.ClientSecretPost"/>.
    /// </summary>
    public CidaasClientAuthenticationMethod ClientAuthenticationMethod { get; set; } = CidaasClientAuthenticationMethod.ClientSecretPost;

    // Client authentication with JWTs and HS256 id_tokens (issue 16).

    /// <summary>
    /// The client's private key for <see cref="CidaasClientAuthenticationMethod.PrivateKeyJwt"/>: RSA or EC
    /// <see cref="SigningCredentials"/> (e.g. <c>new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "…" }, SecurityAlgorithms.RsaSha256)</c>),
    /// or <see cref="X509SigningCredentials"/> of a certificate with its private key, whose <c>kid</c> and <c>x5t</c> go
    /// into the assertion's header. Register the public key with the cidaas app (<c>jwks</c> or <c>jwks_uri</c>).
    /// </summary>
    public SigningCredentials? ClientSigningCredentials { get; set; }

    /// <summary>
    /// The <c>aud</c> of the client assertions: the URL of the endpoint called (default; the token endpoint for the code
    /// exchange and refresh, as OpenID Connect Core §9 recommends) or the issuer. cidaas documents neither.
    /// </summary>
    public CidaasClientAssertionAudience ClientAssertionAudience { get; set; }

    /// <summary>
    /// Whether an id_token signed with HS256 is accepted, validated with the UTF-8 bytes of <see cref="ClientSecret"/> as
    /// OpenID Connect Core §10.1 specifies (never with a key of the issuer's key set). Default <see langword="false"/>:
    /// such a token fails with CIDAAS3030, which names the cidaas app setting to change (<c>id_token_signed_response_alg</c>
    /// to <c>RS256</c>, the better fix). The secret must be at least 32 bytes long.
    /// </summary>
    public bool AcceptHs256IdTokens { get; set; }

    /// <summary>
    /// Whether the metadata address and the authority must use HTTPS. Default <see langword="true"/>.
    /// Loopback addresses (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>) are allowed over plain HTTP for development.
    /// </summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Whether to add the claims of the userinfo endpoint to the user. Default <see langword="true"/>.</summary>
    public bool GetClaimsFromUserInfoEndpoint { get; set; } = true;

    /// <summary>
    /// Whether the user's <c>roles</c> and <c>groups</c> are taken from the validated id_token when the userinfo answer
    /// has none. Default <see langword="true"/>: cidaas answers userinfo with <c>roles</c> only for the <c>roles</c> scope
    /// and <c>groups</c> only for <c>groups</c>, while its id_token carries both whatever the scopes, so that
    /// <c>[Authorize(Roles = …)]</c> and <c>RequireCidaasGroup</c> work with the default scopes. Userinfo wins where it
    /// answers (its groups carry <c>groupType</c>, the token's do not). See <c>docs/cidaas-compatibility.md</c>.
    /// </summary>
    public bool MapRolesAndGroupsFromIdToken { get; set; } = true;

    /// <summary>The authorization endpoint. Default: <c>{Authority}/authz-srv/authz</c>.</summary>
    public string? AuthorizationEndpoint { get; set; }

    /// <summary>The token endpoint. Default: <c>{Authority}/token-srv/token</c>.</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>The userinfo endpoint. Default: <c>{Authority}/users-srv/userinfo</c>.</summary>
    public string? UserInformationEndpoint { get; set; }

    /// <summary>The end-session endpoint. Default: <c>{Authority}/session/end_session</c>.</summary>
    public string? EndSessionEndpoint { get; set; }

    /// <summary>The discovery document address. Default: <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>
    /// A fixed configuration to use instead of discovery (no network call for metadata). Its <c>Issuer</c> and
    /// <c>SigningKeys</c> are used to validate id_tokens.
    /// </summary>
    public OpenIdConnectConfiguration? Configuration { get; set; }

    /// <summary>
    /// Retrieves and caches the discovery document. Created from <see cref="MetadataAddress"/> and the back channel when not set.
    /// </summary>
    public IConfigurationManager<OpenIdConnectConfiguration>? ConfigurationManager { get; set; }

    /// <summary>How often the cached discovery document is refreshed. Default 12 hours.</summary>
    public TimeSpan AutomaticRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// The least time after a successful refetch of the signing keys before the next one caused by an id_token signed
    /// with an unknown key. Default 1 minute. It makes tokens with made-up key ids cheap, and it refuses a second key
    /// rotation within that time: lower it for a tenant that rotates faster. After a failed refetch the next one may run
    /// after 1 second, doubling with each further failure in a row, never later than this interval.
    /// </summary>
    public TimeSpan SigningKeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The parameters the id_token is validated with. The handler fills in the issuer, the audience (<see cref="ClientId"/>)
    /// and the signing keys from the configuration when they are not set. Only <c>RS256</c> is accepted by default.
    /// They are read once per configuration and key set and then shared by the sign-ins: to change them at run time,
    /// assign a new instance rather than changing this one.
    /// </summary>
    public TokenValidationParameters TokenValidationParameters { get; set; } = new()
    {
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        ClockSkew = TimeSpan.FromMinutes(5),
        NameClaimType = ClaimTypes.Name,
        RoleClaimType = ClaimTypes.Role,
    };

    /// <summary>The handler that reads and validates id_tokens.</summary>
    public JsonWebTokenHandler TokenHandler { get; set; } = new() { MapInboundClaims = false };

    /// <summary>Claim actions that turn the userinfo (or id_token) JSON into claims. Preloaded with the cidaas mapping.</summary>
    public ClaimActionCollection ClaimActions { get; } = new();

    /// <summary>Parameters added to every authorization request, such as cidaas's <c>view_type</c>.</summary>
    public IDictionary<string, string> AdditionalAuthorizationParameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The path cidaas redirects to after sign-out. Default <c>/signout-callback-cidaas</c>.</summary>
    public PathString SignedOutCallbackPath { get; set; }

    /// <summary>
    /// The path cidaas POSTs logout tokens to (OpenID Connect Back-Channel Logout 1.0): register
    /// <c>{app origin}{path base}{this path}</c> as the cidaas app's <c>backchannel_logout_uri</c>. A valid token ends the
    /// sessions it names (by <c>sid</c>, else every session of its <c>sub</c>) on every instance of the app by their next
    /// request. Default <c>/backchannel-logout-cidaas</c>; an empty value turns the endpoint off.
    /// </summary>
    public PathString BackchannelLogoutPath { get; set; }

    /// <summary>
    /// The oldest logout token accepted, by its <c>iat</c> (plus the clock skew of <see cref="TokenValidationParameters"/>);
    /// its <c>jti</c> is remembered for that long to refuse replays. Default 5 minutes.
    /// </summary>
    public TimeSpan BackchannelLogoutTokenMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the user goes after the signed-out callback when the sign-out gave no local redirect URI. Default <c>/</c>.</summary>
    public string SignedOutRedirectUri { get; set; } = "/";

    /// <summary>
    /// The scheme signed out locally when signing out of cidaas. Default: <see cref="RemoteAuthenticationOptions.SignInScheme"/>.
    /// </summary>
    public string? SignOutScheme { get; set; }

    /// <summary>The largest back-channel response body the handler reads, in bytes. Default 1 MiB.</summary>
    public int MaxBackchannelResponseSize { get; set; } = 1024 * 1024;

    // Tokens after sign-in (issue 14).

    /// <summary>
    /// How long before the access token expires <c>HttpContext.GetCidaasUserAccessTokenAsync</c> renews it with the refresh
    /// token. Default 1 minute. Needs <see cref="RemoteAuthenticationOptions.SaveTokens"/> and, for renewal, the
    /// <c>offline_access</c> scope (cidaas issues a refresh token only with it). With a token lifetime shorter than twice
    /// this value, each token is renewed once half of its lifetime has passed, so that it is not renewed on every request.
    /// </summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether signing out revokes the session's refresh token at cidaas's revocation endpoint (RFC 7009,
    /// <c>token_type_hint=refresh_token</c>). Default <see langword="true"/>. The call has a short time budget
    /// (the smaller of 3 seconds and <see cref="RemoteAuthenticationOptions.BackchannelTimeout"/>); a failure is logged and
    /// never stops the sign-out. Nothing is sent when the session holds no refresh token.
    /// </summary>
    public bool RevokeRefreshTokenOnSignOut { get; set; } = true;

    /// <summary>The revocation endpoint. Default: <c>{Authority}/token-srv/revoke</c>.</summary>
    public string? RevocationEndpoint { get; set; }

    // Challenge options (issue 16): defaults for each challenge; CidaasChallengeProperties override them per challenge.

    /// <summary>
    /// cidaas's <c>view_type</c> for every challenge that sets none: <see cref="CidaasViewType.Login"/> or
    /// <see cref="CidaasViewType.Register"/>. Default <see langword="null"/>: not sent (cidaas shows its login page).
    /// </summary>
    public string? ViewType { get; set; }

    /// <summary>
    /// <c>prompt</c> for every challenge that sets none (OpenID Connect Core §3.1.2.1: <c>none</c>, <c>login</c>,
    /// <c>consent</c>, <c>select_account</c>). Default <see langword="null"/>: not sent.
    /// </summary>
    public string? Prompt { get; set; }

    /// <summary>
    /// <c>max_age</c> for every challenge that sets none, in whole seconds. Default <see langword="null"/>: not sent. When
    /// sent, the id_token must carry <c>auth_time</c> no older than this (plus the clock skew), else the sign-in fails
    /// (CIDAAS3020/CIDAAS3021). In configuration a number of seconds (as cidaas's <c>default_max_age</c>) or a time span.
    /// </summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary><c>ui_locales</c> for every challenge that sets none: BCP 47 tags separated by single spaces. Default <see langword="null"/>.</summary>
    public string? UiLocales { get; set; }

    /// <summary><c>acr_values</c> for every challenge that sets none, separated by single spaces. Default <see langword="null"/>.</summary>
    public string? AcrValues { get; set; }

    /// <summary>
    /// Whether a sign-in that asked for <c>acr_values</c> requires the id_token's <c>acr</c> to be one of them (CIDAAS3022).
    /// Default <see langword="false"/>: OpenID Connect makes <c>acr_values</c> a voluntary request, and cidaas's tokens
    /// often carry no <c>acr</c>; turn it on where an <c>acr_values</c> challenge guards a step-up.
    /// </summary>
    public bool RequireAcr { get; set; }

    // Pushed authorization requests (issue 16).

    /// <summary>
    /// Whether the challenge pushes the authorization parameters to the PAR endpoint (RFC 9126) with the client's
    /// authentication and redirects with only <c>client_id</c> and <c>request_uri</c>; the values mean what ASP.NET Core's
    /// <c>PushedAuthorizationBehavior</c> values mean. Default <see cref="CidaasPushedAuthorizationBehavior.Disable"/>, unlike
    /// ASP.NET Core's OpenID Connect handler: cidaas turns PAR on per tenant, with conditions of its own (the app's
    /// <c>allowed_web_origins</c>), and its discovery document has not been seen to name the endpoint, so PAR is a choice
    /// made for a tenant known to offer it, not one a change of the discovery document makes for a running app; and the
    /// challenge stays free of back-channel calls. See the README, "Pushed authorization requests (PAR)".
    /// </summary>
    public CidaasPushedAuthorizationBehavior PushedAuthorizationBehavior { get; set; } = CidaasPushedAuthorizationBehavior.Disable;

    /// <summary>
    /// The PAR endpoint, for a tenant whose discovery document does not name it (cidaas documents
    /// <c>{Authority}/authz-srv/par</c>). Default <see langword="null"/>: the discovery document's
    /// <c>pushed_authorization_request_endpoint</c>. Setting it makes <see cref="CidaasPushedAuthorizationBehavior.UseIfAvailable"/>
    /// push, without reading the discovery document at the challenge.
    /// </summary>
    public string? PushedAuthorizationEndpoint { get; set; }

    /// <summary>Protects the state parameter. Created from Data Protection when not set.</summary>
    public ISecureDataFormat<AuthenticationProperties> StateDataFormat { get; set; } = default!;

    /// <summary>The events the handler raises; replace handlers to customize the flow.</summary>
    public new CidaasEvents Events
    {
        get => (CidaasEvents)base.Events;
        set => base.Events = value;
    }

    internal CidaasSigningKeyCache SigningKeyCache { get; } = new();

    internal CidaasRequestCache RequestCache { get; } = new();

    /// <summary>Validates this scheme's id_tokens; it keeps the validation parameters it built last, shared by all sign-ins.</summary>
    internal CidaasIdTokenValidator IdTokenValidator { get; } = new();

    /// <summary>The client of cidaas's token service for the current options (code exchange).</summary>
    internal CidaasTokenClient CreateTokenClient(ILogger logger)
        => new(Backchannel, MaxBackchannelResponseSize, BackchannelTimeout, RequestCache, CreateClientAuthentication(), logger);

    /// <summary>How this client authenticates at cidaas's token service, for every call that authenticates it.</summary>
    internal CidaasClientAuthentication CreateClientAuthentication()
        => new(ClientAuthenticationMethod, ClientId!, ClientSecret, ClientSigningCredentials, ClientAssertionAudience, Authority is null ? null : CidaasUrls.TrimTrailingSlash(Authority), TimeProvider);

    /// <summary>What <see cref="IdTokenValidator"/> checks id_tokens with, on the given clock.</summary>
    internal CidaasIdTokenSettings CreateIdTokenSettings(TimeProvider timeProvider, ILogger logger)
        => new(ClientId!, TokenValidationParameters, TokenHandler, SigningKeyCache, SigningKeyRefreshInterval, timeProvider, Backchannel, MaxBackchannelResponseSize, BackchannelTimeout, logger,
            AcceptHs256IdTokens && ClientSecret is { Length: > 0 } secret ? RequestCache.GetSecretSigningCredentials(secret).Key : null);

    /// <summary>The host's metrics and traces; set by the post-configuration, <see langword="null"/> without a host.</summary>
    internal Diagnostics.CidaasTelemetry? Telemetry { get; set; }

    /// <summary>Where these options are read from in configuration; set by the configuration binder.</summary>
    internal CidaasConfigurationKeys? ConfigurationKeys { get; set; }

    /// <summary>
    /// Checks that the options are usable and throws one <see cref="ArgumentException"/> that names every mistake.
    /// </summary>
    public override void Validate()
    {
        base.Validate();
        Check(keys: null).ThrowIfAny("The cidaas authentication options are not valid:");
    }

    /// <summary>
    /// Checks the options of <paramref name="scheme"/>, as the host does when it starts (<c>AddCidaas</c> asks for that),
    /// and throws one <see cref="ArgumentException"/> that names every mistake once, each option with its configuration
    /// key (<c>Authentication:Schemes:{scheme}:{option}</c>).
    /// </summary>
    /// <param name="scheme">The scheme the options belong to.</param>
    public override void Validate(string scheme)
    {
        Check(ConfigurationKeys).ThrowIfAny($"The options of the cidaas scheme '{scheme}' are not valid:");
        base.Validate(scheme);
    }

    private CidaasOptionsChecker Check(CidaasConfigurationKeys? keys)
    {
        var check = new CidaasOptionsChecker(RequireHttpsMetadata, keys);
        check.CheckAuthority(Authority);

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            check.Add($"The {check.Option(nameof(ClientId))} must be set to the client id of the cidaas application.");
        }

        check.CheckClientAuthentication(ClientAuthenticationMethod, ClientSecret, ClientSigningCredentials, ClientAssertionAudience, !string.IsNullOrEmpty(Authority), "to the client secret of the cidaas application");
        if (AcceptHs256IdTokens && !CidaasOptionsChecker.IsHs256Key(ClientSecret))
        {
            check.Add($"The {check.Option(nameof(ClientSecret))} must be set and at least 32 bytes long (UTF-8) when the {check.Option(nameof(AcceptHs256IdTokens))} is on: HS256 id_tokens are validated with the client secret alone.");
        }

        if (!CallbackPath.HasValue || !CallbackPath.Value!.StartsWith('/'))
        {
            check.Add($"The {check.Option(nameof(CallbackPath))} must be a path that starts with '/'.");
        }

        if (!SignedOutCallbackPath.HasValue || !SignedOutCallbackPath.Value!.StartsWith('/'))
        {
            check.Add($"The {check.Option(nameof(SignedOutCallbackPath))} must be a path that starts with '/'.");
        }
        else if (SignedOutCallbackPath == CallbackPath)
        {
            check.Add($"The {check.Option(nameof(SignedOutCallbackPath))} must differ from '{nameof(CallbackPath)}'.");
        }

        if (keys?.InvalidPaths.Contains(nameof(BackchannelLogoutPath)) == true)
        {
            // Fail closed: a configured path without its '/' must not turn back-channel logout off silently.
            check.Add($"The {check.Option(nameof(BackchannelLogoutPath))} must be empty or a path that starts with '/'.");
        }
        else if (BackchannelLogoutPath.HasValue
            && (!BackchannelLogoutPath.Value!.StartsWith('/') || BackchannelLogoutPath == CallbackPath || BackchannelLogoutPath == SignedOutCallbackPath))
        {
            check.Add($"The '{nameof(BackchannelLogoutPath)}' option must be empty or a path that starts with '/' and differs from '{nameof(CallbackPath)}' and '{nameof(SignedOutCallbackPath)}'.");
        }

        if (BackchannelLogoutTokenMaxAge <= TimeSpan.Zero)
        {
            check.Add($"The '{nameof(BackchannelLogoutTokenMaxAge)}' option must be positive.");
        }

        if (Scope.Count == 0)
        {
            check.Add($"The {check.Option(nameof(Scope))} must name at least one scope (the default is 'openid profile email').");
        }
        else if (Scope.Any(s => string.IsNullOrWhiteSpace(s) || s.Contains(' ', StringComparison.Ordinal)))
        {
            check.Add($"Each entry of the {check.Option(nameof(Scope))} must be one non-empty scope without spaces.");
        }

        check.CheckEndpoint(AuthorizationEndpoint, nameof(AuthorizationEndpoint), CidaasDefaults.AuthorizationPath);
        check.CheckEndpoint(TokenEndpoint, nameof(TokenEndpoint), CidaasDefaults.TokenPath);
        check.CheckEndpoint(UserInformationEndpoint, nameof(UserInformationEndpoint), CidaasDefaults.UserInformationPath);
        check.CheckEndpoint(EndSessionEndpoint, nameof(EndSessionEndpoint), CidaasDefaults.EndSessionPath);
        check.CheckEndpoint(MetadataAddress, nameof(MetadataAddress), CidaasDefaults.DiscoveryPath);
        check.CheckEndpoint(RevocationEndpoint, nameof(RevocationEndpoint), CidaasDefaults.RevocationPath);
        check.CheckEndpoint(PushedAuthorizationEndpoint, nameof(PushedAuthorizationEndpoint));
        if (!Enum.IsDefined(PushedAuthorizationBehavior))
        {
            check.Add($"The {check.Option(nameof(PushedAuthorizationBehavior))} must be UseIfAvailable, Disable or Require.");
        }

        if (RefreshBeforeExpiry < TimeSpan.Zero)
        {
            check.Add($"The {check.Option(nameof(RefreshBeforeExpiry))} must not be negative.");
        }

        CheckChallengeOptions(check);
        check.CheckBackchannel(MaxBackchannelResponseSize, BackchannelTimeout);

        if (TokenValidationParameters is null)
        {
            check.Add($"The '{nameof(TokenValidationParameters)}' option must not be null.");
        }
        else if (TokenValidationParameters.ValidAlgorithms?.Any(a => string.Equals(a, "none", StringComparison.OrdinalIgnoreCase)) == true)
        {
            check.Add($"The '{nameof(TokenValidationParameters)}.ValidAlgorithms' option must not allow 'none'.");
        }
        else if (TokenValidationParameters.ValidAlgorithms?.Any(a => a.StartsWith("HS", StringComparison.OrdinalIgnoreCase) || a.Contains("hmac", StringComparison.OrdinalIgnoreCase)) == true)
        {
            check.Add($"The '{nameof(TokenValidationParameters)}.ValidAlgorithms' option must not allow a symmetric (HS*) algorithm: an HS256 id_token is accepted only with '{nameof(AcceptHs256IdTokens)}', keyed with the client secret.");
        }

        return check;
    }

    /// <summary>The challenge options (issue 16), and the same parameters in <see cref="AdditionalAuthorizationParameters"/>.</summary>
    private void CheckChallengeOptions(CidaasOptionsChecker check)
    {
        void Report(string option, string? reason)
        {
            if (reason is not null)
            {
                check.Add($"The {check.Option(option)} is not valid: {reason}");
            }
        }

        Report(nameof(ViewType), ViewType is null ? null : CidaasChallengeParameterRules.CheckViewType(ViewType));
        Report(nameof(Prompt), Prompt is null ? null : CidaasChallengeParameterRules.CheckPrompt(Prompt));
        Report(nameof(MaxAge), MaxAge is { } maxAge ? CidaasChallengeParameterRules.CheckMaxAge(maxAge) : null);
        Report(nameof(UiLocales), UiLocales is null ? null : CidaasChallengeParameterRules.CheckUiLocales(UiLocales));
        Report(nameof(AcrValues), AcrValues is null ? null : CidaasChallengeParameterRules.CheckAcrValues(AcrValues));
        foreach (var parameter in AdditionalAuthorizationParameters)
        {
            Report($"{nameof(AdditionalAuthorizationParameters)}[{parameter.Key}]", CidaasChallengeParameterRules.Check(parameter.Key, parameter.Value));
        }
    }
}
