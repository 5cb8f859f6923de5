using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary><c>/login-srv/login</c>: the login form's POST target. Checks the password, starts the SSO session and finishes the authorization request.</summary>
internal static class LoginEndpoint
{
    public const string Path = "/login-srv/login";
    private const string What = "sign-in";

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        if (await PendingLoginForm.ReadAsync(context, emulator, What, "sign in again", static _ => true) is not { } read)
        {
            return;
        }

        var (form, pending, now) = read;

        var username = ClientAuthenticator.Single(form, "username") ?? "";
        var password = ClientAuthenticator.Single(form, "password") ?? "";
        var user = emulator.FindUserByLogin(username);
        if (!emulator.Passwords.Verify(user, password))
        {
            await LoginPage.WriteAsync(context, pending, username, "The username or password is incorrect.", emulator.Options.LoginPageHint);
            return;
        }

        await PendingLoginForm.CompleteAsync(context, emulator, pending, user!, now, What);
    }
}
