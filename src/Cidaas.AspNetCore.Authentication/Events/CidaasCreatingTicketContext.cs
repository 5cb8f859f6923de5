using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>The context after the claims were built, before the authentication ticket is created.</summary>
public class CidaasCreatingTicketContext : ResultContext<CidaasOptions>
{
    /// <summary>Creates the context.</summary>
    public CidaasCreatingTicketContext(
        HttpContext context,
        AuthenticationScheme scheme,
        CidaasOptions options,
        ClaimsPrincipal principal,
        AuthenticationProperties properties,
        CidaasTokenResponse tokenResponse,
        JsonWebToken? idToken,
        JsonElement user)
        : base(context, scheme, options)
    {
        Principal = principal;
        Properties = properties;
        TokenResponse = tokenResponse;
        IdToken = idToken;
        User = user;
    }

    /// <summary>The token endpoint's answer.</summary>
    public CidaasTokenResponse TokenResponse { get; }

    /// <summary>The validated id_token, when there was one.</summary>
    public JsonWebToken? IdToken { get; }

    /// <summary>The user JSON the claims were made from (userinfo, or the id_token payload).</summary>
    public JsonElement User { get; }

    /// <summary>The access token.</summary>
    public string? AccessToken => TokenResponse.AccessToken;

    /// <summary>The main identity of the principal.</summary>
    public ClaimsIdentity? Identity => Principal?.Identity as ClaimsIdentity;
}
