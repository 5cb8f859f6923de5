using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication;

// Every message is structured and carries no secret, code, token, nonce or verifier.
internal static partial class LoggingExtensions
{
    [LoggerMessage(1, LogLevel.Debug, "Redirecting to the cidaas authorization endpoint {AuthorizationEndpoint}.", EventName = "RedirectingToAuthorizationEndpoint")]
    public static partial void RedirectingToAuthorizationEndpoint(this ILogger logger, string? authorizationEndpoint);

    [LoggerMessage(2, LogLevel.Debug, "Exchanging the authorization code at {TokenEndpoint} with {ClientAuthenticationMethod}.", EventName = "ExchangingCode")]
    public static partial void ExchangingCode(this ILogger logger, string? tokenEndpoint, CidaasClientAuthenticationMethod clientAuthenticationMethod);

    // Error for a refused client (invalid_client, unauthorized_client, …), Information for a spent or expired code or refresh token.
    [LoggerMessage(EventId = 3, Message = "The token endpoint answered HTTP {StatusCode} with the OAuth error {Error}.", EventName = "TokenEndpointError")]
    public static partial void TokenEndpointError(this ILogger logger, LogLevel level, int statusCode, string? error);

    [LoggerMessage(4, LogLevel.Debug, "The id_token of subject {Subject} passed validation.", EventName = "IdTokenValidated")]
    public static partial void IdTokenValidated(this ILogger logger, string? subject);

    [LoggerMessage(5, LogLevel.Information, "An id_token was signed with a key unknown to the cache; refetching the signing keys from {JwksUri}.", EventName = "RefetchingSigningKeys")]
    public static partial void RefetchingSigningKeys(this ILogger logger, string? jwksUri);

    [LoggerMessage(6, LogLevel.Debug, "Received the user information of subject {Subject}.", EventName = "UserInformationReceived")]
    public static partial void UserInformationReceived(this ILogger logger, string? subject);

    [LoggerMessage(7, LogLevel.Debug, "Redirecting to the cidaas end-session endpoint {EndSessionEndpoint}.", EventName = "RedirectingToEndSessionEndpoint")]
    public static partial void RedirectingToEndSessionEndpoint(this ILogger logger, string? endSessionEndpoint);

    [LoggerMessage(8, LogLevel.Warning, "The signed-out callback carried no valid state; redirecting to {RedirectUri}.", EventName = "SignedOutCallbackStateInvalid")]
    public static partial void SignedOutCallbackStateInvalid(this ILogger logger, string redirectUri);

    [LoggerMessage(9, LogLevel.Error, "The cidaas discovery document could not be loaded from {MetadataAddress}.", EventName = "ConfigurationUnavailable")]
    public static partial void ConfigurationUnavailable(this ILogger logger, string? metadataAddress, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "The authorization parameter {Parameter} is set by the handler itself; the value given for it was ignored.", EventName = "ReservedParameterIgnored")]
    public static partial void ReservedParameterIgnored(this ILogger logger, string parameter);

    [LoggerMessage(11, LogLevel.Warning, "A return URL that is not local to this site was replaced with '/'.", EventName = "ReturnUrlNotLocal")]
    public static partial void ReturnUrlNotLocal(this ILogger logger);

    // The level follows who has to act (SignIn/CidaasSignInFailures): Information, Warning or Error.
    [LoggerMessage(EventId = 12, Message = "The cidaas sign-in failed: {Reason} {Action}", EventName = "SignInFailed")]
    public static partial void SignInFailed(this ILogger logger, LogLevel level, string reason, string action);

    // 50 and up: ASP.NET Core's AuthenticationHandler logs its own ids (up to 14) in the same category.
    [LoggerMessage(50, LogLevel.Error, "The cidaas sign-in failed with an unexpected {ExceptionType}; see the exception logged by ASP.NET Core.", EventName = "SignInFailedUnexpectedly")]
    public static partial void SignInFailedUnexpectedly(this ILogger logger, string exceptionType);

    [LoggerMessage(13, LogLevel.Debug, "Requesting the user information from {UserInformationEndpoint}.", EventName = "RequestingUserInformation")]
    public static partial void RequestingUserInformation(this ILogger logger, string? userInformationEndpoint);

    // Pushed authorization requests (issue 16): the endpoint and the outcome, never the state, nonce or verifier.
    [LoggerMessage(80, LogLevel.Debug, "Pushing the authorization request to {PushedAuthorizationEndpoint}.", EventName = "PushingAuthorizationRequest")]
    public static partial void PushingAuthorizationRequest(this ILogger logger, string pushedAuthorizationEndpoint);

    [LoggerMessage(81, LogLevel.Debug, "The authorization request was pushed to {PushedAuthorizationEndpoint}; its request_uri expires in {ExpiresIn} seconds.", EventName = "AuthorizationRequestPushed")]
    public static partial void AuthorizationRequestPushed(this ILogger logger, string pushedAuthorizationEndpoint, int expiresIn);
}
