namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// A single, deliberate defect for the next token endpoint response
/// (see <see cref="CidaasEmulatorNextAnswers.TokenResponse(CidaasTokenResponseDefect)"/>).
/// </summary>
public enum CidaasTokenResponseDefect
{
    /// <summary>A correct token response.</summary>
    None,

    /// <summary>No <c>access_token</c> member.</summary>
    MissingAccessToken,

    /// <summary>No <c>id_token</c> member although <c>openid</c> was granted.</summary>
    MissingIdToken,

    /// <summary><c>token_type</c> is <c>mac</c> instead of <c>Bearer</c>.</summary>
    WrongTokenType,

    /// <summary>No <c>expires_in</c> member.</summary>
    MissingExpiresIn,
}
