using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// What the emulator's sign-in and registration forms share: the POST that names a pending authorization request, the
/// "cancel" button, and the end of the request once a user is known (the SSO session starts, the code is issued), each
/// at most once however often the form is sent.
/// </summary>
internal static class PendingLoginForm
{
    /// <summary>
    /// Reads the form and the pending request it names. Answers and returns <see langword="null"/> when the request ends
    /// here: not a form POST (405), an unknown, expired or foreign request (<paramref name="accepts"/> says no), or a
    /// cancellation (<c>access_denied</c> to the application).
    /// </summary>
    /// <param name="context">The POST of the form.</param>
    /// <param name="emulator">The emulator.</param>
    /// <param name="what">The form's business in messages: "sign-in" or "registration".</param>
    /// <param name="startAgain">What the user does about an unknown request, e.g. "sign in again".</param>
    /// <param name="accepts">Whether this form may finish the pending request (the registration form only a <c>view_type=register</c> one).</param>
    public static async Task<(IFormCollection Form, PendingLogin Pending, DateTimeOffset Now)?> ReadAsync(
        HttpContext context, CidaasEmulator emulator, string what, string startAgain, Func<PendingLogin, bool> accepts)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return null;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var now = emulator.Options.TimeProvider.GetUtcNow();
        var pending = emulator.Sessions.FindPendingLogin(ClientAuthenticator.Single(form, "request_id"), now);
        if (pending is null || !accepts(pending))
        {
            await Responses.WriteErrorPageAsync(context, $"This {what} request is unknown or has expired. Go back to the application and {startAgain}.");
            return null;
        }

        if (ClientAuthenticator.Single(form, "action") == "cancel")
        {
            if (emulator.Sessions.TryCompletePendingLogin(pending))
            {
                await AuthorizationResponder.SendErrorAsync(context, emulator, pending.Request, "access_denied", $"The user cancelled the {what}.");
            }
            else
            {
                await WriteAlreadyCompletedAsync(context, what);
            }

            return null;
        }

        return (form, pending, now);
    }

    /// <summary>Ends the pending request with <paramref name="user"/> signed in: the SSO session starts now (the id_token's <c>auth_time</c>) and the code is issued.</summary>
    public static async Task CompleteAsync(HttpContext context, CidaasEmulator emulator, PendingLogin pending, CidaasEmulatorUser user, DateTimeOffset now, string what)
    {
        if (!emulator.Sessions.TryCompletePendingLogin(pending))
        {
            await WriteAlreadyCompletedAsync(context, what);
            return;
        }

        var session = emulator.Sessions.Start(context, user, now);
        await AuthorizationResponder.IssueCodeAsync(context, emulator, pending.Request, session.User, session.SessionId, session.AuthTime);
    }

    private static Task WriteAlreadyCompletedAsync(HttpContext context, string what)
        => Responses.WriteErrorPageAsync(context, $"This {what} request was already completed.");
}
