using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary><c>/session/end_session</c>: RP-initiated logout. Ends the SSO session and returns to a registered post-logout URI.</summary>
internal static class EndSessionEndpoint
{
    public const string Path = "/session/end_session";

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

        CidaasEmulatorClient? client = null;
        string? hintedSessionId = null;
        var hint = Single(parameters, "id_token_hint");
        if (hint is not null)
        {
            // An expired id_token is a fine hint; it only has to be ours and name a known client.
            var token = await emulator.TokenIssuer.ValidateSignatureAsync(hint);
            client = token?.Audiences.Select(emulator.FindClient).FirstOrDefault(found => found is not null);
            token?.TryGetPayloadValue("sid", out hintedSessionId);
            if (client is null)
            {
                await Responses.WriteErrorPageAsync(context, "The id_token_hint was not issued by cidaas for a known client.");
                return;
            }
        }

        var clientId = Single(parameters, "client_id");
        if (clientId is not null)
        {
            if (client is not null && client.ClientId != clientId)
            {
                await Responses.WriteErrorPageAsync(context, "The client_id does not match the id_token_hint.");
                return;
            }

            client ??= emulator.FindClient(clientId);
            if (client is null)
            {
                await Responses.WriteErrorPageAsync(context, "The client_id is not registered with cidaas.");
                return;
            }
        }

        // The session ends at every client of it: a back-channel logout to each that registered a URI (before the redirect).
        var sessionId = emulator.Sessions.End(context) ?? hintedSessionId;
        if (sessionId is not null)
        {
            await emulator.Logouts.EndAsync(sessionId, context.RequestAborted);
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
