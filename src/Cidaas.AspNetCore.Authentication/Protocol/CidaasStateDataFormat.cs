using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// The default format of the protected <c>state</c> (the sign-in options' <c>StateDataFormat</c>): <see cref="PropertiesDataFormat"/>'s exact format
/// (<see cref="PropertiesSerializer"/> bytes, Data Protection, base64url), so that states of either stay readable by
/// the other, written without the intermediate streams and copies: one array of the exact size is protected.
/// The challenge puts the protected bytes straight into the authorization URL (<see cref="ProtectToBytes"/>).
/// </summary>
internal sealed class CidaasStateDataFormat : ISecureDataFormat<AuthenticationProperties>
{
    // PropertiesSerializer's format version.
    private const int FormatVersion = 1;

    private readonly IDataProtector _protector;

    public CidaasStateDataFormat(IDataProtector protector) => _protector = protector;

    public string Protect(AuthenticationProperties data) => Protect(data, purpose: null);

    public string Protect(AuthenticationProperties data, string? purpose) => Base64Url.EncodeToString(ProtectToBytes(data, purpose));

    public byte[] ProtectToBytes(AuthenticationProperties data, string? purpose = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var protector = purpose is null ? _protector : _protector.CreateProtector(purpose);
        return protector.Protect(Serialize(data));
    }

    public AuthenticationProperties? Unprotect(string? protectedText) => Unprotect(protectedText, purpose: null);

    public AuthenticationProperties? Unprotect(string? protectedText, string? purpose)
    {
        if (string.IsNullOrEmpty(protectedText))
        {
            return null;
        }

        try
        {
            var protector = purpose is null ? _protector : _protector.CreateProtector(purpose);
            return Deserialize(protector.Unprotect(Base64Url.DecodeFromChars(protectedText)));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            // Tampered, foreign, expired key or not base64url: unreadable, as PropertiesDataFormat answers it.
            return null;
        }
    }

    internal static byte[] Serialize(AuthenticationProperties properties)
    {
        var items = properties.Items;
        var size = 2 * sizeof(int);
        foreach (var item in items)
        {
            size += SizeOf(item.Key) + SizeOf(item.Value);
        }

        var bytes = new byte[size];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[sizeof(int)..], items.Count);
        var offset = 2 * sizeof(int);
        foreach (var item in items)
        {
            offset += Write(span[offset..], item.Key);
            offset += Write(span[offset..], item.Value);
        }

        return bytes;
    }

    internal static AuthenticationProperties? Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 * sizeof(int) || BinaryPrimitives.ReadInt32LittleEndian(data) != FormatVersion)
        {
            return null;
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(data[sizeof(int)..]);
        var offset = 2 * sizeof(int);
        if (count < 0 || count > (data.Length - offset) / 2)
        {
            return null;
        }

        var items = new Dictionary<string, string?>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            if (!TryRead(data, ref offset, out var key) || !TryRead(data, ref offset, out var value) || !items.TryAdd(key, value))
            {
                return null;
            }
        }

        return new AuthenticationProperties(items);
    }

    // BinaryWriter.Write(string): the UTF-8 length as a 7-bit encoded integer, then the UTF-8 bytes.
    private static int SizeOf(string? value)
    {
        var length = Encoding.UTF8.GetByteCount(value ?? string.Empty);
        var prefix = 1;
        for (var rest = (uint)length >> 7; rest != 0; rest >>= 7)
        {
            prefix++;
        }

        return prefix + length;
    }

    private static int Write(Span<byte> destination, string? value)
    {
        value ??= string.Empty;
        var length = (uint)Encoding.UTF8.GetByteCount(value);
        var written = 0;
        while (length >= 0x80)
        {
            destination[written++] = (byte)(length | 0x80);
            length >>= 7;
        }

        destination[written++] = (byte)length;
        return written + Encoding.UTF8.GetBytes(value, destination[written..]);
    }

    private static bool TryRead(ReadOnlySpan<byte> data, ref int offset, out string value)
    {
        value = string.Empty;
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 28 || offset >= data.Length)
            {
                return false;
            }

            var b = data[offset++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        if (length < 0 || length > data.Length - offset)
        {
            return false;
        }

        value = Encoding.UTF8.GetString(data.Slice(offset, length));
        offset += length;
        return true;
    }
}
