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
/// fetched meanwhile, else at most one refetch of the keys and one retry. One instance per scheme; it takes every input
/// as an argument and keeps only the validation parameters it built last.
/// </summary>
internal sealed class CidaasIdTokenValidator
{
    private const string NotWellFormed = "it is not a well-formed JWT.";

    // The parameters of the current configuration, key set and settings, shared by all sign-ins (see GetParameters).
    private CidaasValidationParameters? _parameters;

    /// <summary>Validates <paramref name="idToken"/>; throws <see cref="CidaasProtocolException"/> (CIDAAS3002) naming the first check it fails.</summary>
    /// <param name="idToken">The id_token of the token response.</param>
    /// <param name="expectedNonce">
    /// The nonce of the authorization request; <see langword="null"/> when it sent none, or when the token answers a
    /// refresh (see <paramref name="fromRefresh"/>).
    /// </param>
    /// <param name="accessToken">The access token of the same response, for <c>at_hash</c>.</param>
    /// <param name="configuration">The issuer's discovery document (issuer, signing keys, <c>jwks_uri</c>).</param>
    /// <param name="settings">The scheme's client id, parameters template, token handler, key cache, clock and back channel.</param>
    /// <param name="cancellationToken">Stops waiting for a refetch of the keys.</param>
    /// <param name="fromRefresh">
    /// The token came with a refresh (OpenID Connect Core §12.2): no authorization request stands behind it, so its
    /// <c>nonce</c> is not compared. §12.2 asks the provider to leave the claim out, but providers that copy the sign-in's
    /// nonce into every later id_token exist, and the refresh answer comes straight from the token endpoint. Every other
    /// check is made.
    /// </param>
    /// <returns>The validated token.</returns>
    public async Task<JsonWebToken> ValidateAsync(
        string idToken,
        string? expectedNonce,
        string? accessToken,
        OpenIdConnectConfiguration configuration,
        CidaasIdTokenSettings settings,
        CancellationToken cancellationToken,
        bool fromRefresh = false)
    {
        if (IsHs256(idToken))
        {
            return await ValidateHs256Async(idToken, expectedNonce, fromRefresh, accessToken, configuration, settings);
        }

        var validation = await settings.SigningKeys.ValidateAsync(
            configuration,
            (Validator: this, Settings: settings, Configuration: configuration, IdToken: idToken),
            static (s, keys) => s.Settings.TokenHandler.ValidateTokenAsync(s.IdToken, s.Validator.GetParameters(s.Settings, s.Configuration, keys)),
            static (s, jwksUri, ct) => FetchKeysAsync(s.Settings, jwksUri, ct),
            settings.TimeProvider,
            settings.SigningKeyRefreshInterval,
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

        if (token.Alg.StartsWith("HS", StringComparison.OrdinalIgnoreCase))
        {
            // Never an HMAC keyed with anything from the issuer's key set (an 'oct' key, a public key's bytes).
            throw Invalid("it is signed with an algorithm that is not allowed.");
        }

        var parameters = GetParameters(settings, configuration, validation.Keys);
        CheckClaims(settings.ClientId, token, expectedNonce, fromRefresh, accessToken, parameters.ClockSkew, settings.TimeProvider);
        return token;
    }

    /// <summary>
    /// Whether the token's header names HS256 first, read from the header alone (on the stack), so that an RS256 sign-in
    /// pays no second parse. A header that cannot be read is left to the regular validation. Either reading of a header
    /// with two <c>alg</c> members fails closed: the path taken allows one algorithm, and the token handler checks it.
    /// </summary>
    internal static bool IsHs256(string idToken)
    {
        var dot = idToken.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot > 1024)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[Base64Url.GetMaxDecodedLength(dot)];
        try
        {
            // Invalid base64url throws (FormatException); a short destination cannot happen with the maximal length.
            if (!Base64Url.TryDecodeFromChars(idToken.AsSpan(0, dot), header, out var length))
            {
                return false;
            }

            var reader = new Utf8JsonReader(header[..length]);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAlgorithm = reader.ValueTextEquals("alg"u8);
                reader.Read();
                if (isAlgorithm)
                {
                    return reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("HS256"u8);
                }

                reader.Skip();
            }
        }
        catch (Exception exception) when (exception is JsonException or FormatException)
        {
        }

        return false;
    }

    /// <summary>
    /// An HS256 id_token (OpenID Connect Core §10.1): refused unless the scheme accepts them, then validated with the
    /// client secret's UTF-8 bytes as the only key, and the same claim checks as every id_token.
    /// </summary>
    private static async Task<JsonWebToken> ValidateHs256Async(
        string idToken, string? expectedNonce, bool fromRefresh, string? accessToken, OpenIdConnectConfiguration configuration, CidaasIdTokenSettings settings)
    {
        if (settings.Hs256Key is not { } key)
        {
            throw new CidaasProtocolException(CidaasErrors.IdTokenHs256Refused);
        }

        var parameters = CreateParameters(settings, configuration);
        KeyWithClientSecret(parameters, key);
        var result = await settings.TokenHandler.ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            throw new CidaasProtocolException(CidaasErrors.IdTokenInvalid(DescribeHs256(result.Exception)));
        }

        CheckClaims(settings.ClientId, token, expectedNonce, fromRefresh, accessToken, parameters.ClockSkew, settings.TimeProvider);
        return token;
    }

    /// <summary>Turns <paramref name="parameters"/> into those of an HS256 token: HS256 only, the client secret's key (<paramref name="key"/>) the only key.</summary>
    internal static void KeyWithClientSecret(TokenValidationParameters parameters, SecurityKey key)
    {
        parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        parameters.IssuerSigningKey = null;
        parameters.IssuerSigningKeys = [key];
        parameters.IssuerSigningKeyResolver = null;
        parameters.IssuerSigningKeyResolverUsingConfiguration = null;
        parameters.SignatureValidator = null;
        parameters.SignatureValidatorUsingConfiguration = null;
        parameters.ConfigurationManager = null;
    }

    /// <summary>Why an HS256 token failed its validation.</summary>
    internal static string DescribeHs256(Exception? exception)
        => exception is SecurityTokenSignatureKeyNotFoundException ? "its HS256 signature was not made with the client secret." : Describe(exception);

    /// <summary>
    /// The parameters for this configuration, key set and settings. They are built once and shared by the sign-ins that
    /// follow (the token handler only reads them): cloning the template for every sign-in cost more than all the id_token
    /// checks but the signature. A settings value that is replaced (another template, client id or clock) builds them anew.
    /// </summary>
    private TokenValidationParameters GetParameters(CidaasIdTokenSettings settings, OpenIdConnectConfiguration configuration, ICollection<SecurityKey> keys)
    {
        var cached = Volatile.Read(ref _parameters);
        if (cached is not null
            && ReferenceEquals(cached.Configuration, configuration)
            && ReferenceEquals(cached.Keys, keys)
            && ReferenceEquals(cached.Template, settings.Template)
            && ReferenceEquals(cached.TimeProvider, settings.TimeProvider)
            && string.Equals(cached.ClientId, settings.ClientId, StringComparison.Ordinal))
        {
            return cached.Parameters;
        }

        var parameters = CreateParameters(settings, configuration);
        parameters.IssuerSigningKeys = keys;
        Volatile.Write(ref _parameters, new CidaasValidationParameters(configuration, keys, settings.Template, settings.TimeProvider, settings.ClientId, parameters));
        return parameters;
    }

    /// <summary>
    /// The parameters of a token the issuer signed for this client as an id_token is: the settings' template with the
    /// package's rules, this issuer and this client alone as audience; the logout-token validation starts from them too.
    /// </summary>
    internal static TokenValidationParameters CreateParameters(CidaasIdTokenSettings settings, OpenIdConnectConfiguration configuration)
    {
        var parameters = settings.Template.Clone();
        CidaasTokenValidationRules.Require(parameters);
        parameters.ValidIssuer = configuration.Issuer;
        parameters.ValidIssuers = null;
        parameters.ValidAudience = settings.ClientId;
        parameters.ValidAudiences = null;
        parameters.ValidateIssuerSigningKey = true;
        parameters.RequireAudience = true;

        var timeProvider = settings.TimeProvider;
        if (!ReferenceEquals(timeProvider, TimeProvider.System))
        {
            // The settings' clock decides what "now" is, as for every other time check of the sign-in.
            parameters.LifetimeValidator = (notBefore, expires, _, p) =>
            {
                CidaasTokenLifetime.Validate(notBefore, expires, timeProvider.GetUtcNow().UtcDateTime, p.ClockSkew);
                return true;
            };
        }

        return parameters;
    }

    private static Task<ICollection<SecurityKey>> FetchKeysAsync(CidaasIdTokenSettings settings, string jwksUri, CancellationToken cancellationToken)
    {
        settings.Logger.RefetchingSigningKeys(jwksUri);
        return CidaasJwks.GetSigningKeysAsync(
            settings.Backchannel, jwksUri, settings.MaxResponseBytes, settings.BackchannelTimeout, CidaasErrors.IdTokenSigningKeysNotRefetched, cancellationToken);
    }

    private static void CheckClaims(string clientId, JsonWebToken token, string? expectedNonce, bool fromRefresh, string? accessToken, TimeSpan clockSkew, TimeProvider timeProvider)
    {
        // RFC 7515 §4.1.11: no header extension is understood here, so any 'crit' (even an empty one, which is invalid) rejects.
        if (token.TryGetHeaderValue<object>("crit", out _))
        {
            throw Invalid("its header lists critical extensions ('crit') that this client does not understand.");
        }

        // Back-Channel Logout 1.0 §2.4/§4: a logout token is never an id_token (its 'events' claim or its 'typ' tells).
        if (token.TryGetPayloadValue<object>("events", out _) || CidaasLogoutTokenValidator.IsLogoutType(token))
        {
            throw Invalid("it is a logout token (it has an 'events' claim or the type 'logout+jwt'), not an id_token.");
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

        if (authorizedParty is not null && !string.Equals(authorizedParty, clientId, StringComparison.Ordinal))
        {
            throw Invalid("its authorized party ('azp') is not this client.");
        }

        // OpenID Connect Core §3.1.3.7 step 3: an audience the client does not trust rejects the token, whatever 'azp' says.
        // The only audience trusted is the client itself: cidaas issues id_tokens for the client alone.
        foreach (var audience in token.Audiences)
        {
            if (!string.Equals(audience, clientId, StringComparison.Ordinal))
            {
                throw Invalid("it names an audience ('aud') other than this client, which this client does not trust.");
            }
        }

        token.TryGetPayloadValue<string>("nonce", out var nonce);
        if (!fromRefresh && (expectedNonce is not null || nonce is not null))
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
    internal static DateTimeOffset? ReadDates(JsonWebToken token) => ReadDates(token, Invalid);

    /// <summary>As <see cref="ReadDates(JsonWebToken)"/>, failing with the exceptions of <paramref name="invalid"/>.</summary>
    internal static DateTimeOffset? ReadDates(JsonWebToken token, Func<string, CidaasProtocolException> invalid)
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
                    throw invalid(NotWellFormed);
                }

                unusable = CidaasNumericDates.FindUnusable(buffer.AsSpan(0, length), out issuedAt);
            }
            catch (JsonException)
            {
                throw invalid(NotWellFormed);
            }

            return unusable is null
                ? issuedAt
                : throw invalid($"its '{unusable}' claim is not a date between the years 1 and 9999 (a JSON number of seconds, RFC 7519 NumericDate).");
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
    internal static string Describe(Exception? exception) => exception switch
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
