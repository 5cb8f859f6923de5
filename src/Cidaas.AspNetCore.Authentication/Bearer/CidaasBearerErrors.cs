using System.Globalization;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// The failure messages of the bearer handler (<c>CIDAAS5xxx</c>) and the short descriptions sent to the client in
/// <c>WWW-Authenticate</c>. No message ever contains a token, a secret or a claim value from a token.
/// </summary>
internal static class CidaasBearerErrors
{
    public const string InvalidToken = "invalid_token";
    public const string InsufficientScope = "insufficient_scope";

    public const string SeveralAuthorizationHeaders = "CIDAAS5001: The request carries more than one Authorization header.";
    public const string ConfigurationMissing = "CIDAAS5002: No cidaas configuration is available: set 'Authority', 'MetadataAddress', 'Configuration' or 'ConfigurationManager'.";
    public const string NotAnAccessToken = "CIDAAS5006: The token is an id_token or a security event token, not an access token: it carries 'at_hash', 'c_hash' or 'events' (RFC 8725 §2.8, §3.11).";
    public const string UnexpectedTokenType = "CIDAAS5007: The token's 'typ' header names neither a JWT ('JWT') nor an access token ('at+jwt', RFC 9068 §4), so it is another kind of token.";
    public const string CriticalHeader = "CIDAAS5008: The token's 'crit' header asks for JWS extensions that this handler does not understand (RFC 7515 §4.1.11).";
    public const string DuplicateMember = "CIDAAS5009: The token or its introspection answer repeats a member name; such JSON is refused rather than read differently here and elsewhere (RFC 7515 §5.2, RFC 7519 §4).";
    public const string InvalidNumericDate = "CIDAAS5010: The token's 'exp', 'nbf' or 'iat' is not a NumericDate: a JSON number of seconds from 1970 to the end of the year 9999 (RFC 7519 §2).";
    public const string TokenInactive = "CIDAAS5011: cidaas reports the access token as not active (revoked, expired, unknown or issued to another client).";
    public const string IntrospectionNotJson = "CIDAAS5013: The introspection endpoint's answer is not a JSON object with a boolean 'active' member.";
    public const string IntrospectionIssuerMismatch = "CIDAAS5014: The introspected token was issued by another issuer ('iss').";
    public const string IntrospectionAudienceMismatch = "CIDAAS5015: The introspected token is not meant for this API: neither its 'aud' nor (without 'aud') its 'client_id' is one of the configured audiences.";
    public const string IntrospectionExpired = "CIDAAS5016: The introspected token has expired ('exp').";
    public const string IntrospectionNotYetValid = "CIDAAS5017: The introspected token is not valid yet ('nbf').";
    public const string IntrospectionWrongTokenType = "CIDAAS5018: The introspected token is not an access token ('token_type').";
    public const string IssuedInTheFuture = "CIDAAS5019: The token was issued in the future: its 'iat' is later than now plus the clock skew.";
    public const string NoUser = "CIDAAS5020: The token names no user: its 'sub' is missing or 'ANONYMOUS' (a client_credentials token). Set 'AllowAnonymousSubject' to accept such tokens as a client's, as cidaas's go-interceptor does with 'AllowAnonymousSub'.";
    public const string IntrospectionDPoP = "CIDAAS5021: The introspected token is a DPoP-bound token ('token_type' DPoP, RFC 9449). Sender-constrained tokens are not supported yet: the proof cannot be checked, so the token is refused.";

    public const string NotAnAccessTokenDescription = "The token is not an access token";
    public const string MalformedDescription = "The token is malformed";
    public const string InvalidLifetimeDescription = "The token lifetime is invalid";
    public const string IssuedInTheFutureDescription = "The token was issued in the future";
    public const string NoUserDescription = "The token names no user";
    public const string DPoPDescription = "DPoP-bound tokens are not supported";

    public static string ConfigurationUnavailable(string? address)
        => $"CIDAAS5003: The cidaas discovery document could not be loaded from '{address}'. No access token can be validated until it can be read.";

    public static string ConfigurationIssuerMismatch(string? issuer, string? authority)
        => $"CIDAAS5004: The discovery document's issuer '{CidaasErrors.Clean(issuer ?? string.Empty)}' is not the configured Authority '{authority}'. Refusing every access token.";

    public static string SigningKeysUnavailable(string reason)
        => $"CIDAAS5005: An access token names a signing key that is not in the cached key set, and the key set could not be refetched: {reason}";

    /// <summary>Why the keys refetched for an access token's unknown key cannot be used.</summary>
    public static string SigningKeysNotRefetched(CidaasJwksProblem problem, int status) => SigningKeysUnavailable(problem switch
    {
        CidaasJwksProblem.Status => "the JWKS endpoint answered with HTTP " + status.ToString(CultureInfo.InvariantCulture) + ".",
        CidaasJwksProblem.NotJson => "the key set is not valid JSON.",
        _ => "the key set holds no usable signing key.",
    });

    public static string IntrospectionStatus(int status)
        => $"CIDAAS5012: The introspection endpoint answered with HTTP {status.ToString(CultureInfo.InvariantCulture)}.";

    /// <summary>The short, fixed <c>error_description</c> for a failed authentication; never echoes the token.</summary>
    public static string Describe(Exception failure) => failure switch
    {
        CidaasProtocolException { ErrorDescription: { Length: > 0 } description } => description,
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[0]),
        SecurityTokenInvalidAudienceException => "The audience is invalid",
        SecurityTokenInvalidIssuerException => "The issuer is invalid",
        SecurityTokenNoExpirationException => "The token has no expiration",
        SecurityTokenNotYetValidException => "The token is not valid yet",
        SecurityTokenExpiredException => "The token has expired",
        SecurityTokenInvalidLifetimeException => InvalidLifetimeDescription,
        SecurityTokenSignatureKeyNotFoundException => "The signing key is unknown",
        SecurityTokenInvalidAlgorithmException => "The signing algorithm is not allowed",
        SecurityTokenInvalidSignatureException => "The signature is invalid",
        SecurityTokenMalformedException or ArgumentException => MalformedDescription,
        _ => "The token is invalid",
    };

    /// <summary>A failure to send back as <c>invalid_token</c> with the given short description.</summary>
    public static CidaasProtocolException Invalid(string message, string description, Exception? innerException = null)
        => new(message, InvalidToken, description, null, innerException);
}
