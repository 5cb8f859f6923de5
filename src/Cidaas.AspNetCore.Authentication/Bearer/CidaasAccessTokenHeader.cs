using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// The JOSE header rules for a cidaas access token, checked on the header as signed: no member twice (RFC 7515 §5.2),
/// no <c>crit</c> (RFC 7515 §4.1.11: the handler understands no extension), and a <c>typ</c> that is absent or names a
/// JWT or an access token (RFC 8725 §3.11, RFC 9068 §4). cidaas access tokens carry no <c>typ</c>.
/// </summary>
/// <remarks>
/// <c>TokenValidationParameters.ValidTypes</c> still applies on top (IdentityModel checks it), so it can narrow the
/// accepted types, e.g. to <c>at+jwt</c> alone, but it cannot widen them.
/// </remarks>
internal static class CidaasAccessTokenHeader
{
    // Longer than any accepted 'typ' value, escaped or not.
    private const int MaxTypeLength = 64;

    private static readonly byte[][] KnownNames = ["alg"u8.ToArray(), "kid"u8.ToArray(), "typ"u8.ToArray(), "crit"u8.ToArray()];

    /// <summary>
    /// Throws a <see cref="CidaasProtocolException"/> when the base64url-encoded header breaks a rule (a
    /// <see cref="SecurityTokenMalformedException"/> or <see cref="JsonException"/> when it is no JSON object at all).
    /// </summary>
    public static void Check(ReadOnlySpan<char> encodedHeader)
    {
        var maxLength = Base64Url.GetMaxDecodedLength(encodedHeader.Length);
        var rented = maxLength > 512 ? ArrayPool<byte>.Shared.Rent(maxLength) : null;
        Span<byte> buffer = rented is null ? stackalloc byte[512] : rented;
        try
        {
            if (!Base64Url.TryDecodeFromChars(encodedHeader, buffer, out var length))
            {
                throw new SecurityTokenMalformedException("The header of the access token is not base64url.");
            }

            Check(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void Check(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 32 });
        var seen = new CidaasJsonMemberNames();
        var hasCrit = false;
        var typeAccepted = true;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SecurityTokenMalformedException("The header of the access token is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var known = FindKnown(ref reader);
            if (!(known >= 0 ? seen.AddKnown(known) : seen.AddOther(reader.GetString()!)))
            {
                throw CidaasBearerErrors.Invalid(CidaasBearerErrors.DuplicateMember, CidaasBearerErrors.MalformedDescription);
            }

            reader.Read();
            switch (known)
            {
                case 2: // typ
                    typeAccepted = reader.TokenType == JsonTokenType.String && IsAccessTokenType(ref reader);
                    break;
                case 3: // crit
                    hasCrit = true;
                    break;
            }

            reader.Skip();
        }

        // Every member was read first: a repeated member is reported as such, whatever it repeats.
        if (hasCrit)
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.CriticalHeader, "The token uses an unsupported extension");
        }

        if (!typeAccepted)
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.UnexpectedTokenType, CidaasBearerErrors.NotAnAccessTokenDescription);
        }
    }

    private static int FindKnown(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < KnownNames.Length; i++)
        {
            if (reader.ValueTextEquals(KnownNames[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// <c>JWT</c> or <c>at+jwt</c>, compared as media types: ignoring case, with or without the <c>application/</c>
    /// prefix (RFC 7515 §4.1.9). Anything else, parameters and white space included, is another type.
    /// </summary>
    private static bool IsAccessTokenType(ref Utf8JsonReader reader)
    {
        if ((reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length) > MaxTypeLength)
        {
            return false;
        }

        Span<byte> value = stackalloc byte[MaxTypeLength];
        var type = value[..reader.CopyString(value)];
        ReadOnlySpan<byte> prefix = "application/"u8;
        if (type.Length > prefix.Length && Ascii.EqualsIgnoreCase(type[..prefix.Length], prefix))
        {
            type = type[prefix.Length..];
        }

        return Ascii.EqualsIgnoreCase(type, "JWT"u8) || Ascii.EqualsIgnoreCase(type, "at+jwt"u8);
    }
}
