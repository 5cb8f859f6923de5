using System.Buffers;
using System.Buffers.Text;
using System.Security.Claims;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Bearer;

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

    /// <summary>
    /// Validates the token as a JWT signed by cidaas, then as an access token: its header (<see cref="CidaasAccessTokenHeader"/>)
    /// and its members (<see cref="CidaasBearerClaims"/>), whose one reading also builds the identity.
    /// </summary>
    public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        // The validation nearly always completes at once: then an accepted token costs no second task.
        var validation = ValidateSignedTokenAsync(token, validationParameters);
        if (!validation.IsCompletedSuccessfully)
        {
            return CheckAccessTokenAsync(validation, validationParameters);
        }

        var result = validation.Result;
        var checkedResult = result.IsValid ? CheckAccessToken(result, validationParameters) : result;
        return ReferenceEquals(checkedResult, result) ? validation : Task.FromResult(checkedResult);
    }

    /// <remarks>
    /// The parameters are the per-request clone JwtBearerHandler makes; the issuer and keys are set on it directly so
    /// that a validation costs no second clone.
    /// </remarks>
    private async Task<TokenValidationResult> ValidateSignedTokenAsync(string token, TokenValidationParameters validationParameters)
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
            if (CidaasConfigurationRetriever.FindRefusal(ex) is { } refusal)
            {
                logger.BearerConfigurationIssuerMismatch(refusal.Message);
                return Failed(CidaasBearerErrors.Invalid(refusal.Message, "The token cannot be validated now"));
            }

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

        // The payload was validated already; it is read once more as UTF-8 JSON, in a pooled buffer. It is taken from the
        // token's text: JsonWebToken.EncodedPayload would copy it into a string first.
        var encoded = Part(jwtToken.InnerToken ?? jwtToken, 1);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (!Base64Url.TryDecodeFromChars(encoded, buffer, out var length))
            {
                throw new SecurityTokenMalformedException("The payload of the access token is not base64url.");
            }

            return CidaasBearerClaims.CreateIdentity(buffer.AsSpan(0, length), validationParameters.AuthenticationType, nameType, roleType, issuer, _options.AllowAnonymousSubject, jwtToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<TokenValidationResult> CheckAccessTokenAsync(Task<TokenValidationResult> validation, TokenValidationParameters validationParameters)
    {
        var result = await validation;
        return result.IsValid ? CheckAccessToken(result, validationParameters) : result;
    }

    /// <summary>
    /// Refuses a validly signed token that is no access token or whose JSON is ambiguous, and otherwise sets the
    /// identity at once, so that a refusal is a failed result here and never an exception when the identity is read.
    /// </summary>
    private TokenValidationResult CheckAccessToken(TokenValidationResult result, TokenValidationParameters validationParameters)
    {
        if (result.SecurityToken is not JsonWebToken token)
        {
            return Failed(new SecurityTokenMalformedException("The access token is not a JSON web token."));
        }

        try
        {
            // A nested token (JWE) is judged by both headers and by the signed payload inside.
            var signed = token.InnerToken ?? token;
            CidaasAccessTokenHeader.Check(Part(signed, 0));
            if (!ReferenceEquals(signed, token))
            {
                CidaasAccessTokenHeader.Check(Part(token, 0));
            }

            result.ClaimsIdentity = CreateClaimsIdentity(signed, validationParameters, result.Issuer);
            return result;
        }
        catch (Exception ex) when (ex is CidaasProtocolException or SecurityTokenMalformedException or System.Text.Json.JsonException)
        {
            return Failed(ex);
        }
    }

    /// <summary>The base64url text of the header (0) or the payload (1) of a token in compact form, without a copy.</summary>
    private static ReadOnlySpan<char> Part(JsonWebToken token, int index)
    {
        var text = token.EncodedToken.AsSpan();
        var header = text.IndexOf('.');
        if (index == 0 || header < 0)
        {
            return header < 0 ? text : text[..header];
        }

        var rest = text[(header + 1)..];
        var end = rest.IndexOf('.');
        return end < 0 ? rest : rest[..end];
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
