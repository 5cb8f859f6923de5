using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// <c>/session/end_session</c>: RP-initiated logout. Ends the SSO session, revokes its tokens, and returns to a
/// registered post-logout URI when a token hint names the client.
/// </summary>
internal static class EndSessionEndpoint
{
    public const string Path = "/session/end_session";

    private static readonly string[] HintNames = ["id_token_hint", "access_token_hint"];

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        Dictionary<string, StringValues> parameters;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            parameters = context.Request.Query.ToDictionary(StringComparer.Ordinal);
        }
        else if (HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType)
        {
            parameters = (await context.Request.ReadFormAsync(context.RequestAborted)).ToDictionary(StringComparer.Ordinal);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, POST";
            return;
        }

        // cidaas's "Logout" page: the session is found from id_token_hint or access_token_hint (or the cidaas_sso
        // cookie); the user goes back to post_logout_redirect_uri only when a hint names the client and the URI is
        // allowed for it, else stays on cidaas. An expired token is a fine hint; it only has to be ours.
        CidaasEmulatorClient? client = null;
        string? sessionId = null;
        foreach (var hintName in HintNames)
        {
            var hint = Single(parameters, hintName);
            if (hint is null)
            {
                continue;
            }

            var token = await emulator.TokenIssuer.ValidateSignatureAsync(hint);
            var hinted = token?.Audiences.Select(emulator.FindClient).FirstOrDefault(found => found is not null);
            if (hinted is null || (client is not null && hinted.ClientId != client.ClientId))
            {
                await Responses.WriteErrorPageAsync(context, $"The {hintName} was not issued by cidaas for a known client.");
                return;
            }

            client = hinted;
            sessionId ??= token!.TryGetPayloadValue<string>("sid", out var sid) ? sid : null;
        }

        var clientId = Single(parameters, "client_id");
        if (clientId is not null)
        {
            if (client is not null && client.ClientId != clientId)
            {
                await Responses.WriteErrorPageAsync(context, "The client_id does not match the token hint.");
                return;
            }

            if (emulator.FindClient(clientId) is null)
            {
                await Responses.WriteErrorPageAsync(context, "The client_id is not registered with cidaas.");
                return;
            }
        }

        foreach (var ended in emulator.Sessions.End(context, sessionId))
        {
            emulator.Tokens.RevokeSession(ended);

            // The session ends at every client of it: a back-channel logout to each that registered a URI (before the redirect).
            await emulator.Logouts.EndAsync(ended, context.RequestAborted);
        }

        var postLogoutRedirectUri = Single(parameters, "post_logout_redirect_uri");
        if (client is not null && postLogoutRedirectUri is not null && RedirectUris.IsAllowedAfterLogout(client, postLogoutRedirectUri))
        {
            Responses.Redirect(context, RedirectUris.AppendQuery(postLogoutRedirectUri, [new("state", Single(parameters, "state"))]));
            return;
        }

        await Responses.WriteHtmlAsync(context, "Signed out", "<p id=\"signed-out\">You are signed out.</p>");
    }

    private static string? Single(Dictionary<string, StringValues> parameters, string name) =>
        parameters.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
}
