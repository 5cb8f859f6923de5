using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Validates an id_token as OpenID Connect Core 1.0 §3.1.3.7 asks of a relying party: signature with an allowed
/// algorithm and a key of the issuer, <c>iss</c>, <c>aud</c>/<c>azp</c>, <c>exp</c>/<c>iat</c>, <c>nonce</c>,
/// <c>sub</c> and <c>at_hash</c>. A key id unknown to the cache causes one refetch of the keys and one retry.
/// </summary>
internal static class CidaasIdTokenValidator
{
    public static async Task<JsonWebToken> ValidateAsync(
        CidaasOptions options,
        OpenIdConnectConfiguration configuration,
        string idToken,
        string? expectedNonce,
        string? accessToken,
        Func<CancellationToken, Task<ICollection<SecurityKey>>> fetchKeys,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var parameters = CreateParameters(options, configuration, timeProvider);
        parameters.IssuerSigningKeys = options.SigningKeyCache.GetKeys(configuration);

        var result = await options.TokenHandler.ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException && configuration.JwksUri is not null)
        {
            var refreshed = await options.SigningKeyCache.RefreshAsync(configuration, fetchKeys, timeProvider, options.SigningKeyRefreshInterval, cancellationToken);
            if (refreshed is not null)
            {
                parameters.IssuerSigningKeys = refreshed;
                result = await options.TokenHandler.ValidateTokenAsync(idToken, parameters);
            }
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            throw new CidaasProtocolException(CidaasErrors.IdTokenInvalid(Describe(result.Exception)));
        }

        CheckClaims(options, token, expectedNonce, accessToken, parameters.ClockSkew, timeProvider);
        return token;
    }

    private static TokenValidationParameters CreateParameters(CidaasOptions options, OpenIdConnectConfiguration configuration, TimeProvider timeProvider)
    {
        var parameters = options.TokenValidationParameters.Clone();
        parameters.ValidateIssuer = true;
        parameters.ValidIssuer = configuration.Issuer;
        parameters.ValidIssuers = null;
        parameters.ValidateAudience = true;
        parameters.ValidAudience = options.ClientId;
        parameters.ValidAudiences = null;
        parameters.ValidateLifetime = true;
        parameters.RequireExpirationTime = true;
        parameters.RequireSignedTokens = true;
        parameters.ValidateIssuerSigningKey = true;
        parameters.TryAllIssuerSigningKeys = true;
        parameters.RequireAudience = true;
        if (parameters.ValidAlgorithms is null || !parameters.ValidAlgorithms.Any())
        {
            parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        }

        if (!ReferenceEquals(timeProvider, TimeProvider.System))
        {
            // The options' TimeProvider decides what "now" is, as for every other time check of the handler.
            parameters.LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = timeProvider.GetUtcNow().UtcDateTime;
                if (expires is null)
                {
                    throw new SecurityTokenNoExpirationException();
                }

                if (now > expires.Value.Add(p.ClockSkew))
                {
                    throw new SecurityTokenExpiredException();
                }

                if (notBefore is not null && now < notBefore.Value.Subtract(p.ClockSkew))
                {
                    throw new SecurityTokenNotYetValidException();
                }

                return true;
            };
        }

        return parameters;
    }

    private static void CheckClaims(CidaasOptions options, JsonWebToken token, string? expectedNonce, string? accessToken, TimeSpan clockSkew, TimeProvider timeProvider)
    {
        if (!token.TryGetPayloadValue<long>("iat", out var issuedAt))
        {
            throw Invalid("it has no 'iat' claim.");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(issuedAt) > timeProvider.GetUtcNow() + clockSkew)
        {
            throw Invalid("its 'iat' claim lies in the future.");
        }

        if (!token.TryGetPayloadValue<string>("sub", out var subject) || string.IsNullOrEmpty(subject))
        {
            throw Invalid("it has no 'sub' claim.");
        }

        var audiences = token.Audiences.ToList();
        token.TryGetPayloadValue<string>("azp", out var authorizedParty);
        if (audiences.Count > 1 && authorizedParty is null)
        {
            throw Invalid("it names several audiences but no authorized party ('azp'); the extra audiences are not trusted.");
        }

        if (authorizedParty is not null && !string.Equals(authorizedParty, options.ClientId, StringComparison.Ordinal))
        {
            throw Invalid("its authorized party ('azp') is not this client.");
        }

        token.TryGetPayloadValue<string>("nonce", out var nonce);
        if (expectedNonce is not null || nonce is not null)
        {
            if (nonce is null)
            {
                throw Invalid("it has no 'nonce' claim.");
            }

            if (expectedNonce is null || !FixedTimeEquals(nonce, expectedNonce))
            {
                throw Invalid("its 'nonce' claim is not the nonce of this sign-in (possible replay).");
            }
        }

        if (token.TryGetPayloadValue<string>("at_hash", out var accessTokenHash) && accessToken is not null
            && !FixedTimeEquals(accessTokenHash, ComputeTokenHash(accessToken, token.Alg)))
        {
            throw Invalid("its 'at_hash' claim does not match the access token.");
        }
    }

    /// <summary>The left half of the hash of the token's ASCII bytes, base64url (OpenID Connect Core §3.1.3.6).</summary>
    internal static string ComputeTokenHash(string token, string algorithm)
    {
        var bytes = Encoding.ASCII.GetBytes(token);
        var hash = algorithm switch
        {
            "RS384" or "PS384" or "ES384" => SHA384.HashData(bytes),
            "RS512" or "PS512" or "ES512" => SHA512.HashData(bytes),
            _ => SHA256.HashData(bytes),
        };
        return WebEncoders.Base64UrlEncode(hash, 0, hash.Length / 2);
    }

    private static bool FixedTimeEquals(string a, string b)
        => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static CidaasProtocolException Invalid(string reason) => new(CidaasErrors.IdTokenInvalid(reason));

    // IdentityModel's own messages are not passed on: with PII logging turned on they can quote the token.
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenSignatureKeyNotFoundException => "it is signed with a key that is not in the issuer's key set (even after refetching it).",
        SecurityTokenInvalidAlgorithmException => "it is signed with an algorithm that is not allowed.",
        SecurityTokenInvalidSignatureException => "its signature is not valid.",
        SecurityTokenInvalidIssuerException => "its issuer ('iss') is not the cidaas issuer.",
        SecurityTokenInvalidAudienceException => "its audience ('aud') does not contain this client.",
        SecurityTokenExpiredException => "it has expired ('exp').",
        SecurityTokenNotYetValidException => "it is not valid yet ('nbf').",
        SecurityTokenNoExpirationException => "it has no 'exp' claim.",
        SecurityTokenInvalidLifetimeException => "its lifetime ('exp'/'nbf') is not valid.",
        SecurityTokenMalformedException or ArgumentException => "it is not a well-formed JWT.",
        null => "it could not be validated.",
        _ => $"it failed validation ({exception.GetType().Name}).",
    };
}
