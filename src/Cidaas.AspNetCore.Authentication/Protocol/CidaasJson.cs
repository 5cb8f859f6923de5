using System.Text.Json;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>Reads members of the JSON objects cidaas answers with.</summary>
internal static class CidaasJson
{
    /// <summary>The member's value when it is a JSON string; <see langword="null"/> when it is missing or anything else.</summary>
    public static string? GetString(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) ? AsString(value) : null;

    /// <inheritdoc cref="GetString(JsonElement, string)"/>
    public static string? GetString(JsonElement element, ReadOnlySpan<byte> utf8Name)
        => element.TryGetProperty(utf8Name, out var value) ? AsString(value) : null;

    /// <summary>The member of an object when it is there and of the given kind (an array of groups, an object of fields, …).</summary>
    public static bool TryGetMember(JsonElement element, string name, JsonValueKind kind, out JsonElement value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value) && value.ValueKind == kind;
    }

    private static string? AsString(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
