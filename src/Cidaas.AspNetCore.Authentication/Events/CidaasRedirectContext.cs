using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>The context of a redirect to cidaas (authorization or end-session endpoint).</summary>
public class CidaasRedirectContext : PropertiesContext<CidaasOptions>
{
    /// <summary>Creates the context.</summary>
    public CidaasRedirectContext(HttpContext context, AuthenticationScheme scheme, CidaasOptions options, AuthenticationProperties properties, string redirectUri)
        : base(context, scheme, options, properties)
    {
        RedirectUri = redirectUri;
    }

    /// <summary>The full URL the browser is sent to, with every protocol parameter.</summary>
    public string RedirectUri { get; set; }
}
