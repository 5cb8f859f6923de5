namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// How the client authenticates itself at the token endpoint (RFC 6749 §2.3.1).
/// </summary>
public enum CidaasClientAuthenticationMethod
{
    /// <summary><c>client_secret_post</c>: <c>client_id</c> and <c>client_secret</c> in the form body, as cidaas documents it.</summary>
    ClientSecretPost = 0,

    /// <summary><c>client_secret_basic</c>: HTTP Basic authentication with the form-url-encoded id and secret.</summary>
    ClientSecretBasic = 1,
}
