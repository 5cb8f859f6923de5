namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// The <c>aud</c> of the client assertions of <see cref="CidaasClientAuthenticationMethod.ClientSecretJwt"/> and
/// <see cref="CidaasClientAuthenticationMethod.PrivateKeyJwt"/>. cidaas documents neither; see <c>docs/cidaas-compatibility.md</c>.
/// </summary>
public enum CidaasClientAssertionAudience
{
    /// <summary>
    /// The URL of the endpoint the assertion is sent to: the token endpoint for the code exchange, refresh and client
    /// credentials (OpenID Connect Core §9: the audience SHOULD be the token endpoint URL), and the revocation,
    /// introspection or pushed authorization request endpoint for those calls. The default.
    /// </summary>
    Endpoint = 0,

    /// <summary>
    /// The issuer identifier (the <c>Authority</c>) as the sole audience, as draft-ietf-oauth-rfc7523bis and the 2025 OpenID
    /// errata recommend; choose it when the cidaas tenant refuses the endpoint URL.
    /// </summary>
    Issuer = 1,
}
