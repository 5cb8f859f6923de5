using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Sessions;

// Every message is structured and carries no token, session key, subject or session id.
internal static partial class CidaasSessionsLoggingExtensions
{
    [LoggerMessage(201, LogLevel.Information, "A back-channel logout was rejected: {Reason}", EventName = "CidaasBackchannelLogoutRejected")]
    public static partial void BackchannelLogoutRejected(this ILogger logger, string reason);

    [LoggerMessage(202, LogLevel.Information, "A back-channel logout ended the sessions of a cidaas {Target}.", EventName = "CidaasBackchannelLogoutCompleted")]
    public static partial void BackchannelLogoutCompleted(this ILogger logger, string target);

    [LoggerMessage(203, LogLevel.Error, "A back-channel logout failed unexpectedly ({ExceptionType}).", EventName = "CidaasBackchannelLogoutFailed")]
    public static partial void BackchannelLogoutFailed(this ILogger logger, string exceptionType, Exception exception);

    [LoggerMessage(204, LogLevel.Information, "A signed-in user's session was ended by cidaas or by the application; the user is signed out.", EventName = "CidaasSessionEnded")]
    public static partial void SessionEnded(this ILogger logger);

    [LoggerMessage(205, LogLevel.Warning, "The distributed cache could not be reached ({ExceptionType}); the session is refused until it can be.", EventName = "CidaasSessionStoreUnavailable")]
    public static partial void SessionStoreUnavailable(this ILogger logger, string exceptionType, Exception exception);

    [LoggerMessage(206, LogLevel.Warning, "Server-side sessions are kept in the in-memory distributed cache: a second instance of the application will not see them, nor the ended sessions. Register a shared IDistributedCache (e.g. AddStackExchangeRedisCache) for a farm.", EventName = "CidaasSessionsInMemory")]
    public static partial void SessionsInMemory(this ILogger logger);
}
