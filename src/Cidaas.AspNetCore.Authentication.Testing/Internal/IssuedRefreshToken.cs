namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>The emulator's record of an opaque refresh token it issued.</summary>
internal sealed class IssuedRefreshToken
{
    private int _rotated;

    public required string Token { get; init; }

    public required AuthorizationGrant Grant { get; init; }

    public required RefreshTokenFamily Family { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public volatile bool Revoked;

    /// <summary>Whether a refresh has replaced this token by a new one (rotation).</summary>
    public bool Rotated => Volatile.Read(ref _rotated) != 0;

    /// <summary>Neither revoked (itself or its family), nor rotated away, nor expired.</summary>
    public bool IsActive(DateTimeOffset now) => !Revoked && !Family.Revoked && !Rotated && now < ExpiresAt;

    /// <summary>Marks the token as replaced; <see langword="false"/> when another refresh replaced it first.</summary>
    public bool TryMarkRotated() => Interlocked.Exchange(ref _rotated, 1) == 0;
}
