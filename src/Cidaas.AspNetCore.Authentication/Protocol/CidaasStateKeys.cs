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
}
