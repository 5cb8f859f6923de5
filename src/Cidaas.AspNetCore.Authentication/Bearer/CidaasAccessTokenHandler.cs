using System.Buffers;
using System.Buffers.Text;
using System.Security.Claims;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// The token handler the JwtBearer pipeline calls for a cidaas scheme. Around the standard JWT validation it pins the
/// issuer and the keys to the cidaas discovery document (checked against the Authority), retries in the same request
/// with newer keys when a token names an unknown <c>kid</c> (through the scheme's <see cref="CidaasSigningKeyCache"/>:
/// keys fetched meanwhile, else one single-flight, throttled refetch), and builds the claims the cidaas way.
/// </summary>
internal sealed class CidaasAccessTokenHandler : JsonWebTokenHandler
{
    private readonly CidaasBearerOptions _options;

    public CidaasAccessTokenHandler(CidaasBearerOptions options)
    {
        _options = options;
        MapInboundClaims = false;
    }

    /// <remarks>
    /// The parameters are the per-request clone JwtBearerHandler makes; the issuer and keys are set on it directly so
    /// that a validation costs no second clone.
    /// </remarks>
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        var logger = _options.Logger;
        var manager = _options.ConfigurationManager;
        if (manager is null)
        {
            return Failed(CidaasBearerErrors.Invalid(CidaasBearerErrors.ConfigurationMissing, "The token cannot be validated now"));
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await manager.GetConfigurationAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException or OperationCanceledException or ArgumentException)
        {
            logger.BearerConfigurationUnavailable(_options.MetadataAddress, ex);
            return Failed(CidaasBearerErrors.Invalid(CidaasBearerErrors.ConfigurationUnavailable(_options.MetadataAddress), "The token cannot be validated now", ex));
        }

        if (!IssuerIsAuthority(configuration.Issuer))
        {
            var message = CidaasBearerErrors.ConfigurationIssuerMismatch(configuration.Issuer, _options.Authority);
            logger.BearerConfigurationIssuerMismatch(message);
            return Failed(CidaasBearerErrors.Invalid(message, "The token cannot be validated now"));
        }

        // Only the cidaas issuer and its keys: nothing in the per-request parameters can widen them.
        validationParameters.ConfigurationManager = null;
        validationParameters.ValidIssuer = configuration.Issuer;
        validationParameters.ValidIssuers = null;
        var validation = await _options.SigningKeyCache.ValidateAsync(
            configuration,
            (Handler: this, Token: token, Parameters: validationParameters),
            static (s, keys) => s.Handler.ValidateWithKeysAsync(s.Token, s.Parameters, keys),
            static (s, jwksUri, ct) => s.Handler.FetchSigningKeysAsync(jwksUri, ct),
            _options.TimeProvider ?? TimeProvider.System,
            _options.SigningKeyRefreshInterval,
            CancellationToken.None);
        if (validation.FetchFailure is { } fetchFailure)
        {
            logger.BearerSigningKeysUnavailable(fetchFailure.Message);
        }

        return validation.Result;
    }

    protected override ClaimsIdentity CreateClaimsIdentity(JsonWebToken jwtToken, TokenValidationParameters validationParameters)
        => CreateClaimsIdentity(jwtToken, validationParameters, jwtToken?.Issuer!);

    protected override ClaimsIdentity CreateClaimsIdentity(JsonWebToken jwtToken, TokenValidationParameters validationParameters, string issuer)
    {
        ArgumentNullException.ThrowIfNull(jwtToken);
        ArgumentNullException.ThrowIfNull(validationParameters);
        issuer = string.IsNullOrEmpty(issuer) ? jwtToken.Issuer : issuer;
        var nameType = validationParameters.NameClaimType ?? ClaimsIdentity.DefaultNameClaimType;
        var roleType = validationParameters.RoleClaimType ?? ClaimsIdentity.DefaultRoleClaimType;

        // The payload was validated already; it is read once more as UTF-8 JSON, in a pooled buffer.
        var encoded = jwtToken.EncodedPayload;
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (!Base64Url.TryDecodeFromChars(encoded, buffer, out var length))
            {
                throw new SecurityTokenMalformedException("The payload of the access token is not base64url.");
            }

            return CidaasBearerClaims.CreateIdentity(buffer.AsSpan(0, length), validationParameters.AuthenticationType, nameType, roleType, issuer, jwtToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool IssuerIsAuthority(string? issuer)
        => issuer is not null
           && (_options.Authority is null
               || string.Equals(CidaasUrls.TrimTrailingSlash(issuer), _options.Authority, StringComparison.Ordinal));

    private Task<TokenValidationResult> ValidateWithKeysAsync(string token, TokenValidationParameters validationParameters, ICollection<SecurityKey> keys)
    {
        validationParameters.IssuerSigningKeys = keys;
        return base.ValidateTokenAsync(token, validationParameters);
    }

    private Task<ICollection<SecurityKey>> FetchSigningKeysAsync(string jwksUri, CancellationToken cancellationToken)
    {
        _options.Logger.BearerRefetchingSigningKeys(jwksUri);
        return CidaasJwks.GetSigningKeysAsync(
            _options.Backchannel, jwksUri, _options.MaxBackchannelResponseSize, _options.BackchannelTimeout, CidaasBearerErrors.SigningKeysNotRefetched, cancellationToken);
    }

    private static TokenValidationResult Failed(Exception exception) => new() { IsValid = false, Exception = exception };
}
