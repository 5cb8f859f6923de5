using System.Buffers;
using System.Buffers.Text;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Validates an id_token as OpenID Connect Core 1.0 §3.1.3.7 asks of a relying party: signature with an allowed
/// algorithm and a key of the issuer, no <c>crit</c> header, <c>iss</c>, <c>aud</c> (this client and no other
/// audience)/<c>azp</c>, <c>exp</c>/<c>iat</c> (and every date a usable NumericDate), <c>nonce</c>, <c>sub</c> and
/// <c>at_hash</c>. A key id unknown to the cache is handled by <see cref="CidaasSigningKeyCache"/>: a retry with keys
/// fetched meanwhile, else at most one refetch of the keys and one retry.
/// </summary>
internal static class CidaasIdTokenValidator
{
    private const string NotWellFormed = "it is not a well-formed JWT.";

    public static async Task<JsonWebToken> ValidateAsync(
        CidaasOptions options,
        OpenIdConnectConfiguration configuration,
        string idToken,
        string? expectedNonce,
        string? accessToken,
        Func<string, CancellationToken, Task<ICollection<SecurityKey>>> fetchKeys,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var validation = await options.SigningKeyCache.ValidateAsync(
            configuration,
            (Options: options, Configuration: configuration, IdToken: idToken, TimeProvider: timeProvider, FetchKeys: fetchKeys),
            static (s, keys) => s.Options.TokenHandler.ValidateTokenAsync(s.IdToken, GetParameters(s.Options, s.Configuration, keys, s.TimeProvider)),
            static (s, jwksUri, ct) => s.FetchKeys(jwksUri, ct),
            timeProvider,
            options.SigningKeyRefreshInterval,
            cancellationToken);
        if (validation.FetchFailure is { } fetchFailure)
        {
            ExceptionDispatchInfo.Throw(fetchFailure);
        }

        var result = validation.Result;
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            throw new CidaasProtocolException(CidaasErrors.IdTokenInvalid(Describe(result.Exception)));
        }

        var parameters = GetParameters(options, configuration, validation.Keys, timeProvider);
        CheckClaims(options, token, expectedNonce, accessToken, parameters.ClockSkew, timeProvider);
        return token;
    }

    /// <summary>
    /// The parameters for this configuration and key set. They are built once and shared by the sign-ins that follow
    /// (the token handler only reads them): cloning <see cref="CidaasOptions.TokenValidationParameters"/> for every
    /// sign-in cost more than all the id_token checks but the signature.
    /// </summary>
    private static TokenValidationParameters GetParameters(CidaasOptions options, OpenIdConnectConfiguration configuration, ICollection<SecurityKey> keys, TimeProvider timeProvider)
    {
        var cached = Volatile.Read(ref options.ValidationParameters);
        if (cached is not null
            && ReferenceEquals(cached.Configuration, configuration)
            && ReferenceEquals(cached.Keys, keys)
            && ReferenceEquals(cached.Template, options.TokenValidationParameters)
            && ReferenceEquals(cached.TimeProvider, timeProvider)
            && string.Equals(cached.ClientId, options.ClientId, StringComparison.Ordinal))
        {
            return cached.Parameters;
        }

        var parameters = CreateParameters(options, configuration, timeProvider);
        parameters.IssuerSigningKeys = keys;
        Volatile.Write(ref options.ValidationParameters, new CidaasValidationParameters(configuration, keys, options.TokenValidationParameters, timeProvider, options.ClientId, parameters));
        return parameters;
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

                // The skew moves "now", never the token's dates: IdentityModel passes DateTime.MinValue for a missing
                // 'nbf' (also when it checks the lifetime after a failed key lookup), and that must not overflow.
                if (DateTimeUtil.Add(now, p.ClockSkew.Negate()) > expires.Value)
                {
                    throw new SecurityTokenExpiredException();
                }

                if (notBefore is not null && DateTimeUtil.Add(now, p.ClockSkew) < notBefore.Value)
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
        // RFC 7515 §4.1.11: no header extension is understood here, so any 'crit' (even an empty one, which is invalid) rejects.
        if (token.TryGetHeaderValue<object>("crit", out _))
        {
            throw Invalid("its header lists critical extensions ('crit') that this client does not understand.");
        }

        var issuedAt = ReadDates(token) ?? throw Invalid("it has no 'iat' claim.");
        if (issuedAt > timeProvider.GetUtcNow() + clockSkew)
        {
            throw Invalid("its 'iat' claim lies in the future.");
        }

        if (!token.TryGetPayloadValue<string>("sub", out var subject) || string.IsNullOrEmpty(subject))
        {
            throw Invalid("it has no 'sub' claim.");
        }

        token.TryGetPayloadValue<string>("azp", out var authorizedParty);
        if (authorizedParty is null && token.Audiences.Skip(1).Any())
        {
            throw Invalid("it names several audiences but no authorized party ('azp'); the extra audiences are not trusted.");
        }

        if (authorizedParty is not null && !string.Equals(authorizedParty, options.ClientId, StringComparison.Ordinal))
        {
            throw Invalid("its authorized party ('azp') is not this client.");
        }

        // OpenID Connect Core §3.1.3.7 step 3: an audience the client does not trust rejects the token, whatever 'azp' says.
        // The only audience trusted is the client itself: cidaas issues id_tokens for the client alone.
        foreach (var audience in token.Audiences)
        {
            if (!string.Equals(audience, options.ClientId, StringComparison.Ordinal))
            {
                throw Invalid("it names an audience ('aud') other than this client, which this client does not trust.");
            }
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
            && !MatchesTokenHash(accessTokenHash, accessToken, token.Alg))
        {
            throw Invalid("its 'at_hash' claim does not match the access token.");
        }
    }

    /// <summary>
    /// The token's <c>iat</c>, after checking that <c>exp</c>, <c>iat</c>, <c>nbf</c> and <c>auth_time</c> are usable dates
    /// (<see cref="CidaasNumericDates"/>): IdentityModel has read the payload already, but accepts a string or a clamped date.
    /// </summary>
    private static DateTimeOffset? ReadDates(JsonWebToken token)
    {
        var encoded = token.EncodedPayload;
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            string? unusable;
            DateTimeOffset? issuedAt;
            try
            {
                if (!Base64Url.TryDecodeFromChars(encoded, buffer, out var length))
                {
                    throw Invalid(NotWellFormed);
                }

                unusable = CidaasNumericDates.FindUnusable(buffer.AsSpan(0, length), out issuedAt);
            }
            catch (JsonException)
            {
                throw Invalid(NotWellFormed);
            }

            return unusable is null
                ? issuedAt
                : throw Invalid($"its '{unusable}' claim is not a date between the years 1 and 9999 (a JSON number of seconds, RFC 7519 NumericDate).");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Whether <paramref name="expected"/> is the left half of the hash of the token's ASCII bytes, base64url
    /// (OpenID Connect Core §3.1.3.6). Computed on the stack (or a pooled buffer for long tokens).
    /// </summary>
    internal static bool MatchesTokenHash(string expected, string token, string algorithm)
    {
        byte[]? rented = null;
        var ascii = token.Length <= 1024 ? stackalloc byte[token.Length] : (rented = ArrayPool<byte>.Shared.Rent(token.Length)).AsSpan(0, token.Length);
        try
        {
            Encoding.ASCII.GetBytes(token, ascii);
            Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
            var length = algorithm switch
            {
                "RS384" or "PS384" or "ES384" => SHA384.HashData(ascii, hash),
                "RS512" or "PS512" or "ES512" => SHA512.HashData(ascii, hash),
                _ => SHA256.HashData(ascii, hash),
            };
            Span<char> encoded = stackalloc char[Base64Url.GetEncodedLength(SHA512.HashSizeInBytes / 2)];
            var written = Base64Url.EncodeToChars(hash[..(length / 2)], encoded);
            return FixedTimeEquals(expected, encoded[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // Compares the UTF-16 code units: equal strings, and only those, have equal bytes; no copies are made.
    private static bool FixedTimeEquals(string a, ReadOnlySpan<char> b)
        => CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(a.AsSpan()), MemoryMarshal.AsBytes(b));

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
        SecurityTokenMalformedException or ArgumentException => NotWellFormed,
        null => "it could not be validated.",
        _ => $"it failed validation ({exception.GetType().Name}).",
    };
}
