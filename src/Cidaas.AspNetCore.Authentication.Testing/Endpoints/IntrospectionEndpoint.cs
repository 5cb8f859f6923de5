using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary><c>/token-srv/introspect</c>: RFC 7662 token introspection for authenticated clients.</summary>
internal static class IntrospectionEndpoint
{
    public const string Path = "/token-srv/introspect";

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        if (await FormRequest.ReadAuthenticatedAsync(context, emulator.Options) is not { } request)
        {
            return;
        }

        var (form, client) = request;

        var token = ClientAuthenticator.Single(form, "token");
        if (token is null)
        {
            await Responses.WriteErrorAsync(context, "invalid_request", "The token parameter is missing.");
            return;
        }

        var accessToken = await emulator.TokenIssuer.ValidateAccessTokenAsync(token);
        if (accessToken is not null)
        {
            await Responses.WriteJsonAsync(context, Describe(emulator, accessToken));
            return;
        }

        var refreshToken = emulator.Tokens.FindRefreshToken(token);
        if (refreshToken is not null && refreshToken.IsActive(emulator.Options.TimeProvider.GetUtcNow()))
        {
            await Responses.WriteJsonAsync(context, new JsonObject
            {
                ["active"] = true,
                ["sub"] = refreshToken.Grant.User.Sub,
                ["client_id"] = refreshToken.Grant.Client.ClientId,
                ["iss"] = emulator.Authority,
                ["scope"] = string.Join(' ', refreshToken.Grant.Scopes),
                ["token_type"] = "refresh_token",
            });
            return;
        }

        await Responses.WriteJsonAsync(context, new JsonObject { ["active"] = false });
    }

    private static JsonObject Describe(CidaasEmulator emulator, IssuedAccessToken token)
    {
        var grant = token.Grant;
        return new JsonObject
        {
            ["active"] = true,
            ["sub"] = grant.User.Sub,
            ["client_id"] = grant.Client.ClientId,
            ["aud"] = grant.Client.ClientId,
            ["iss"] = emulator.Authority,
            ["scope"] = string.Join(' ', grant.Scopes),
            ["scopes"] = Strings(grant.Scopes),
            ["roles"] = Strings(grant.User.Roles),
            ["groups"] = new JsonArray([.. grant.User.Groups.Select(group => (JsonNode?)new JsonObject
            {
                ["groupId"] = group.GroupId,
                ["roles"] = Strings(group.Roles),
            })]),
            ["exp"] = token.ExpiresAt.ToUnixTimeSeconds(),
            ["iat"] = token.IssuedAt.ToUnixTimeSeconds(),
            ["token_type"] = "Bearer",
            ["jti"] = token.TokenId,
            ["sid"] = grant.SessionId,
        };
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(value => (JsonNode?)value)]);
}
