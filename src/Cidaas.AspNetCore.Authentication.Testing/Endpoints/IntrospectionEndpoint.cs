using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// <c>/token-srv/introspect</c>: token introspection as cidaas does it. The body is JSON (<c>{"token": …,
/// "token_type_hint": …}</c>, as every cidaas client sends it); the caller is named by an <c>Authorization: Basic</c>
/// header (client credentials), a <c>Bearer</c> access token, or a <c>client_id</c> in the body; a token is active only
/// for a caller in its audience (cidaas's "Introspect" page: "Client is in the token's audience").
/// </summary>
internal static class IntrospectionEndpoint
{
    public const string Path = "/token-srv/introspect";

    private const int MaxBodyBytes = 64 * 1024;

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return;
        }

        if (await ReadJsonAsync(context) is not { } body)
        {
            await Responses.WriteErrorAsync(context, "invalid_request", "The request body must be a JSON object (application/json), as cidaas's clients send it.");
            return;
        }

        var caller = await IdentifyCallerAsync(context, emulator, body);
        if (caller.Error is not null)
        {
            return;
        }

        var token = Text(body, "token");
        if (token is null)
        {
            await Responses.WriteErrorAsync(context, "invalid_request", "The token parameter is missing.");
            return;
        }

        var accessToken = await emulator.TokenIssuer.ValidateAccessTokenAsync(token);
        if (accessToken is not null && caller.Client?.ClientId == accessToken.Grant.Client.ClientId)
        {
            await Responses.WriteJsonAsync(context, Describe(emulator, accessToken));
            return;
        }

        var refreshToken = emulator.Tokens.FindRefreshToken(token);
        if (refreshToken is not null && refreshToken.IsActive(emulator.Options.TimeProvider.GetUtcNow()) && caller.Client?.ClientId == refreshToken.Grant.Client.ClientId)
        {
            await Responses.WriteJsonAsync(context, new JsonObject
            {
                ["active"] = true,
                ["sub"] = refreshToken.Grant.User.Sub,
                ["aud"] = refreshToken.Grant.Client.ClientId,
                ["iss"] = emulator.Authority,
                ["scope"] = string.Join(' ', refreshToken.Grant.Scopes),
                ["token_type"] = "refresh_token",
            });
            return;
        }

        // cidaas's inactive answer (Cidaas/cidaas-sdk-php tests/ValidateAccessTokenTest.php).
        await Responses.WriteJsonAsync(context, new JsonObject { ["active"] = false, ["token_type"] = "Bearer" });
    }

    /// <summary>
    /// The calling client: Basic credentials (checked; wrong ones answer 401 <c>invalid_client</c>), else the client a
    /// valid Bearer access token was issued to (an invalid one answers 400, as cidaas does), else the body's
    /// <c>client_id</c> (with its <c>client_secret</c> checked when one is sent), else nobody.
    /// </summary>
    private static async Task<(CidaasEmulatorClient? Client, string? Error)> IdentifyCallerAsync(HttpContext context, CidaasEmulator emulator, JsonElement body)
    {
        var authorization = context.Request.Headers.Authorization;
        if (authorization.Count == 1
            && AuthenticationHeaderValue.TryParse(authorization[0], out var header)
            && string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            var bearer = header.Parameter is { Length: > 0 } value ? await emulator.TokenIssuer.ValidateAccessTokenAsync(value) : null;
            if (bearer is null)
            {
                const string Description = "The request is missing a required parameter : invalid authorization header access_token passed";
                await Responses.WriteErrorAsync(context, "invalid_request", Description);
                return (null, Description);
            }

            return (bearer.Grant.Client, null);
        }

        var clientId = Text(body, "client_id");
        var secret = Text(body, "client_secret");
        var assertionType = Text(body, "client_assertion_type");
        var assertion = Text(body, "client_assertion");
        if (authorization.Count == 0 && secret is null && assertionType is null && assertion is null)
        {
            // The authorization header is optional at cidaas; an unauthenticated caller is known by its client_id only.
            return (clientId is null ? null : emulator.FindClient(clientId), null);
        }

        var result = await ClientAuthenticator.AuthenticateAsync(context, clientId, secret, emulator.Options, assertionType, assertion);
        if (result.Client is null)
        {
            await Responses.WriteInvalidClientAsync(context, result.Error!);
            return (null, result.Error);
        }

        return (result.Client, null);
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpContext context)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || context.Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>cidaas's active answer: its fixture's members, plus <c>groups</c> (with <c>groupType</c>) as its interceptors read them.</summary>
    private static JsonObject Describe(CidaasEmulator emulator, IssuedAccessToken token)
    {
        var grant = token.Grant;
        var answer = new JsonObject
        {
            ["active"] = true,
            ["token_type"] = "Bearer",
            ["aud"] = grant.Client.ClientId,
            ["exp"] = token.ExpiresAt.ToUnixTimeSeconds(),
            ["iat"] = token.IssuedAt.ToUnixTimeSeconds(),
            ["iss"] = emulator.Authority,
            ["jti"] = token.TokenId,
            ["roles"] = Strings(grant.User.Roles),
            ["scopes"] = Strings(grant.Scopes),
            ["sub"] = grant.User.Sub,
            ["scope"] = string.Join(' ', grant.Scopes),
        };
        if (grant.User.Groups.Count > 0)
        {
            answer["groups"] = UserClaims.GroupsWithType(grant.User);
        }

        return answer;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(value => (JsonNode?)value)]);
}
