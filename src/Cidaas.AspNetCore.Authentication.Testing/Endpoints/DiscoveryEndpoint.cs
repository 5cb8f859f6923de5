using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary><c>/.well-known/openid-configuration</c>: the OpenID Connect discovery document.</summary>
internal static class DiscoveryEndpoint
{
    public const string Path = "/.well-known/openid-configuration";

    /// <summary>
    /// The members, values and order of the discovery document of a real cidaas tenant (the fixture in
    /// <c>Cidaas/cidaas-sdk-php tests/AbstractCidaasTestParent.php</c>), with the emulator's authority in the URLs. It
    /// advertises what cidaas advertises, also what the emulator does not serve (implicit flow, HS256, the device
    /// endpoint, …): a relying party must pick what it needs, not take the list as an offer. The one member added on
    /// request is <c>authorization_response_iss_parameter_supported</c> (<see cref="CidaasEmulatorOptions.AdvertiseAuthorizationResponseIss"/>),
    /// and the PAR members (<see cref="CidaasEmulatorOptions.AdvertisePushedAuthorizationRequests"/>, <see cref="CidaasEmulatorOptions.RequirePushedAuthorizationRequests"/>).
    /// </summary>
    public static Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        var authority = emulator.Authority;
        var document = new JsonObject
        {
            ["issuer"] = emulator.Options.DiscoveryIssuer ?? authority,
            ["userinfo_endpoint"] = authority + UserInfoEndpoint.Path,
            ["authorization_endpoint"] = authority + AuthorizeEndpoint.Path,
            ["introspection_endpoint"] = authority + IntrospectionEndpoint.Path,
            ["introspection_async_update_endpoint"] = authority + IntrospectionEndpoint.Path + "/async/tokenusage",
            ["revocation_endpoint"] = authority + RevocationEndpoint.Path,
            ["token_endpoint"] = authority + TokenEndpoint.Path,
            ["jwks_uri"] = authority + JwksEndpoint.Path,
            ["check_session_iframe"] = authority + "/session/check_session",
            ["end_session_endpoint"] = authority + EndSessionEndpoint.Path,
            ["social_provider_token_resolver_endpoint"] = authority + "/login-srv/social/token",
            ["device_authorization_endpoint"] = authority + "/authz-srv/device/authz",
            ["subject_types_supported"] = Array("public"),
            ["scopes_supported"] = Array("openid", "profile", "email", "phone", "address", "offline_access", "identities", "roles", "groups"),
            ["response_types_supported"] = Array("code", "token", "id_token", "code token", "code id_token", "token id_token", "code token id_token"),
            ["response_modes_supported"] = Array("query", "fragment", "form_post"),
            ["grant_types_supported"] = Array("implicit", "authorization_code", "refresh_token", "password", "client_credentials"),
            ["id_token_signing_alg_values_supported"] = Array("HS256", "RS256"),
            ["id_token_encryption_alg_values_supported"] = Array("RS256"),
            ["id_token_encryption_enc_values_supported"] = Array("A128CBC-HS256"),
            ["userinfo_signing_alg_values_supported"] = Array("HS256", "RS256"),
            ["userinfo_encryption_alg_values_supported"] = Array("RS256"),
            ["userinfo_encryption_enc_values_supported"] = Array("A128CBC-HS256"),
            ["request_object_signing_alg_values_supported"] = Array("HS256", "RS256"),
            ["request_object_encryption_alg_values_supported"] = Array("RS256"),
            ["request_object_encryption_enc_values_supported"] = Array("A128CBC-HS256"),
            ["token_endpoint_auth_methods_supported"] = Array("client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt"),
            ["token_endpoint_auth_signing_alg_values_supported"] = Array("HS256", "RS256"),
            ["claims_supported"] = Array(
                "aud", "auth_time", "created_at", "email", "email_verified", "exp", "family_name", "given_name", "iat",
                "identities", "iss", "mobile_number", "name", "nickname", "phone_number", "picture", "sub"),
            ["claims_parameter_supported"] = false,
            ["claim_types_supported"] = Array("normal"),
            ["service_documentation"] = "https://docs.cidaas.de/",
            ["claims_locales_supported"] = Array("en-US"),
            ["ui_locales_supported"] = Array("en-US", "de-DE"),
            ["display_values_supported"] = Array("page", "popup"),
            ["code_challenge_methods_supported"] = Array(Pkce.Plain, Pkce.S256),
            ["request_parameter_supported"] = true,
            ["request_uri_parameter_supported"] = true,
            ["require_request_uri_registration"] = false,
            ["op_policy_uri"] = "https://www.cidaas.com/privacy-policy/",
            ["op_tos_uri"] = "https://www.cidaas.com/terms-of-use/",
            ["scim_endpoint"] = authority + "/users-srv/scim/v2",
        };
        if (emulator.Options.AdvertiseAuthorizationResponseIss)
        {
            document["authorization_response_iss_parameter_supported"] = true;
        }

        if (emulator.Options.AdvertisePushedAuthorizationRequests)
        {
            document["pushed_authorization_request_endpoint"] = authority + PushedAuthorizationEndpoint.Path;
        }

        if (emulator.Options.RequirePushedAuthorizationRequests)
        {
            document["require_pushed_authorization_requests"] = true;
        }

        return Responses.WriteJsonAsync(context, document, noStore: false);
    }

    private static JsonArray Array(params string[] values) => new([.. values.Select(value => (JsonNode?)value)]);
}
