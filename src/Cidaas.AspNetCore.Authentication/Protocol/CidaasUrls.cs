using System.Net;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>URL helpers: loopback detection, local return URLs and endpoint composition.</summary>
internal static class CidaasUrls
{
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
    public static bool IsLocalUrl(string? url)
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
}
