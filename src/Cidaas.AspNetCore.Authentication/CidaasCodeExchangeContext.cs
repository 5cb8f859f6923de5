using Microsoft.AspNetCore.Authentication;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// What <see cref="CidaasHandler.ExchangeCodeAsync"/> redeems: the code of the authorization response and what the
/// authorization request sent with it.
/// </summary>
public class CidaasCodeExchangeContext
{
    private IDictionary<string, string>? _tokenRequestParameters;

    /// <summary>Creates the context.</summary>
    /// <param name="properties">The sign-in's properties.</param>
    /// <param name="code">The authorization code.</param>
    /// <param name="redirectUri">The <c>redirect_uri</c> of the authorization request.</param>
    /// <param name="codeVerifier">The PKCE verifier of the authorization request, when PKCE is on.</param>
    /// <param name="tokenRequestParameters">Extra form parameters for the token request; <see langword="null"/> for none yet.</param>
    public CidaasCodeExchangeContext(
        AuthenticationProperties properties, string code, string redirectUri, string? codeVerifier, IDictionary<string, string>? tokenRequestParameters = null)
    {
        ArgumentNullException.ThrowIfNull(properties);
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(redirectUri);
        Properties = properties;
        Code = code;
        RedirectUri = redirectUri;
        CodeVerifier = codeVerifier;
        _tokenRequestParameters = tokenRequestParameters;
    }

    /// <summary>The sign-in's properties.</summary>
    public AuthenticationProperties Properties { get; }

    /// <summary>The authorization code. Never log it.</summary>
    public string Code { get; }

    /// <summary>The <c>redirect_uri</c> of the authorization request, which the token request repeats byte for byte.</summary>
    public string RedirectUri { get; }

    /// <summary>The PKCE verifier of the authorization request; <see langword="null"/> when PKCE is off. Never log it.</summary>
    public string? CodeVerifier { get; }

    /// <summary>
    /// Extra form parameters for the token request (see <see cref="CidaasAuthorizationCodeReceivedContext.TokenRequestParameters"/>);
    /// those the exchange sets itself are left out.
    /// </summary>
    public IDictionary<string, string> TokenRequestParameters => _tokenRequestParameters ??= new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The extra parameters when there are any (none is the rule: no dictionary is made for them).</summary>
    internal IDictionary<string, string>? TokenRequestParametersIfAny => _tokenRequestParameters;
}
