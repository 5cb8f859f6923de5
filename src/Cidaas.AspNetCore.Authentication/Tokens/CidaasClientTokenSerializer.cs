using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Hybrid;

namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>Client tokens at rest in HybridCache's distributed tier are protected with Data Protection.</summary>
internal sealed class CidaasClientTokenSerializer(IDataProtectionProvider dataProtection) : IHybridCacheSerializer<CidaasClientToken>
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("Cidaas.AspNetCore.Authentication.Tokens.CidaasClientToken", "v1");

    public CidaasClientToken Deserialize(ReadOnlySequence<byte> source)
    {
        using var document = JsonDocument.Parse(_protector.Unprotect(source.ToArray()));
        var root = document.RootElement;
        DateTimeOffset? expiresAt = root.TryGetProperty("e"u8, out var e) && e.ValueKind == JsonValueKind.Number ? DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64()) : null;
        return new CidaasClientToken(root.GetProperty("a"u8).GetString()!, expiresAt);
    }

    public void Serialize(CidaasClientToken value, IBufferWriter<byte> target)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("a"u8, value.AccessToken);
            if (value.ExpiresAt is { } expiresAt)
            {
                writer.WriteNumber("e"u8, expiresAt.ToUnixTimeMilliseconds());
            }

            writer.WriteEndObject();
        }

        target.Write(_protector.Protect(buffer.ToArray()));
    }
}
