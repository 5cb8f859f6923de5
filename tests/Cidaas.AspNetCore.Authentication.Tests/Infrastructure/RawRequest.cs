using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>The answer to a <see cref="RawRequest"/>.</summary>
internal sealed record RawResponse(int StatusCode, IHeaderDictionary Headers, string Body)
{
    public IEnumerable<string> SetCookies => Headers.SetCookie.OfType<string>();

    public bool SetsSignInCookie => SetCookies.Any(c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal) && !c.StartsWith(".AspNetCore.Cookies=;", StringComparison.Ordinal));
}

/// <summary>
/// Sends a request straight into a <see cref="TestServer"/>, bypassing <see cref="Uri"/> and header validation: the
/// query string, the method and the headers arrive byte for byte as an attacker would send them (an
/// <see cref="HttpRequestMessage"/> would re-escape <c>%ZZ</c> into <c>%25ZZ</c>).
/// </summary>
internal static class RawRequest
{
    public static async Task<RawResponse> SendAsync(
        TestServer server,
        string method,
        string path,
        string? rawQuery,
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        byte[]? body = null)
    {
        var context = await server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = new PathString(path);
            c.Request.QueryString = rawQuery is null ? QueryString.Empty : new QueryString("?" + rawQuery);
            foreach (var (name, value) in headers ?? [])
            {
                if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
                {
                    c.Request.Headers.Host = value;
                }
                else
                {
                    c.Request.Headers.Append(name, value);
                }
            }

            if (body is not null)
            {
                c.Request.Body = new MemoryStream(body);
                c.Request.ContentLength = body.Length;
            }
        });

        using var reader = new StreamReader(context.Response.Body);
        return new RawResponse(context.Response.StatusCode, context.Response.Headers, await reader.ReadToEndAsync());
    }
}
