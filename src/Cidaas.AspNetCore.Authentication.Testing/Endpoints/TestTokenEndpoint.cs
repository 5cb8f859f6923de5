using System.Globalization;
using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// <c>POST /emulator/test-token</c>, TEST-ONLY and absent unless <see cref="CidaasEmulatorOptions.EnableTestTokenEndpoint"/>
/// is set: mints tokens for a user without a browser (<see cref="CidaasEmulator.GetAccessTokenAsync"/> over HTTP), for
/// <c>curl</c> users testing an API protected with <c>AddCidaasBearer</c>. The client authenticates as at the token
/// endpoint; the form names the user (<c>username</c>, a username or sub) and the <c>scope</c>. Real cidaas has no such
/// endpoint.
/// </summary>
internal static class TestTokenEndpoint
{
    public const string Path = "/emulator/test-token";

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        if (!emulator.Options.EnableTestTokenEndpoint)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (await FormRequest.ReadAuthenticatedAsync(context, emulator.Options) is not { } request)
        {
            return;
        }

        var (form, client) = request;
        var username = ClientAuthenticator.Single(form, "username");
        if (string.IsNullOrEmpty(username))
        {
            await Responses.WriteErrorAsync(context, "invalid_request", "The username parameter (a username or sub of the emulator's users) is missing.");
            return;
        }

        CidaasEmulatorTokens tokens;
        try
        {
            tokens = await emulator.GetAccessTokenAsync(username, ClientAuthenticator.Single(form, "scope") ?? "openid", client.ClientId, context.RequestAborted);
        }
        catch (ArgumentException exception)
        {
            // The message names the unknown user or the scope the client may not ask for, never a secret.
            await Responses.WriteErrorAsync(context, "invalid_request", exception.Message.Split(" (Parameter", 2)[0]);
            return;
        }

        var body = new JsonObject
        {
            ["access_token"] = tokens.AccessToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = Math.Max(0, (long)(tokens.ExpiresAt - emulator.Options.TimeProvider.GetUtcNow()).TotalSeconds),
            ["expires_at"] = tokens.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
            ["scope"] = string.Join(' ', tokens.Scopes),
        };
        if (tokens.IdToken is not null)
        {
            body["id_token"] = tokens.IdToken;
        }

        if (tokens.RefreshToken is not null)
        {
            body["refresh_token"] = tokens.RefreshToken;
        }

        context.Response.Headers["X-Cidaas-Emulator"] = "test-only";
        await Responses.WriteJsonAsync(context, body);
    }
}
