using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// The audience rule for cidaas access tokens: one of the token's <c>aud</c> values is a configured audience; a token
/// without <c>aud</c> is judged by its <c>client_id</c> instead. A token that names other audiences is never accepted
/// because of its <c>client_id</c>: that would let a token meant for another API in.
/// </summary>
internal static class CidaasBearerAudience
{
    public static bool IsAccepted(IEnumerable<string>? audiences, SecurityToken? token, ICollection<string> configured)
    {
        var any = false;
        if (audiences is not null)
        {
            foreach (var audience in audiences)
            {
                any = true;
                if (audience is not null && configured.Contains(audience))
                {
                    return true;
                }
            }
        }

        return !any
            && token is JsonWebToken jwt
            && jwt.TryGetPayloadValue<string>(CidaasBearerClaimTypes.ClientId, out var clientId)
            && clientId is not null
            && configured.Contains(clientId);
    }

    public static bool IsAccepted(JsonElement payload, ICollection<string> configured)
    {
        if (payload.TryGetProperty("aud"u8, out var audience) && audience.ValueKind is JsonValueKind.String or JsonValueKind.Array)
        {
            if (audience.ValueKind == JsonValueKind.String)
            {
                return audience.GetString() is { } single && configured.Contains(single);
            }

            var any = false;
            foreach (var item in audience.EnumerateArray())
            {
                any = true;
                if (item.ValueKind == JsonValueKind.String && item.GetString() is { } value && configured.Contains(value))
                {
                    return true;
                }
            }

            if (any)
            {
                return false;
            }
        }

        return payload.TryGetProperty("client_id"u8, out var clientId)
            && clientId.ValueKind == JsonValueKind.String
            && clientId.GetString() is { } id
            && configured.Contains(id);
    }
}
