namespace Cidaas.AspNetCore.Authentication;

/// <summary>The time comparisons of the bearer handler, for JWTs and introspection answers alike.</summary>
internal static class CidaasBearerLifetime
{
    public const string IssuedInTheFutureDescription = "The token was issued in the future";

    /// <summary>
    /// Whether <paramref name="time"/> is more than <paramref name="skew"/> after <paramref name="reference"/>; a missing
    /// time is never later. The difference is compared, so that a time at the end of the calendar cannot overflow.
    /// </summary>
    public static bool IsLater(DateTime? time, DateTime? reference, TimeSpan skew)
        => time is { } t && reference is { } r && t > r && t - r > skew;
}
