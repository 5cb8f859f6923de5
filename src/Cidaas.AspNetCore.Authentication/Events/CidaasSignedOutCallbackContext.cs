using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>The context of the signed-out callback, when cidaas sends the user back after sign-out.</summary>
public class CidaasSignedOutCallbackContext : PropertiesContext<CidaasOptions>
{
    /// <summary>Creates the context.</summary>
    public CidaasSignedOutCallbackContext(HttpContext context, AuthenticationScheme scheme, CidaasOptions options, AuthenticationProperties? properties, string redirectUri)
        : base(context, scheme, options, properties)
    {
        StateIsValid = properties is not null;
        RedirectUri = redirectUri;
    }

    /// <summary>Whether the state of the sign-out was present and valid.</summary>
    public bool StateIsValid { get; }

    /// <summary>The local URL the user is sent to. Only local URLs are followed.</summary>
    public string RedirectUri { get; set; }

    /// <summary>Whether an event wrote the response itself.</summary>
    public bool Handled { get; private set; }

    /// <summary>Tells the handler that the event wrote the response itself.</summary>
    public void HandleResponse() => Handled = true;
}
