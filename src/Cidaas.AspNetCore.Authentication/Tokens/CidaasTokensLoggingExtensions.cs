using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>The log lines of tokens after sign-in (event ids 700–799). None carries a token.</summary>
internal static partial class CidaasTokensLoggingExtensions
{
    [LoggerMessage(700, LogLevel.Debug, "Renewing the access token of scheme {Scheme} with the refresh token.", EventName = "RefreshingAccessToken")]
    public static partial void RefreshingAccessToken(this ILogger logger, string scheme);

    [LoggerMessage(701, LogLevel.Information, "The access token of scheme {Scheme} was renewed; it expires at {ExpiresAt}.", EventName = "AccessTokenRefreshed")]
    public static partial void AccessTokenRefreshed(this ILogger logger, string scheme, DateTimeOffset? expiresAt);

    [LoggerMessage(702, LogLevel.Warning, "cidaas refused the refresh token of scheme {Scheme} (invalid_grant); the local session is ended.", EventName = "RefreshTokenRefused")]
    public static partial void RefreshTokenRefused(this ILogger logger, string scheme);

    [LoggerMessage(703, LogLevel.Warning, "The access token of scheme {Scheme} could not be renewed; the session stays: {Reason}", EventName = "AccessTokenRefreshFailed")]
    public static partial void AccessTokenRefreshFailed(this ILogger logger, string scheme, string reason);

    [LoggerMessage(704, LogLevel.Warning, "The response had already started, so the session cookie of scheme {CookieScheme} could not be updated with the renewed tokens; they are used for the rest of this request, and the next request renews again (from the shared grace entry while it lasts).", EventName = "SessionNotUpdated")]
    public static partial void SessionNotUpdated(this ILogger logger, string cookieScheme);

    [LoggerMessage(705, LogLevel.Warning, "The response had already started, so the local session of scheme {CookieScheme} could not be ended after cidaas refused the refresh token.", EventName = "SessionNotEnded")]
    public static partial void SessionNotEnded(this ILogger logger, string cookieScheme);

    [LoggerMessage(706, LogLevel.Debug, "The renewed tokens for scheme {Scheme} were taken from another request's refresh ({Source}).", EventName = "RefreshResultShared")]
    public static partial void RefreshResultShared(this ILogger logger, string scheme, string source);

    [LoggerMessage(707, LogLevel.Warning, "The refresh coordination cache could not be used ({Reason}); renewing without it.", EventName = "RefreshCacheUnavailable")]
    public static partial void RefreshCacheUnavailable(this ILogger logger, string reason);

    [LoggerMessage(710, LogLevel.Debug, "Revoked the refresh token of the session at sign-out.", EventName = "RefreshTokenRevoked")]
    public static partial void RefreshTokenRevoked(this ILogger logger);

    [LoggerMessage(711, LogLevel.Warning, "The refresh token could not be revoked at sign-out; the sign-out goes on: {Reason}", EventName = "RefreshTokenRevocationFailed")]
    public static partial void RefreshTokenRevocationFailed(this ILogger logger, string reason);

    [LoggerMessage(720, LogLevel.Debug, "Requesting a client token for {Name} from the token endpoint.", EventName = "RequestingClientToken")]
    public static partial void RequestingClientToken(this ILogger logger, string name);

    [LoggerMessage(721, LogLevel.Warning, "The client token for {Name} could not be obtained: {Reason}", EventName = "ClientTokenFailed")]
    public static partial void ClientTokenFailed(this ILogger logger, string name, string reason);

    [LoggerMessage(730, LogLevel.Debug, "The API answered 401 to a request with the user's access token; renewing the token and sending the request once more.", EventName = "RetryingWithRenewedToken")]
    public static partial void RetryingWithRenewedToken(this ILogger logger);

    [LoggerMessage(731, LogLevel.Warning, "The API answered 401, but the request is not sent again: its body is a stream of unknown length or larger than 1 MiB, so it cannot be replayed. Send a body of known length (e.g. ByteArrayContent) to get the retry.", EventName = "RetryImpossible")]
    public static partial void RetryImpossible(this ILogger logger);
}
