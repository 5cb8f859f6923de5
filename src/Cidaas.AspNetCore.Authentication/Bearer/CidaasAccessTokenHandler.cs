using System.Buffers;
using System.Buffers.Text;
using System.Security.Claims;
using System.Text;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// The token handler the JwtBearer pipeline calls for a cidaas scheme. Around the standard JWT validation it pins the
/// issuer and the keys to the cidaas discovery document (checked against the Authority), refetches the key set once
/// (single flight, throttled) when a token names an unknown <c>kid</c> and retries in the same request, and builds the
/// claims the cidaas way.
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
        validationParameters.IssuerSigningKeys = _options.SigningKeyCache.GetKeys(configuration);

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid || result.Exception is not SecurityTokenSignatureKeyNotFoundException || configuration.JwksUri is null)
        {
            return result;
        }

        ICollection<SecurityKey>? refreshed;
        try
        {
            refreshed = await _options.SigningKeyCache.RefreshAsync(
                configuration, FetchSigningKeysAsync, _options.TimeProvider ?? TimeProvider.System, _options.SigningKeyRefreshInterval, CancellationToken.None);
        }
        catch (CidaasProtocolException ex)
        {
            logger.BearerSigningKeysUnavailable(ex.Message);
            return result;
        }

        if (refreshed is null)
        {
            return result;
        }

        validationParameters.IssuerSigningKeys = refreshed;
        return await base.ValidateTokenAsync(token, validationParameters);
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

            return CidaasBearerClaims.CreateIdentity(buffer.AsSpan(0, length), validationParameters.AuthenticationType, nameType, roleType, issuer, jwtToken);
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

    private async Task<ICollection<SecurityKey>> FetchSigningKeysAsync(CancellationToken cancellationToken)
    {
        var configuration = await _options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        _options.Logger.BearerRefetchingSigningKeys(configuration.JwksUri);
        using var request = new HttpRequestMessage(HttpMethod.Get, configuration.JwksUri);
        var response = await CidaasBackchannel.SendAsync(
            _options.Backchannel, request, _options.MaxBackchannelResponseSize, _options.BackchannelTimeout, "JWKS endpoint", cancellationToken);
        if (!response.IsSuccess)
        {
            throw new CidaasProtocolException(CidaasBearerErrors.SigningKeysUnavailable(
                "the JWKS endpoint answered with HTTP " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + "."));
        }

        try
        {
            return new JsonWebKeySet(Encoding.UTF8.GetString(response.Body.Span)).GetSigningKeys();
        }
        catch (ArgumentException ex)
        {
            throw new CidaasProtocolException(CidaasBearerErrors.SigningKeysUnavailable("the key set is not valid JSON."), ex);
        }
    }

    private static TokenValidationResult Failed(Exception exception) => new() { IsValid = false, Exception = exception };
}
