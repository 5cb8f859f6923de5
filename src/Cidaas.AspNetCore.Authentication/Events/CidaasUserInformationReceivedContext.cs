using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>The context after the userinfo endpoint answered.</summary>
public class CidaasUserInformationReceivedContext : RemoteAuthenticationContext<CidaasOptions>
{
    /// <summary>Creates the context.</summary>
    public CidaasUserInformationReceivedContext(HttpContext context, AuthenticationScheme scheme, CidaasOptions options, AuthenticationProperties properties, CidaasTokenResponse tokenResponse, JsonElement user)
        : base(context, scheme, options, properties)
    {
        TokenResponse = tokenResponse;
        User = user;
    }

    /// <summary>The token endpoint's answer.</summary>
    public CidaasTokenResponse TokenResponse { get; }

    /// <summary>The userinfo JSON object.</summary>
    public JsonElement User { get; }
}
