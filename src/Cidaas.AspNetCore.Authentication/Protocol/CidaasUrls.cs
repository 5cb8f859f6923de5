using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>URL helpers: loopback detection, local return URLs and endpoint composition.</summary>
internal static class CidaasUrls
{
    // RFC 3986 unreserved and reserved characters: what a URI reference may hold as it is ('%' is judged apart).
    private static readonly SearchValues<char> UriCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=");

    public static bool IsLoopback(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>Removes the trailing slashes of an authority or issuer so that two spellings compare equal.</summary>
    public static string TrimTrailingSlash(string value) => value.TrimEnd('/');

    public static string Combine(string authority, string path) => TrimTrailingSlash(authority) + path;

    /// <summary>
    /// A return URL is local when it is a path on this site: it starts with one '/' that is not followed by
    /// another '/' or a '\', or with "~/", and holds no control characters. Everything else (absolute,
    /// protocol-relative, backslash tricks, javascript:) is refused.
    /// </summary>
    public static bool IsLocalUrl([NotNullWhen(true)] string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return false;
        }

        foreach (var c in url)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        if (url[0] == '/')
        {
            return url.Length == 1 || (url[1] != '/' && url[1] != '\\');
        }

        if (url.Length > 1 && url[0] == '~' && url[1] == '/')
        {
            return url.Length == 2 || (url[2] != '/' && url[2] != '\\');
        }

        return false;
    }

    /// <summary>
    /// A local URL as it may stand in a <c>Location</c> header: every character a URI may not hold (non-ASCII text as
    /// UTF-8, a space, <c>"</c>, <c>&lt;</c>, <c>&gt;</c>, <c>\</c>, <c>^</c>, <c>`</c>, <c>{</c>, <c>|</c>, <c>}</c>, and a
    /// <c>%</c> that starts no escape) is percent-encoded, while valid escapes and the reserved characters of the path and
    /// the query stay as they are, so encoding twice changes nothing. Kestrel refuses a header value with characters
    /// outside ASCII, which ended the sign-in in a 500. <see langword="null"/> when the URL is not valid UTF-16 (a lone
    /// surrogate): it names no page.
    /// </summary>
    public static string? EncodeForLocation(string url)
    {
        var first = url.AsSpan().IndexOfAnyExcept(UriCharacters);
        if (first < 0)
        {
            return url;
        }

        var builder = new StringBuilder(url.Length + 16).Append(url, 0, first);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = first; i < url.Length; i++)
        {
            var c = url[i];
            if (UriCharacters.Contains(c))
            {
                builder.Append(c);
            }
            else if (c == '%' && i + 2 < url.Length && char.IsAsciiHexDigit(url[i + 1]) && char.IsAsciiHexDigit(url[i + 2]))
            {
                builder.Append(url, i, 3);
                i += 2;
            }
            else
            {
                if (Rune.DecodeFromUtf16(url.AsSpan(i), out var rune, out var consumed) != OperationStatus.Done)
                {
                    return null;
                }

                var length = rune.EncodeToUtf8(utf8);
                foreach (var b in utf8[..length])
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }

                i += consumed - 1;
            }
        }

        return builder.ToString();
    }
}
