using System.Text.Json;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>How one id_token deviates from a correct one: a defect, or payload members with raw JSON values (null: left out).</summary>
internal sealed record IdTokenArrangement(CidaasIdTokenDefect Defect, IReadOnlyList<KeyValuePair<string, JsonElement?>> Members)
{
    public static IdTokenArrangement None { get; } = new(CidaasIdTokenDefect.None, []);
}
