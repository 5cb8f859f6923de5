namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// A single, deliberate defect for the next id_token the emulator issues
/// (see <see cref="CidaasEmulatorNextAnswers.IdToken(CidaasIdTokenDefect)"/>).
/// </summary>
public enum CidaasIdTokenDefect
{
    /// <summary>A correct id_token.</summary>
    None,

    /// <summary>The signature bytes are flipped.</summary>
    BadSignature,

    /// <summary>The header says <c>alg: none</c> and the signature is empty.</summary>
    AlgNone,

    /// <summary>Signed with HS256, keyed with the UTF-8 bytes of the published public JWK JSON (key confusion attack).</summary>
    Hs256WithPublicKey,

    /// <summary>The <c>iss</c> claim is a different issuer.</summary>
    WrongIssuer,

    /// <summary>No <c>aud</c> claim.</summary>
    MissingAudience,

    /// <summary>The <c>aud</c> claim names another client.</summary>
    WrongAudience,

    /// <summary><c>aud</c> is <c>[client_id, "other-api"]</c> and there is no <c>azp</c>.</summary>
    ExtraUntrustedAudience,

    /// <summary>The token expired an hour ago.</summary>
    Expired,

    /// <summary>No <c>iat</c> claim.</summary>
    MissingIat,

    /// <summary>No <c>sub</c> claim.</summary>
    MissingSub,

    /// <summary>No <c>nonce</c> claim although the authorization request had one.</summary>
    MissingNonce,

    /// <summary>A <c>nonce</c> other than the one in the authorization request.</summary>
    WrongNonce,

    /// <summary>Not a JWT at all.</summary>
    Malformed,

    /// <summary>Signed with an RSA key whose <c>kid</c> is never published in the JWKS.</summary>
    UnknownSigningKey,

    /// <summary><c>iat</c> lies an hour in the future.</summary>
    FutureIat,

    /// <summary>The <c>azp</c> claim names another client.</summary>
    WrongAzp,

    /// <summary><c>aud</c> is <c>[client_id, "other-api"]</c> and <c>azp</c> is the client: an audience the client does not trust.</summary>
    ExtraUntrustedAudienceWithAzp,

    /// <summary>
    /// The header lists an extension in <c>crit</c> (<c>"crit": ["urn:cidaas-emulator:unknown"]</c>, with that parameter
    /// set), which a relying party cannot understand and must therefore reject (RFC 7515 §4.1.11).
    /// </summary>
    CriticalHeader,
}
