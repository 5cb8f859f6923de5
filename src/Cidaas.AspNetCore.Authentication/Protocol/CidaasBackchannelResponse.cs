using System.Net;
using System.Text.Json;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>The back-channel answer read in full, within the size cap.</summary>
internal readonly record struct CidaasBackchannelResponse(HttpStatusCode StatusCode, ReadOnlyMemory<byte> Body, string? MediaType)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and <= 299;

    public bool IsJson => MediaType is null
        || MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses the body as one JSON object; <see langword="null"/> when it is empty, not JSON, or not an object.</summary>
    public JsonDocument? TryParseObject() => ParseObject(Body, maxDepth: 32);

    /// <summary>Parses one JSON object; <see langword="null"/> when the bytes are empty, not JSON, or not an object.</summary>
    public static JsonDocument? ParseObject(ReadOnlyMemory<byte> body, int maxDepth)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth });
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
