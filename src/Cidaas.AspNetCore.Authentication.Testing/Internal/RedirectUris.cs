using System.Text;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>Redirect URI checks and the building of redirect locations with extra query parameters.</summary>
internal static class RedirectUris
{
    public static bool IsAllowed(CidaasEmulatorClient client, string redirectUri) =>
        IsAllowed(redirectUri, client.RedirectUris, client.AllowAnyRedirectUri, client.AllowLoopbackRedirectUris);

    public static bool IsAllowedAfterLogout(CidaasEmulatorClient client, string redirectUri) =>
        IsAllowed(redirectUri, client.PostLogoutRedirectUris, client.AllowAnyRedirectUri, client.AllowLoopbackRedirectUris);

    /// <summary>Appends parameters to a URI that may already have a query (RFC 6749 §3.1.2 keeps that query).</summary>
    public static string AppendQuery(string uri, IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        var builder = new StringBuilder(uri);
        var hasQuery = uri.Contains('?', StringComparison.Ordinal);
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            if (!hasQuery)
            {
                builder.Append('?');
                hasQuery = true;
            }
            else if (builder[^1] is not '?' and not '&')
            {
                builder.Append('&');
            }

            builder.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
    }

    private static bool IsAllowed(string redirectUri, IList<string> registered, bool allowAny, bool allowLoopback)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)
            || redirectUri.Contains('#', StringComparison.Ordinal))
        {
            return false;
        }

        if (registered.Contains(redirectUri, StringComparer.Ordinal) || allowAny)
        {
            return true;
        }

        return allowLoopback
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.IsLoopback;
    }
}
