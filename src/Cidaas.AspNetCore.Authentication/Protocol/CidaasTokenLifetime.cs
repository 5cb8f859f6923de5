using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// The lifetime check of every token the package validates (id_tokens, access tokens, introspection answers): on the
/// scheme's clock, with the skew moving "now" and never the token's dates, and without overflowing at the ends of the
/// calendar (IdentityModel passes <see cref="DateTime.MinValue"/> for a missing <c>nbf</c>, and an <c>exp</c> may lie
/// in the year 9999).
/// </summary>
internal static class CidaasTokenLifetime
{
    /// <summary>
    /// Whether <paramref name="time"/> is more than <paramref name="skew"/> after <paramref name="reference"/>; a missing
    /// time is never later. The difference is compared, so that a time at the end of the calendar cannot overflow.
    /// </summary>
    public static bool IsLater(DateTime? time, DateTime? reference, TimeSpan skew)
        => time is { } t && reference is { } r && t > r && t - r > skew;

    /// <summary>
    /// Requires an expiry (unless <paramref name="expiryRequired"/> is <see langword="false"/>), then refuses a token that
    /// is not valid yet (<c>nbf</c> later than now plus the skew) or has expired (now later than <c>exp</c> plus the skew),
    /// in the order of IdentityModel's own check.
    /// </summary>
    /// <exception cref="SecurityTokenNoExpirationException">The token has no expiry, and one is required.</exception>
    /// <exception cref="SecurityTokenNotYetValidException">The token is not valid yet.</exception>
    /// <exception cref="SecurityTokenExpiredException">The token has expired.</exception>
    public static void Validate(DateTime? notBefore, DateTime? expires, DateTime now, TimeSpan skew, bool expiryRequired = true)
    {
        if (expires is null && expiryRequired)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiration.");
        }

        if (IsLater(notBefore, now, skew))
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = notBefore!.Value };
        }

        if (IsLater(now, expires, skew))
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires!.Value };
        }
    }
}
