using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The answer to a sign-in that failed and that no <c>OnRemoteFailure</c> handler took care of: a plain-text 400 page
/// (502 for a challenge whose push to cidaas failed) that names the cause (a <see cref="CidaasProtocolException"/>'s
/// message holds no secret), never a stack trace.
/// </summary>
internal static class CidaasFailurePage
{
    public static async Task WriteAsync(HttpResponse response, Exception failure, ILogger logger, CancellationToken cancellationToken, int statusCode = StatusCodes.Status400BadRequest)
    {
        var message = failure is CidaasProtocolException ? failure.Message : "An unexpected error occurred while completing the sign-in.";
        if (!CidaasSignInFailures.IsIdentified(failure))
        {
            // An identified failure was logged when it happened, at its level.
            logger.SignInFailedUnexpectedly(failure.GetType().Name);
        }

        response.Clear();
        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        await response.WriteAsync("Sign-in with cidaas failed." + Environment.NewLine + message + Environment.NewLine, cancellationToken);
    }
}
