namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Keys of the values kept in the protected state (<c>AuthenticationProperties.Items</c>). They travel in every
/// authorization URL, so they are short; the "c:" prefix keeps them apart from the application's own items.
/// </summary>
internal static class CidaasStateKeys
{
    public const string CodeVerifier = "c:cv";
    public const string Nonce = "c:n";
    public const string RedirectUri = "c:ru";
    public const string ExpiresAt = "c:exp";
    public const string Purpose = "c:p";
    public const string SignInPurpose = "signin";
    public const string SignOutPurpose = "signout";

    /// <summary>The <c>max_age</c> the challenge sent, in seconds; the callback checks the id_token's <c>auth_time</c> against it.</summary>
    public const string MaxAge = "c:ma";

    /// <summary>The <c>acr_values</c> the challenge sent when <c>RequireAcr</c> is on; the id_token's <c>acr</c> must be one of them.</summary>
    public const string RequiredAcr = "c:acr";

    /// <summary>
    /// The id_token, kept in the session's properties when <c>SaveTokens</c> is off, for the sign-out's
    /// <c>id_token_hint</c> only: without a hint cidaas ignores <c>post_logout_redirect_uri</c>.
    /// </summary>
    public const string IdTokenHint = "c:ith";
}
