using System.Globalization;
using System.Text;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>The HTML login form. It posts to <see cref="LoginEndpoint"/> with the id of the pending request.</summary>
internal static class LoginPage
{
    public static Task WriteAsync(HttpContext context, PendingLogin pending, string? username, string? error, string? hint)
    {
        var request = pending.Request;
        var clientName = string.IsNullOrEmpty(request.Client.ClientName) ? request.Client.ClientId : request.Client.ClientName;
        var html = new StringBuilder();
        html.Append("<p>Sign in to continue to <strong id=\"client-name\">").Append(Responses.Encode(clientName)).Append("</strong>.</p>");
        if (request.Scopes.Count > 0)
        {
            html.Append("<p class=\"scopes\" id=\"scopes\">Requested access: ")
                .Append(Responses.Encode(string.Join(", ", request.Scopes))).Append("</p>");
        }

        if (error is not null)
        {
            html.Append("<p class=\"error\" id=\"error\" role=\"alert\">").Append(Responses.Encode(error)).Append("</p>");
        }

        var action = context.Request.PathBase + LoginEndpoint.Path;
        html.Append(CultureInfo.InvariantCulture, $"""
            <form method="post" action="{Responses.Encode(action)}" id="login-form">
            <input type="hidden" name="request_id" value="{Responses.Encode(pending.Id)}">
            <label for="username">Username or e-mail</label>
            <input type="text" id="username" name="username" autocomplete="username" required autofocus value="{Responses.Encode(username)}">
            <label for="password">Password</label>
            <input type="password" id="password" name="password" autocomplete="current-password" required>
            <div class="actions">
            <button type="submit" id="login" name="action" value="login">Sign in</button>
            <button type="submit" id="cancel" name="action" value="cancel" formnovalidate>Cancel</button>
            </div>
            </form>
            """);
        if (!string.IsNullOrEmpty(hint))
        {
            html.Append("<p class=\"hint\" id=\"demo-hint\">").Append(Responses.Encode(hint)).Append("</p>");
        }

        return Responses.WriteHtmlAsync(context, "Sign in", html.ToString(), language: AuthorizeEndpoint.PageLanguage(request));
    }
}
