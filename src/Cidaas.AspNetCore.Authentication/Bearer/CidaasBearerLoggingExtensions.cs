using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Bearer;

// Every message is structured and carries no token, secret or claim value taken from a token.
// Ids 101 and up: the bearer handler logs in the same category as the JwtBearerHandler it derives from (ids 1-20).
internal static partial class CidaasBearerLoggingExtensions
{
    [LoggerMessage(101, LogLevel.Information, "The access token was rejected: {Reason}", EventName = "CidaasBearerTokenRejected")]
    public static partial void BearerTokenRejected(this ILogger logger, string reason);

    [LoggerMessage(102, LogLevel.Error, "The cidaas discovery document could not be loaded from {MetadataAddress}; access tokens are refused until it can be read.", EventName = "CidaasBearerConfigurationUnavailable")]
    public static partial void BearerConfigurationUnavailable(this ILogger logger, string? metadataAddress, Exception exception);

    [LoggerMessage(103, LogLevel.Error, "{Reason}", EventName = "CidaasBearerConfigurationIssuerMismatch")]
    public static partial void BearerConfigurationIssuerMismatch(this ILogger logger, string reason);

    [LoggerMessage(104, LogLevel.Information, "An access token was signed with a key unknown to the cache; refetching the signing keys from {JwksUri}.", EventName = "CidaasBearerRefetchingSigningKeys")]
    public static partial void BearerRefetchingSigningKeys(this ILogger logger, string? jwksUri);

    [LoggerMessage(105, LogLevel.Warning, "{Reason}", EventName = "CidaasBearerSigningKeysUnavailable")]
    public static partial void BearerSigningKeysUnavailable(this ILogger logger, string reason);

    [LoggerMessage(106, LogLevel.Error, "The introspection endpoint {IntrospectionEndpoint} could not be used; the request is answered with 401: {Reason}", EventName = "CidaasBearerIntrospectionUnavailable")]
    public static partial void BearerIntrospectionUnavailable(this ILogger logger, string? introspectionEndpoint, string reason);

    [LoggerMessage(107, LogLevel.Debug, "Introspecting an access token at {IntrospectionEndpoint}.", EventName = "CidaasBearerIntrospecting")]
    public static partial void BearerIntrospecting(this ILogger logger, string? introspectionEndpoint);

    [LoggerMessage(108, LogLevel.Debug, "The introspection answer for the access token came from the cache.", EventName = "CidaasBearerIntrospectionCacheHit")]
    public static partial void BearerIntrospectionCacheHit(this ILogger logger);

    [LoggerMessage(109, LogLevel.Warning, "The introspection cache could not be used ({ExceptionType}); introspecting without it.", EventName = "CidaasBearerIntrospectionCacheUnavailable")]
    public static partial void BearerIntrospectionCacheUnavailable(this ILogger logger, string exceptionType);

    [LoggerMessage(110, LogLevel.Debug, "The access token of subject {Subject} passed validation.", EventName = "CidaasBearerTokenValidated")]
    public static partial void BearerTokenValidated(this ILogger logger, string? subject);

    [LoggerMessage(111, LogLevel.Information, "Access forbidden; the access token lacks the scopes {Scopes}.", EventName = "CidaasBearerInsufficientScope")]
    public static partial void BearerInsufficientScope(this ILogger logger, string scopes);

    [LoggerMessage(112, LogLevel.Warning, "The forbidden response could not be written because the response has already started.", EventName = "CidaasBearerForbiddenResponseHasStarted")]
    public static partial void BearerForbiddenResponseHasStarted(this ILogger logger);

    [LoggerMessage(113, LogLevel.Warning, "An introspection cache entry could not be unprotected (written with another key ring, or tampered with); introspecting instead.", EventName = "CidaasBearerIntrospectionCacheEntryRejected")]
    public static partial void BearerIntrospectionCacheEntryRejected(this ILogger logger);
}
