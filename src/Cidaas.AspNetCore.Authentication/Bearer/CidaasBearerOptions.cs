using System.Security.Claims;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// Options of the cidaas bearer handler, which protects APIs with cidaas access tokens. They extend
/// <see cref="JwtBearerOptions"/> (events, <c>SaveToken</c>, <c>Challenge</c>, back channel, …) with the cidaas presets:
/// issuer and keys from the cidaas discovery document, <c>aud</c> or <c>client_id</c> checked against
/// <see cref="Audiences"/>, <c>exp</c>/<c>nbf</c> with clock skew, <c>RS256</c> only, and an introspection mode.
/// </summary>
public class CidaasBearerOptions : JwtBearerOptions
{
    /// <summary>
    /// Creates the options with the cidaas presets: <c>RS256</c> only, 5 minutes of clock skew, <c>sub</c> as the name
    /// claim, <see cref="ClaimTypes.Role"/> as the role claim, local JWT validation, and the cidaas token handler in
    /// <see cref="JwtBearerOptions.TokenHandlers"/> (keep it there; <see cref="JwtBearerOptions.MapInboundClaims"/> has no effect on it).
    /// </summary>
    public CidaasBearerOptions()
    {
        TokenValidationParameters = new TokenValidationParameters
        {
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ClockSkew = TimeSpan.FromMinutes(5),
            NameClaimType = CidaasClaimTypes.Subject,
            RoleClaimType = ClaimTypes.Role,
        };

        // The cidaas token handler replaces the default one: it pins issuer and keys, refetches keys for an unknown
        // 'kid' within the request, and maps the cidaas claims.
        TokenHandlers.Clear();
        TokenHandlers.Add(new CidaasAccessTokenHandler(this));
        MapInboundClaims = false;

        // The token handler refetches the key set itself (single flight, throttled by SigningKeyRefreshInterval); a
        // second, background refresh of the whole discovery document per unknown 'kid' would only add requests.
        RefreshOnIssuerKeyNotFound = false;
    }

    /// <summary>
    /// The audiences this API accepts: a token is accepted when one of its <c>aud</c> values is in this list, or, when it
    /// has no <c>aud</c>, when its <c>client_id</c> is. At least one is required. <see cref="JwtBearerOptions.Audience"/>,
    /// when set, is added to this list.
    /// </summary>
    public ICollection<string> Audiences { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Whether a token that names no user is accepted: no <c>sub</c>, or cidaas's <c>sub</c> <c>ANONYMOUS</c> of tokens
    /// issued to a client alone (client_credentials). Default <see langword="false"/>: such a token is refused
    /// (<c>CIDAAS5020</c>), so that a machine is never taken for a signed-in user, as cidaas's go-interceptor refuses it
    /// unless <c>AllowAnonymousSub</c>. Turn it on for APIs called by clients: the identity then has no name identifier
    /// and no <c>sub</c> claim, and its <c>aud</c> names the calling client.
    /// </summary>
    public bool AllowAnonymousSubject { get; set; }

    /// <summary>Whether tokens are validated locally as JWTs (the default) or by asking cidaas's introspection endpoint.</summary>
    public CidaasTokenValidationMode TokenValidationMode { get; set; } = CidaasTokenValidationMode.Jwt;

    /// <summary>
    /// The client id the API authenticates with at the introspection endpoint. Required in introspection mode. cidaas
    /// answers <c>active: true</c> only to a client in the token's audience: use the id (and secret) of the cidaas app the
    /// tokens are issued to, the one named in <see cref="Audiences"/>.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret the API authenticates with at the introspection endpoint. Required in introspection mode.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// How the API authenticates at the introspection endpoint. Default <see cref="CidaasClientAuthenticationMethod.ClientSecretBasic"/>,
    /// the <c>Authorization: Basic</c> header cidaas's "Introspect" page documents; <see cref="CidaasClientAuthenticationMethod.ClientSecretPost"/>
    /// puts <c>client_id</c> and <c>client_secret</c> into the JSON body instead.
    /// </summary>
    public CidaasClientAuthenticationMethod ClientAuthenticationMethod { get; set; } = CidaasClientAuthenticationMethod.ClientSecretBasic;

    /// <summary>
    /// The API's private key for <see cref="CidaasClientAuthenticationMethod.PrivateKeyJwt"/> at the introspection endpoint:
    /// RSA or EC <see cref="SigningCredentials"/>, or <see cref="X509SigningCredentials"/> (see <c>CidaasOptions.ClientSigningCredentials</c>).
    /// </summary>
    public SigningCredentials? ClientSigningCredentials { get; set; }

    /// <summary>The <c>aud</c> of the client assertions: the introspection endpoint's URL (default) or the issuer.</summary>
    public CidaasClientAssertionAudience ClientAssertionAudience { get; set; }

    /// <summary>The introspection endpoint. Default: <c>{Authority}/token-srv/introspect</c>.</summary>
    public string? IntrospectionEndpoint { get; set; }

    /// <summary>
    /// The longest time an introspection answer is reused; an active token's answer is never kept past its <c>exp</c>.
    /// This bounds how long a revoked token is still accepted. Default 1 minute; <see cref="TimeSpan.Zero"/> turns the cache off.
    /// Active answers go to the host's <c>IDistributedCache</c> when one is registered (protected with Data Protection,
    /// under keys bound to the scheme, the introspection endpoint and <see cref="ClientId"/>), else to an in-process
    /// memory cache. Inactive answers are kept for at most 10 seconds, in memory only and apart from active ones.
    /// </summary>
    public TimeSpan IntrospectionCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The least time after a successful refetch of the signing keys before the next one caused by a token signed with
    /// an unknown key. Default 1 minute. It makes tokens with made-up key ids cheap, and it refuses a second key rotation
    /// within that time: lower it for a tenant that rotates faster. After a failed refetch the next one may run after
    /// 1 second, doubling with each further failure in a row, never later than this interval.
    /// </summary>
    public TimeSpan SigningKeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The largest back-channel response body the handler reads, in bytes. Default 1 MiB.</summary>
    public int MaxBackchannelResponseSize { get; set; } = 1024 * 1024;

    internal CidaasSigningKeyCache SigningKeyCache { get; } = new();

    internal CidaasRequestCache RequestCache { get; } = new();

    internal CidaasIntrospectionCache? IntrospectionCache { get; set; }

    /// <summary>Protects this scheme's introspection answers in a distributed cache.</summary>
    internal IDataProtector? IntrospectionProtector { get; set; }

    /// <summary>The start of this scheme's introspection cache keys: scheme, endpoint and client, hashed.</summary>
    internal string? IntrospectionCacheKeyPrefix { get; set; }

    internal ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>The client of cidaas's token service for this scheme's current options (introspection).</summary>
    internal CidaasTokenClient CreateTokenClient()
        => new(Backchannel, MaxBackchannelResponseSize, BackchannelTimeout, RequestCache, new CidaasClientAuthentication(ClientAuthenticationMethod, ClientId!, ClientSecret, ClientSigningCredentials, ClientAssertionAudience, Authority is null ? null : CidaasUrls.TrimTrailingSlash(Authority), TimeProvider), Logger);

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
        Check(keys: null).ThrowIfAny("The cidaas bearer options are not valid:");
    }

    /// <summary>
    /// Checks the options of <paramref name="scheme"/>, as the host does when it starts (<c>AddCidaasBearer</c> asks for
    /// that), and throws one <see cref="ArgumentException"/> that names every mistake once, each option with its
    /// configuration key (<c>Authentication:Schemes:{scheme}:{option}</c>).
    /// </summary>
    /// <param name="scheme">The scheme the options belong to.</param>
    public override void Validate(string scheme)
    {
        Check(ConfigurationKeys).ThrowIfAny($"The options of the cidaas bearer scheme '{scheme}' are not valid:");
        base.Validate(scheme);
    }

    private CidaasOptionsChecker Check(CidaasConfigurationKeys? keys)
    {
        var check = new CidaasOptionsChecker(RequireHttpsMetadata, keys);
        check.CheckAuthority(Authority);

        if (Audiences.Count == 0)
        {
            check.Add($"The {check.Option(nameof(Audiences))} (or '{nameof(Audience)}') must name at least one audience: the client ids whose access tokens this API accepts.");
        }
        else if (Audiences.Any(string.IsNullOrWhiteSpace))
        {
            check.Add($"Each entry of the {check.Option(nameof(Audiences))} must be a non-empty client id.");
        }

        var hasConfiguration = Configuration is not null || ConfigurationManager is not null;
        if (!Enum.IsDefined(TokenValidationMode))
        {
            check.Add($"The {check.Option(nameof(TokenValidationMode))} must be Jwt or Introspection.");
        }
        else if (TokenValidationMode == CidaasTokenValidationMode.Introspection)
        {
            if (string.IsNullOrWhiteSpace(ClientId))
            {
                check.Add($"The {check.Option(nameof(ClientId))} must be set in introspection mode: the API authenticates at the introspection endpoint.");
            }

            check.CheckClientAuthentication(ClientAuthenticationMethod, ClientSecret, ClientSigningCredentials, ClientAssertionAudience, !string.IsNullOrEmpty(Authority), "in introspection mode: the API authenticates at the introspection endpoint");
            if (string.IsNullOrEmpty(IntrospectionEndpoint))
            {
                check.Add($"The {check.Option(nameof(IntrospectionEndpoint))} must be set (it is derived from '{nameof(Authority)}' when that is set).");
            }
            else
            {
                check.CheckEndpoint(IntrospectionEndpoint, nameof(IntrospectionEndpoint), CidaasDefaults.IntrospectionPath);
            }
        }
        else if (!hasConfiguration && string.IsNullOrEmpty(MetadataAddress))
        {
            check.Add($"The {check.Option(nameof(MetadataAddress))} must be set (it is derived from '{nameof(Authority)}' when that is set).");
        }

        check.CheckEndpoint(MetadataAddress, nameof(MetadataAddress), CidaasDefaults.DiscoveryPath);

        if (IntrospectionCacheDuration < TimeSpan.Zero)
        {
            check.Add($"The {check.Option(nameof(IntrospectionCacheDuration))} must not be negative (zero turns the cache off).");
        }

        if (SigningKeyRefreshInterval < TimeSpan.Zero)
        {
            check.Add($"The {check.Option(nameof(SigningKeyRefreshInterval))} must not be negative.");
        }

        check.CheckBackchannel(MaxBackchannelResponseSize, BackchannelTimeout);

        if (UseSecurityTokenValidators)
        {
            check.Add($"The '{nameof(UseSecurityTokenValidators)}' option must stay false: the cidaas checks run in the token handler.");
        }

        if (!TokenHandlers.Any(handler => handler is CidaasAccessTokenHandler))
        {
            check.Add($"The '{nameof(TokenHandlers)}' option must keep the cidaas token handler.");
        }

        if (TokenValidationParameters is null)
        {
            check.Add($"The '{nameof(TokenValidationParameters)}' option must not be null.");
        }
        else if (TokenValidationParameters.ValidAlgorithms?.Any(IsForbiddenAlgorithm) == true)
        {
            check.Add($"The '{nameof(TokenValidationParameters)}.ValidAlgorithms' option must not allow 'none' or a symmetric (HS*) algorithm: cidaas signs with RSA keys.");
        }

        return check;
    }

    private static bool IsForbiddenAlgorithm(string algorithm)
        => string.IsNullOrWhiteSpace(algorithm)
           || algorithm.Equals(SecurityAlgorithms.None, StringComparison.OrdinalIgnoreCase)
           || algorithm.StartsWith("HS", StringComparison.OrdinalIgnoreCase)
           || algorithm.Contains("hmac", StringComparison.OrdinalIgnoreCase);
}
