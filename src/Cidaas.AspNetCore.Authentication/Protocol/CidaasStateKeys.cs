namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>Keys of the values kept in the protected state (<c>AuthenticationProperties.Items</c>).</summary>
internal static class CidaasStateKeys
{
    public const string CodeVerifier = "cidaas.code_verifier";
    public const string Nonce = "cidaas.nonce";
    public const string RedirectUri = "cidaas.redirect_uri";
    public const string Issuer = "cidaas.issuer";
    public const string ExpiresAt = "cidaas.expires";
    public const string Purpose = "cidaas.purpose";
    public const string SignInPurpose = "signin";
    public const string SignOutPurpose = "signout";
}
