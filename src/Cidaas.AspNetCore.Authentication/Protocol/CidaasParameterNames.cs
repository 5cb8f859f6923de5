namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>OAuth 2.0 and OpenID Connect parameter names used on the wire.</summary>
internal static class CidaasParameterNames
{
    public const string ResponseType = "response_type";
    public const string ClientId = "client_id";
    public const string ClientSecret = "client_secret";
    public const string RedirectUri = "redirect_uri";
    public const string Scope = "scope";
    public const string State = "state";
    public const string Nonce = "nonce";
    public const string CodeChallenge = "code_challenge";
    public const string CodeChallengeMethod = "code_challenge_method";
    public const string CodeVerifier = "code_verifier";
    public const string Code = "code";
    public const string GrantType = "grant_type";
    public const string Error = "error";
    public const string ErrorDescription = "error_description";
    public const string ErrorUri = "error_uri";
    public const string Issuer = "iss";
    public const string IdTokenHint = "id_token_hint";
    public const string AccessTokenHint = "access_token_hint";
    public const string PostLogoutRedirectUri = "post_logout_redirect_uri";
    public const string Token = "token";
    public const string TokenTypeHint = "token_type_hint";
    public const string RefreshToken = "refresh_token";
    public const string ClientAssertion = "client_assertion";
    public const string ClientAssertionType = "client_assertion_type";
    public const string RequestUri = "request_uri";
    public const string ExpiresIn = "expires_in";

    /// <summary>Parameters the handler sets itself; no additional or per-challenge parameter may replace them.</summary>
    public static bool IsReserved(string name) => name switch
    {
        ResponseType or ClientId or RedirectUri or State or Nonce or CodeChallenge or CodeChallengeMethod
            or ClientSecret or CodeVerifier or Code or GrantType or ClientAssertion or ClientAssertionType or RequestUri => true,
        _ => false,
    };
}
