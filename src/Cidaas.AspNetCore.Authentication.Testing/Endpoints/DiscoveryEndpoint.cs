using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary><c>/.well-known/openid-configuration</c>: the OpenID Connect discovery document.</summary>
internal static class DiscoveryEndpoint
{
    public const string Path = "/.well-known/openid-configuration";

    public static Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        var authority = emulator.Authority;
        var document = new JsonObject
        {
            ["issuer"] = emulator.Options.DiscoveryIssuer ?? authority,
            ["authorization_endpoint"] = authority + AuthorizeEndpoint.Path,
            ["token_endpoint"] = authority + TokenEndpoint.Path,
            ["userinfo_endpoint"] = authority + UserInfoEndpoint.Path,
            ["jwks_uri"] = authority + JwksEndpoint.Path,
            ["end_session_endpoint"] = authority + EndSessionEndpoint.Path,
            ["introspection_endpoint"] = authority + IntrospectionEndpoint.Path,
            ["revocation_endpoint"] = authority + RevocationEndpoint.Path,
            ["response_types_supported"] = Array("code"),
            ["response_modes_supported"] = Array("query"),
            ["grant_types_supported"] = Array("authorization_code", "refresh_token", "client_credentials"),
            ["subject_types_supported"] = Array("public"),
            ["id_token_signing_alg_values_supported"] = Array("RS256"),
            ["scopes_supported"] = Array("openid", "profile", "email", "phone", "roles", "groups", "offline_access"),
            ["claims_supported"] = Array(
                "iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash", "sid",
                "name", "given_name", "family_name", "preferred_username", "email", "email_verified",
                "mobile_number", "roles", "groups", "customFields"),
            ["code_challenge_methods_supported"] = Array(Pkce.S256, Pkce.Plain),
            ["token_endpoint_auth_methods_supported"] = Array("client_secret_post", "client_secret_basic"),
            ["introspection_endpoint_auth_methods_supported"] = Array("client_secret_post", "client_secret_basic"),
            ["revocation_endpoint_auth_methods_supported"] = Array("client_secret_post", "client_secret_basic"),
            ["prompt_values_supported"] = Array("none", "login", "consent", "select_account"),
            ["claims_parameter_supported"] = false,
            ["request_parameter_supported"] = false,
            ["request_uri_parameter_supported"] = false,
            ["authorization_response_iss_parameter_supported"] = emulator.Options.AdvertiseAuthorizationResponseIss,
        };
        return Responses.WriteJsonAsync(context, document, noStore: false);
    }

    private static JsonArray Array(params string[] values) => new([.. values.Select(value => (JsonNode?)value)]);
}
