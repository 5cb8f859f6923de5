using System.Text.Json;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// The token endpoint's answer to the code exchange. Owns the parsed JSON document.
/// </summary>
public sealed class CidaasTokenResponse : IDisposable
{
    /// <summary>Wraps a token response document. The document is disposed with this object.</summary>
    public CidaasTokenResponse(JsonDocument response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Response = response;
        var root = response.RootElement;
        AccessToken = GetString(root, "access_token");
        TokenType = GetString(root, "token_type");
        RefreshToken = GetString(root, "refresh_token");
        IdToken = GetString(root, "id_token");
        Scope = GetString(root, "scope");
        ExpiresIn = root.TryGetProperty("expires_in", out var expiresIn)
            ? expiresIn.ValueKind switch
            {
                JsonValueKind.Number when expiresIn.TryGetInt64(out var seconds) => seconds,
                JsonValueKind.String when long.TryParse(expiresIn.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) => seconds,
                _ => null,
            }
            : null;
    }

    /// <summary>The whole JSON answer.</summary>
    public JsonDocument Response { get; }

    /// <summary>The access token.</summary>
    public string? AccessToken { get; }

    /// <summary>The token type; cidaas answers <c>Bearer</c>.</summary>
    public string? TokenType { get; }

    /// <summary>The refresh token, when <c>offline_access</c> was granted.</summary>
    public string? RefreshToken { get; }

    /// <summary>The id_token, when <c>openid</c> was granted.</summary>
    public string? IdToken { get; }

    /// <summary>The granted scopes, when the answer names them.</summary>
    public string? Scope { get; }

    /// <summary>The access token's lifetime in seconds, when given.</summary>
    public long? ExpiresIn { get; }

    /// <inheritdoc />
    public void Dispose() => Response.Dispose();

    private static string? GetString(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
