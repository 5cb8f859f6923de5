namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>The emulator's record of an access token it issued, looked up by <c>jti</c>.</summary>
internal sealed class IssuedAccessToken
{
    public required string TokenId { get; init; }

    public required AuthorizationGrant Grant { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>
    /// The SHA-256 of the token's text. cidaas gives the id_token of an answer the access token's <c>jti</c>, so the
    /// <c>jti</c> alone does not tell the access token from its id_token.
    /// </summary>
    public byte[] Fingerprint { get; set; } = [];

    /// <summary>The refresh-token family the token was issued in, when the grant has refresh tokens.</summary>
    public RefreshTokenFamily? Family { get; init; }

    public volatile bool Revoked;

    /// <summary>Revoked itself, or with its refresh-token family.</summary>
    public bool IsRevoked => Revoked || Family?.Revoked == true;
}
