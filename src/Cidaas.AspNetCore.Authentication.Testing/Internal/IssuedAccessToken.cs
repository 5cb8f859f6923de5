namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>The emulator's record of an access token it issued, looked up by <c>jti</c>.</summary>
internal sealed class IssuedAccessToken
{
    public required string TokenId { get; init; }

    public required AuthorizationGrant Grant { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public volatile bool Revoked;
}
