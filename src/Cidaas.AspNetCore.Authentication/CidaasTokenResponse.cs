using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Protocol;

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
        AccessToken = CidaasJson.GetString(root, "access_token"u8);
        TokenType = CidaasJson.GetString(root, "token_type"u8);
        RefreshToken = CidaasJson.GetString(root, "refresh_token"u8);
        IdToken = CidaasJson.GetString(root, "id_token"u8);
        Scope = CidaasJson.GetString(root, "scope"u8);
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
}
