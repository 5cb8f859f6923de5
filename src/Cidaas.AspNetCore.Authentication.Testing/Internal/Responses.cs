using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>Writes the emulator's answers: JSON, OAuth errors (RFC 6749 §5.2), HTML pages and redirects.</summary>
internal static class Responses
{
    // JSON bodies are never embedded in HTML, so "+" in a phone number need not become "\u002B".
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Task WriteJsonAsync(HttpContext context, JsonNode body, int statusCode = StatusCodes.Status200OK, bool noStore = true)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        if (noStore)
        {
            response.Headers.CacheControl = "no-store";
            response.Headers.Pragma = "no-cache";
        }

        return response.WriteAsync(body.ToJsonString(JsonOptions), Encoding.UTF8, context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, string error, string description, int statusCode = StatusCodes.Status400BadRequest)
    {
        var body = new JsonObject { ["error"] = error, ["error_description"] = description };
        return WriteJsonAsync(context, body, statusCode);
    }

    public static Task WriteInvalidClientAsync(HttpContext context, string description)
    {
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"cidaas\"";
        return WriteErrorAsync(context, "invalid_client", description, StatusCodes.Status401Unauthorized);
    }

    public static Task WriteHtmlAsync(HttpContext context, string title, string bodyHtml, int statusCode = StatusCodes.Status200OK, string language = "en")
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        // No form-action here: browsers apply it to the redirect that follows the login POST.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="{{Encode(language)}}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{Encode(title)}} - cidaas emulator</title>
            <style>
            body { font-family: system-ui, sans-serif; background: #f3f5f8; margin: 0; }
            main { max-width: 26rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: .5rem; box-shadow: 0 1px 4px #0002; }
            h1 { font-size: 1.4rem; margin-top: 0; }
            label { display: block; margin-top: 1rem; font-weight: 600; }
            input[type=text], input[type=email], input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; margin-top: .25rem; }
            .actions { margin-top: 1.5rem; display: flex; gap: .5rem; }
            button { padding: .55rem 1.2rem; border: 1px solid #0b5cad; border-radius: .3rem; background: #0b5cad; color: #fff; font: inherit; cursor: pointer; }
            button:hover, button:focus-visible { background: #094a8b; }
            button#cancel { background: #fff; color: #0b5cad; }
            .hint { margin-top: 1.5rem; color: #555; font-size: .85rem; border-top: 1px solid #e3e6ea; padding-top: .75rem; }
            .error { color: #a00; background: #fee; padding: .5rem; border-radius: .25rem; }
            .scopes { color: #555; font-size: .9rem; }
            </style>
            </head>
            <body>
            <main>
            <h1>{{Encode(title)}}</h1>
            {{bodyHtml}}
            </main>
            </body>
            </html>
            """;
        return response.WriteAsync(html, Encoding.UTF8, context.RequestAborted);
    }

    public static Task WriteErrorPageAsync(HttpContext context, string message, int statusCode = StatusCodes.Status400BadRequest) =>
        WriteHtmlAsync(context, "Error", $"<p class=\"error\" id=\"error\">{Encode(message)}</p>", statusCode);

    public static void Redirect(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
        context.Response.Headers.CacheControl = "no-store";
    }

    public static string Encode(string? value) => WebUtility.HtmlEncode(value ?? "");
}
