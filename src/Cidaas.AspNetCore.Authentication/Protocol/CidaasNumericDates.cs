using System.Text.Json;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// The NumericDate members of a JWT payload (RFC 7519 §2): <c>exp</c>, <c>iat</c>, <c>nbf</c> and <c>auth_time</c>. A usable
/// date is a JSON number (a fraction is allowed and cut off) within the years 1 to 9999, the range of
/// <see cref="DateTimeOffset"/>. IdentityModel reads a string as a number and clamps a date past 9999, and
/// <see cref="DateTimeOffset.FromUnixTimeSeconds"/> throws on one: neither may decide whether a token is accepted.
/// </summary>
internal static class CidaasNumericDates
{
    private static readonly long MinSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    /// <summary>
    /// Checks every occurrence of the four members at the top level of <paramref name="utf8Payload"/> and returns the name
    /// of the first one that is not a usable date, or <see langword="null"/> when all are. <paramref name="issuedAt"/> is the
    /// last <c>iat</c>, the one IdentityModel reads too.
    /// </summary>
    /// <exception cref="JsonException">The payload is not JSON.</exception>
    public static string? FindUnusable(ReadOnlySpan<byte> utf8Payload, out DateTimeOffset? issuedAt)
    {
        issuedAt = null;
        var reader = new Utf8JsonReader(utf8Payload);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The payload is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueTextEquals("exp"u8) ? "exp"
                : reader.ValueTextEquals("iat"u8) ? "iat"
                : reader.ValueTextEquals("nbf"u8) ? "nbf"
                : reader.ValueTextEquals("auth_time"u8) ? "auth_time"
                : null;
            reader.Read();
            if (name is null)
            {
                reader.Skip();
                continue;
            }

            if (!TryRead(ref reader, out var date))
            {
                return name;
            }

            if (name == "iat")
            {
                issuedAt = date;
            }
        }

        return null;
    }

    /// <summary>Reads the NumericDate the reader stands on; <see langword="false"/> for anything but a number within the years 1 to 9999.</summary>
    public static bool TryRead(ref Utf8JsonReader reader, out DateTimeOffset date)
    {
        date = default;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return false;
        }

        long seconds;
        if (!reader.TryGetInt64(out seconds))
        {
            if (!reader.TryGetDouble(out var fractional) || !double.IsFinite(fractional)
                || fractional < MinSeconds || fractional >= MaxSeconds + 1)
            {
                return false;
            }

            seconds = (long)Math.Floor(fractional);
        }

        if (seconds < MinSeconds || seconds > MaxSeconds)
        {
            return false;
        }

        date = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }
}
