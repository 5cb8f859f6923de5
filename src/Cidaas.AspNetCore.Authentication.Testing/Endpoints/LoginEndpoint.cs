using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary><c>/login-srv/login</c>: the login form's POST target. Checks the password, starts the SSO session and finishes the authorization request.</summary>
internal static class LoginEndpoint
{
    public const string Path = "/login-srv/login";

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.HasFormContentType)
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var now = emulator.Options.TimeProvider.GetUtcNow();
        var pending = emulator.Sessions.FindPendingLogin(ClientAuthenticator.Single(form, "request_id"), now);
        if (pending is null)
        {
            await Responses.WriteErrorPageAsync(context, "This sign-in request is unknown or has expired. Go back to the application and sign in again.");
            return;
        }

        if (ClientAuthenticator.Single(form, "action") == "cancel")
        {
            if (emulator.Sessions.TryCompletePendingLogin(pending))
            {
                await AuthorizationResponder.SendErrorAsync(context, emulator, pending.Request, "access_denied", "The user cancelled the sign-in.");
            }
            else
            {
                await Responses.WriteErrorPageAsync(context, "This sign-in request was already completed.");
            }

            return;
        }

        var username = ClientAuthenticator.Single(form, "username") ?? "";
        var password = ClientAuthenticator.Single(form, "password") ?? "";
        var user = emulator.FindUserByLogin(username);
        if (!emulator.Passwords.Verify(user, password))
        {
            await LoginPage.WriteAsync(context, pending, username, "The username or password is incorrect.", emulator.Options.LoginPageHint);
            return;
        }

        if (!emulator.Sessions.TryCompletePendingLogin(pending))
        {
            await Responses.WriteErrorPageAsync(context, "This sign-in request was already completed.");
            return;
        }

        var session = emulator.Sessions.Start(context, user!, now);
        await AuthorizationResponder.IssueCodeAsync(context, emulator, pending.Request, session.User, session.SessionId, session.AuthTime);
    }
}
