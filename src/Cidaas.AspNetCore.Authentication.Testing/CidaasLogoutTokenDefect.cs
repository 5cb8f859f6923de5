namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// A single, deliberate defect of a logout token the emulator creates (<see cref="CidaasEmulator.CreateLogoutToken"/>),
/// one per rule of OpenID Connect Back-Channel Logout 1.0 §2.6 that a relying party must check.
/// </summary>
public enum CidaasLogoutTokenDefect
{
    /// <summary>A correct logout token.</summary>
    None,

    /// <summary>The header says <c>alg: none</c> and the signature is empty.</summary>
    AlgNone,

    /// <summary>Signed with a key that is not in the emulator's key set (its <c>kid</c> is unknown).</summary>
    UnknownSigningKey,

    /// <summary>The signature bytes are flipped.</summary>
    BadSignature,

    /// <summary>The <c>iss</c> claim is a different issuer.</summary>
    WrongIssuer,

    /// <summary>The <c>aud</c> claim names another client.</summary>
    WrongAudience,

    /// <summary>No <c>events</c> claim.</summary>
    MissingEvents,

    /// <summary>The <c>events</c> claim has the back-channel logout event with a value that is not an object.</summary>
    EventNotAnObject,

    /// <summary>The <c>events</c> claim names another event only.</summary>
    OtherEvent,

    /// <summary>A <c>nonce</c> claim is present.</summary>
    NoncePresent,

    /// <summary>Neither <c>sub</c> nor <c>sid</c>.</summary>
    NoSubjectNoSession,

    /// <summary>No <c>jti</c> claim.</summary>
    MissingJti,

    /// <summary><c>exp</c> lies an hour in the past (and <c>iat</c> before it).</summary>
    Expired,

    /// <summary><c>iat</c> lies an hour in the future.</summary>
    FutureIat,

    /// <summary><c>iat</c> lies an hour in the past, <c>exp</c> an hour ahead: too old for a logout token.</summary>
    TooOld,

    /// <summary>The <c>typ</c> header is <c>JWT</c>, an id_token's type.</summary>
    TypeJwt,

    /// <summary>The <c>typ</c> header is left out, as cidaas may send it.</summary>
    NoType,

    /// <summary>Signed with HS256, keyed with the UTF-8 bytes of the published public JWK JSON (key confusion attack).</summary>
    Hs256WithPublicKey,
}
