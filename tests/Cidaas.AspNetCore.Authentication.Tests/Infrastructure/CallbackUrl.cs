using Microsoft.AspNetCore.WebUtilities;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>Rewrites an authorization response (callback URL) the way an attacker would.</summary>
internal static class CallbackUrl
{
    /// <summary>The callback with some parameters replaced (or removed, for a <see langword="null"/> value).</summary>
    public static string With(Uri callback, params (string Name, string? Value)[] changes)
    {
        var query = QueryHelpers.ParseQuery(callback.Query).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());
        foreach (var (name, value) in changes)
        {
            if (value is null)
            {
                query.Remove(name);
            }
            else
            {
                query[name] = value;
            }
        }

        return QueryHelpers.AddQueryString(callback.GetLeftPart(UriPartial.Path), query);
    }

    /// <summary>The callback path with a query string taken verbatim, invalid encodings and all.</summary>
    public static string WithRawQuery(Uri callback, string rawQuery) => callback.GetLeftPart(UriPartial.Path) + "?" + rawQuery;

    public static string Parameter(Uri url, string name) => QueryHelpers.ParseQuery(url.Query)[name].ToString();
}
