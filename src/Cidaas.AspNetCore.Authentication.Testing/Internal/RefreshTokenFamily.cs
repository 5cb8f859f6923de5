namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>
/// The tokens that descend from one authorization grant through refresh: every refresh token rotated out of the first
/// one, and every access token issued along the way. Revoking the family ends them all at once, as RFC 7009 §2.1 asks
/// of a revoked refresh token and RFC 9700 §4.14.2 of a rotated refresh token that is used again.
/// </summary>
internal sealed class RefreshTokenFamily
{
    public volatile bool Revoked;
}
