using System.Globalization;
using System.Text;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// The HTML registration form cidaas shows for <c>view_type=register</c>: given name, family name, e-mail address and
/// password. It posts to <see cref="RegisterEndpoint"/> with the id of the pending request.
/// </summary>
internal static class RegisterPage
{
    public static Task WriteAsync(HttpContext context, PendingLogin pending, string? error, IFormCollection? entered = null)
    {
        var request = pending.Request;
        var clientName = string.IsNullOrEmpty(request.Client.ClientName) ? request.Client.ClientId : request.Client.ClientName;
        // A login_hint that is an e-mail address fills in the address, as on the login page it fills in the username.
        var email = entered is null ? (request.LoginHint?.Contains('@', StringComparison.Ordinal) == true ? request.LoginHint : null) : entered["email"].ToString();
        var html = new StringBuilder();
        html.Append("<p>Create an account to continue to <strong id=\"client-name\">").Append(Responses.Encode(clientName)).Append("</strong>.</p>");
        if (error is not null)
        {
            html.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(Responses.Encode(error)).Append("</p>");
        }

        var action = context.Request.PathBase + RegisterEndpoint.Path;
        html.Append(CultureInfo.InvariantCulture, $"""
            <form method="post" action="{Responses.Encode(action)}" id="register-form">
            <input type="hidden" name="request_id" value="{Responses.Encode(pending.Id)}">
            <label for="given_name">Given name</label>
            <input type="text" id="given_name" name="given_name" autocomplete="given-name" required autofocus value="{Responses.Encode(entered?["given_name"].ToString())}">
            <label for="family_name">Family name</label>
            <input type="text" id="family_name" name="family_name" autocomplete="family-name" required value="{Responses.Encode(entered?["family_name"].ToString())}">
            <label for="email">E-mail address</label>
            <input type="email" id="email" name="email" autocomplete="email" required value="{Responses.Encode(email)}">
            <label for="password">Password (at least {RegisterEndpoint.MinPasswordLength} characters)</label>
            <input type="password" id="password" name="password" autocomplete="new-password" required minlength="{RegisterEndpoint.MinPasswordLength}">
            <div class="actions">
            <button type="submit" id="register" name="action" value="register">Create account</button>
            <button type="submit" id="cancel" name="action" value="cancel" formnovalidate>Cancel</button>
            </div>
            </form>
            """);
        return Responses.WriteHtmlAsync(context, "Create account", html.ToString(), language: AuthorizeEndpoint.PageLanguage(request));
    }
}
