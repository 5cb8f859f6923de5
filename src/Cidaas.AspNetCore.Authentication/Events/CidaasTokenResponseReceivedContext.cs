using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>The context after the token endpoint answered, before any token is validated.</summary>
public class CidaasTokenResponseReceivedContext : RemoteAuthenticationContext<CidaasOptions>
{
    /// <summary>Creates the context.</summary>
    public CidaasTokenResponseReceivedContext(HttpContext context, AuthenticationScheme scheme, CidaasOptions options, AuthenticationProperties properties, CidaasTokenResponse tokenResponse)
        : base(context, scheme, options, properties)
    {
        TokenResponse = tokenResponse;
    }

    /// <summary>The token endpoint's answer.</summary>
    public CidaasTokenResponse TokenResponse { get; }
}
