namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// How the client authenticates itself at cidaas's token service (RFC 6749 §2.3.1, RFC 7523 §2.2, OpenID Connect Core §9):
/// the token endpoint, revocation, introspection and pushed authorization requests alike.
/// </summary>
public enum CidaasClientAuthenticationMethod
{
    /// <summary><c>client_secret_post</c>: <c>client_id</c> and <c>client_secret</c> in the form body, as cidaas documents it.</summary>
    ClientSecretPost = 0,

    /// <summary><c>client_secret_basic</c>: HTTP Basic authentication with the form-url-encoded id and secret.</summary>
    ClientSecretBasic = 1,

    /// <summary>
    /// <c>client_secret_jwt</c>: a short-lived JWT signed with HS256 keyed with the client secret (at least 32 bytes in
    /// UTF-8) is sent as <c>client_assertion</c>; the secret itself never leaves the app.
    /// </summary>
    ClientSecretJwt = 2,

    /// <summary>
    /// <c>private_key_jwt</c>: a short-lived JWT signed with the client's private key (the <c>ClientSigningCredentials</c>
    /// option: RSA, EC or an X.509 certificate) is sent as <c>client_assertion</c>; cidaas holds only the public key.
    /// </summary>
    PrivateKeyJwt = 3,
}
