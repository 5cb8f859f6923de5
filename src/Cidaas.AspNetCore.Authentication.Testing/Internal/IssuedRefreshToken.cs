namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>The emulator's record of an opaque refresh token it issued.</summary>
internal sealed class IssuedRefreshToken
{
    public required string Token { get; init; }

    public required AuthorizationGrant Grant { get; init; }

    public volatile bool Revoked;
}
