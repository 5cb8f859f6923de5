using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>What a scheme validates its id_tokens with (<see cref="CidaasIdTokenValidator"/>).</summary>
/// <param name="ClientId">The client: the one trusted audience and authorized party.</param>
/// <param name="Template">The configured parameters (algorithms, clock skew, …); the validator pins issuer, audience and keys on a copy.</param>
/// <param name="TokenHandler">Reads and validates the JWT.</param>
/// <param name="SigningKeys">The scheme's signing-key cache.</param>
/// <param name="SigningKeyRefreshInterval">The least time between two refetches of the keys.</param>
/// <param name="TimeProvider">The clock of every time check.</param>
/// <param name="Backchannel">The back channel a refetch of the keys goes through.</param>
/// <param name="MaxResponseBytes">The largest key set read.</param>
/// <param name="BackchannelTimeout">Covers a refetch.</param>
/// <param name="Logger">Logs a refetch.</param>
/// <param name="Hs256Key">
/// The client secret's key when HS256 id_tokens are accepted (<c>AcceptHs256IdTokens</c>); <see langword="null"/>, the
/// default, refuses them. A key, not the secret: this record's <c>ToString</c> must not print it.
/// </param>
internal readonly record struct CidaasIdTokenSettings(
    string ClientId,
    TokenValidationParameters Template,
    JsonWebTokenHandler TokenHandler,
    CidaasSigningKeyCache SigningKeys,
    TimeSpan SigningKeyRefreshInterval,
    TimeProvider TimeProvider,
    HttpClient Backchannel,
    int MaxResponseBytes,
    TimeSpan BackchannelTimeout,
    ILogger Logger,
    SecurityKey? Hs256Key = null);
