using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// <c>/users-srv/userinfo</c>: the cidaas-shaped profile of the bearer of a valid access token (header only, RFC 6750
/// §2.1), each field gated on the granted scopes as cidaas's "Get user info" page lists them.
/// </summary>
internal static class UserInfoEndpoint
{
    public const string Path = "/users-srv/userinfo";

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, POST";
            return;
        }

        var token = ReadBearerToken(context);
        var record = token is null ? null : await emulator.TokenIssuer.ValidateAccessTokenAsync(token);
        if (record is null)
        {
            context.Response.Headers.WWWAuthenticate =
                "Bearer realm=\"cidaas\", error=\"invalid_token\", error_description=\"The access token is missing, invalid, expired or revoked.\"";
            await Responses.WriteErrorAsync(context, "invalid_token", "The access token is missing, invalid, expired or revoked.", StatusCodes.Status401Unauthorized);
            return;
        }

        var grant = record.Grant;
        var user = grant.User;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        UserClaims.AddProfileClaims(claims, user, grant);

        var body = new JsonObject { ["sub"] = emulator.Next.TakeUserInfoSubject() ?? user.Sub };
        foreach (var (name, value) in claims)
        {
            body[name] = value switch
            {
                bool flag => flag,
                _ => value.ToString(),
            };
        }

        // cidaas's "Get user info" page: roles only for the 'roles' scope, groups only for 'groups', and so on.
        if (grant.HasScope("address") && user.Address.Count > 0)
        {
            var address = new JsonObject();
            foreach (var (name, value) in user.Address)
            {
                address[name] = value;
            }

            body["address"] = address;
        }

        if (grant.HasScope("identities"))
        {
            var identity = new JsonObject { ["provider"] = "self", ["identityId"] = user.IdentityId };
            if (!string.IsNullOrEmpty(user.Email))
            {
                identity["email"] = user.Email;
                identity["email_verified"] = user.EmailVerified;
            }

            if (!string.IsNullOrEmpty(user.MobileNumber))
            {
                identity["mobile_number"] = user.MobileNumber;
            }

            body["identities"] = new JsonArray(identity);
        }

        if (grant.HasScope("roles"))
        {
            body["roles"] = new JsonArray([.. user.Roles.Select(role => (JsonNode?)role)]);
        }

        if (grant.HasScope("groups"))
        {
            body["groups"] = UserClaims.GroupsWithType(user);
        }

        var customFields = new JsonObject();
        foreach (var (name, value) in user.CustomFields)
        {
            customFields[name] = value;
        }

        body["customFields"] = customFields;
        await Responses.WriteJsonAsync(context, body);
    }

    private static string? ReadBearerToken(HttpContext context)
    {
        var headers = context.Request.Headers.Authorization;
        if (headers.Count != 1
            || !AuthenticationHeaderValue.TryParse(headers[0], out var header)
            || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(header.Parameter))
        {
            return null;
        }

        return header.Parameter;
    }
}
