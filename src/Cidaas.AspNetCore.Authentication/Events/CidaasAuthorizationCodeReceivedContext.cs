using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>The context after the authorization code arrived, before it is exchanged at the token endpoint.</summary>
public class CidaasAuthorizationCodeReceivedContext : RemoteAuthenticationContext<CidaasOptions>
{
    private IDictionary<string, string>? _tokenRequestParameters;

    /// <summary>Creates the context.</summary>
    public CidaasAuthorizationCodeReceivedContext(HttpContext context, AuthenticationScheme scheme, CidaasOptions options, AuthenticationProperties properties, string code, string redirectUri)
        : base(context, scheme, options, properties)
    {
        Code = code;
        RedirectUri = redirectUri;
    }

    /// <summary>The authorization code. Never log it.</summary>
    public string Code { get; }

    /// <summary>The <c>redirect_uri</c> sent with the authorization request, which the token request repeats.</summary>
    public string RedirectUri { get; }

    /// <summary>Extra form parameters for the token request.</summary>
    public IDictionary<string, string> TokenRequestParameters => _tokenRequestParameters ??= new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The extra parameters when an event asked for them; most sign-ins have none and make no dictionary.</summary>
    internal IDictionary<string, string>? TokenRequestParametersIfAny => _tokenRequestParameters;

    /// <summary>A token response the event got by itself; when set, the handler does not call the token endpoint.</summary>
    public CidaasTokenResponse? TokenResponse { get; private set; }

    /// <summary>Tells the handler that the event redeemed the code itself.</summary>
    public void HandleCodeRedemption(CidaasTokenResponse tokenResponse)
    {
        ArgumentNullException.ThrowIfNull(tokenResponse);
        TokenResponse = tokenResponse;
    }
}
