using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Validates a logout token as OpenID Connect Back-Channel Logout 1.0 §2.6 asks of a relying party: it is validated as
/// an id_token is (signature with an allowed algorithm and a key of the issuer, through the scheme's
/// <see cref="CidaasSigningKeyCache"/> and its single-flight refetch for an unknown key id; no <c>crit</c> header;
/// <c>iss</c>; <c>aud</c> this client alone; <c>iat</c> required, not in the future and not older than the maximum age;
/// <c>exp</c> when present), it has <c>sub</c> or <c>sid</c>, its <c>events</c> claim holds the back-channel logout
/// event with an object value, it has no <c>nonce</c>, and its <c>typ</c> header, when present, is <c>logout+jwt</c>.
/// An HS256 logout token is accepted only where HS256 id_tokens are, keyed with the client secret.
/// Encrypted logout tokens are refused (cidaas signs them). The replay check (<c>jti</c>) belongs to the caller, which
/// holds the cache.
/// </summary>
internal static class CidaasLogoutTokenValidator
{
    /// <summary>The event a logout token must carry (§2.4).</summary>
    public const string BackchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    private const string NotWellFormed = "it is not a well-formed JWT.";

    /// <summary>Whether the token's <c>typ</c> header names a logout token (<c>logout+jwt</c>, with or without <c>application/</c>).</summary>
    public static bool IsLogoutType(JsonWebToken token)
        => token.TryGetHeaderValue<string>("typ", out var type) && type is not null
        && (string.Equals(type, "logout+jwt", StringComparison.OrdinalIgnoreCase)
            || string.Equals(type, "application/logout+jwt", StringComparison.OrdinalIgnoreCase));

    /// <summary>Validates <paramref name="logoutToken"/>; throws <see cref="CidaasProtocolException"/> (CIDAAS6002) naming the first check it fails.</summary>
    /// <param name="logoutToken">The <c>logout_token</c> parameter.</param>
    /// <param name="configuration">The issuer's discovery document (issuer, signing keys, <c>jwks_uri</c>).</param>
    /// <param name="settings">The scheme's client id, parameters template, token handler, key cache, clock and back channel.</param>
    /// <param name="maxAge">The oldest <c>iat</c> accepted, before the clock skew.</param>
    /// <param name="cancellationToken">Stops waiting for a refetch of the keys.</param>
    /// <returns>What the token says.</returns>
    public static async Task<CidaasLogoutToken> ValidateAsync(
        string logoutToken,
        OpenIdConnectConfiguration configuration,
        CidaasIdTokenSettings settings,
        TimeSpan maxAge,
        CancellationToken cancellationToken)
    {
        if (!settings.TokenHandler.CanReadToken(logoutToken))
        {
            throw Invalid(NotWellFormed);
        }

        var parameters = CreateParameters(settings, configuration);
        if (CidaasIdTokenValidator.IsHs256(logoutToken))
        {
            return await ValidateHs256Async(logoutToken, parameters, settings, maxAge);
        }

        var validation = await settings.SigningKeys.ValidateAsync(
            configuration,
            (Settings: settings, Parameters: parameters, Token: logoutToken),
            static (s, keys) =>
            {
                var withKeys = s.Parameters.Clone();
                withKeys.IssuerSigningKeys = keys;
                return s.Settings.TokenHandler.ValidateTokenAsync(s.Token, withKeys);
            },
            static (s, jwksUri, ct) =>
            {
                s.Settings.Logger.RefetchingSigningKeys(jwksUri);
                return CidaasJwks.GetSigningKeysAsync(
                    s.Settings.Backchannel, jwksUri, s.Settings.MaxResponseBytes, s.Settings.BackchannelTimeout, SigningKeysNotRefetched, ct);
            },
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
            throw Invalid(CidaasIdTokenValidator.Describe(result.Exception));
        }

        return CheckClaims(settings.ClientId, token, parameters.ClockSkew, maxAge, settings.TimeProvider.GetUtcNow());
    }

    /// <summary>
    /// An HS256 logout token: validated as an HS256 id_token is (§2.6), so refused unless the scheme accepts HS256
    /// id_tokens (<see cref="CidaasOptions.AcceptHs256IdTokens"/>), then checked with the client secret as the only key.
    /// </summary>
    private static async Task<CidaasLogoutToken> ValidateHs256Async(string logoutToken, TokenValidationParameters parameters, CidaasIdTokenSettings settings, TimeSpan maxAge)
    {
        if (settings.Hs256Key is not { } key)
        {
            throw Invalid("it is signed with HS256 (keyed with the client secret), which this application accepts only with the 'AcceptHs256IdTokens' option, as it does for id_tokens.");
        }

        CidaasIdTokenValidator.KeyWithClientSecret(parameters, key);
        var result = await settings.TokenHandler.ValidateTokenAsync(logoutToken, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            throw Invalid(CidaasIdTokenValidator.DescribeHs256(result.Exception));
        }

        return CheckClaims(settings.ClientId, token, parameters.ClockSkew, maxAge, settings.TimeProvider.GetUtcNow());
    }

    private static TokenValidationParameters CreateParameters(CidaasIdTokenSettings settings, OpenIdConnectConfiguration configuration)
    {
        var parameters = CidaasIdTokenValidator.CreateParameters(settings, configuration);

        // §2.4 lists 'exp' among the claims, but the OpenID Foundation's own 1.0 text and cidaas's tokens leave room for
        // a token without it: the bounded age of 'iat' (CheckClaims) limits such a token instead.
        parameters.RequireExpirationTime = false;
        var timeProvider = settings.TimeProvider;
        parameters.LifetimeValidator = (notBefore, expires, _, p) =>
        {
            CidaasTokenLifetime.Validate(notBefore, expires, timeProvider.GetUtcNow().UtcDateTime, p.ClockSkew, expiryRequired: false);
            return true;
        };
        return parameters;
    }

    private static CidaasLogoutToken CheckClaims(string clientId, JsonWebToken token, TimeSpan clockSkew, TimeSpan maxAge, DateTimeOffset now)
    {
        // RFC 7515 §4.1.11: no header extension is understood here.
        if (token.TryGetHeaderValue<object>("crit", out _))
        {
            throw Invalid("its header lists critical extensions ('crit') that this client does not understand.");
        }

        // §2.4: logout tokens SHOULD be typed 'logout+jwt'; cidaas may leave 'typ' out. Any other type (an id_token's or
        // an access token's 'JWT', 'at+jwt', …) is a token of another kind.
        if (token.TryGetHeaderValue<object>("typ", out _) && !IsLogoutType(token))
        {
            throw Invalid("its type ('typ') is not 'logout+jwt'.");
        }

        foreach (var audience in token.Audiences)
        {
            if (!string.Equals(audience, clientId, StringComparison.Ordinal))
            {
                throw Invalid("it names an audience ('aud') other than this client, which this client does not trust.");
            }
        }

        var issuedAt = CidaasIdTokenValidator.ReadDates(token, Invalid) ?? throw Invalid("it has no 'iat' claim.");
        if (issuedAt > now + clockSkew)
        {
            throw Invalid("its 'iat' claim lies in the future.");
        }

        if (issuedAt < now - maxAge - clockSkew)
        {
            throw Invalid("it is too old: its 'iat' lies further back than the maximum age of a logout token.");
        }

        // §2.6 step 6: a nonce is forbidden, so that an id_token cannot pass for a logout token.
        if (token.TryGetPayloadValue<object>("nonce", out _))
        {
            throw Invalid("it has a 'nonce' claim, which a logout token must not have.");
        }

        CheckEvents(token);

        var subject = ReadString(token, "sub");
        var sessionId = ReadString(token, "sid");
        if (subject is null && sessionId is null)
        {
            throw Invalid("it has neither a 'sub' nor a 'sid' claim.");
        }

        var tokenId = ReadString(token, "jti");
        var limit = issuedAt + maxAge;
        if (token.TryGetPayloadValue<object>("exp", out _) && token.ValidTo != DateTime.MinValue)
        {
            var expires = new DateTimeOffset(token.ValidTo, TimeSpan.Zero);
            limit = expires < limit ? expires : limit;
        }

        return new CidaasLogoutToken(subject, sessionId, tokenId, issuedAt, limit + clockSkew);
    }

    private static void CheckEvents(JsonWebToken token)
    {
        if (!token.TryGetPayloadValue<JsonElement>("events", out var events) || events.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("it has no 'events' claim (a JSON object).");
        }

        if (!events.TryGetProperty(BackchannelLogoutEvent, out var logoutEvent) || logoutEvent.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"its 'events' claim has no '{BackchannelLogoutEvent}' member with an object value.");
        }
    }

    // A claim that is present but not a non-empty string (a number, an array, "") is refused: it identifies nothing.
    private static string? ReadString(JsonWebToken token, string name)
    {
        if (!token.TryGetPayloadValue<object>(name, out var value) || value is null)
        {
            return null;
        }

        return value is string text && text.Length > 0 ? text : throw Invalid($"its '{name}' claim is not a non-empty string.");
    }

    private static string SigningKeysNotRefetched(CidaasJwksProblem problem, int status)
        => CidaasErrors.LogoutTokenInvalid("its signing key is unknown and the key set could not be refetched.");

    private static CidaasProtocolException Invalid(string reason) => new(CidaasErrors.LogoutTokenInvalid(reason));
}
