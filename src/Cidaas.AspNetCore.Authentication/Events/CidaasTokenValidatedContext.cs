using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>The context after the id_token passed every check.</summary>
public class CidaasTokenValidatedContext : RemoteAuthenticationContext<CidaasOptions>
{
    /// <summary>Creates the context.</summary>
    public CidaasTokenValidatedContext(HttpContext context, AuthenticationScheme scheme, CidaasOptions options, AuthenticationProperties properties, CidaasTokenResponse tokenResponse, JsonWebToken idToken)
        : base(context, scheme, options, properties)
    {
        TokenResponse = tokenResponse;
        IdToken = idToken;
    }

    /// <summary>The token endpoint's answer.</summary>
    public CidaasTokenResponse TokenResponse { get; }

    /// <summary>The validated id_token.</summary>
    public JsonWebToken IdToken { get; }
}
