using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>
/// What ties a sign-in to cidaas's view of it: the hashes of the id_token's <c>sub</c> and <c>sid</c> and the time of the
/// sign-in, kept in the ticket's properties so that renewals keep them. The hashes (SHA-256, base64url) are the keys of
/// the ended-sessions markers and of the server-side session index: fixed size, and no identifier in a cache key.
/// </summary>
internal static class CidaasSessionKeys
{
    public const string SubjectItem = ".cidaas.sub";
    public const string SessionIdItem = ".cidaas.sid";
    public const string SignedInItem = ".cidaas.signin";

    /// <summary>Records the subject (of the id_token, else of the user JSON) and the id_token's <c>sid</c> of a sign-in.</summary>
    public static void Stamp(AuthenticationProperties properties, JsonWebToken? idToken, JsonElement user, DateTimeOffset now)
    {
        var subject = idToken?.Subject;
        if (string.IsNullOrEmpty(subject) && user.ValueKind == JsonValueKind.Object && user.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String)
        {
            subject = sub.GetString();
        }

        string? sessionId = null;
        if (idToken is not null && idToken.TryGetPayloadValue<object>("sid", out var sid) && sid is string text && text.Length > 0)
        {
            sessionId = text;
        }

        Stamp(properties, string.IsNullOrEmpty(subject) ? null : subject, sessionId, now);
    }

    /// <summary>Records the sign-in's subject, cidaas session and time in <paramref name="properties"/>.</summary>
    public static void Stamp(AuthenticationProperties properties, string? subject, string? sessionId, DateTimeOffset now)
    {
        properties.Items.Remove(SubjectItem);
        properties.Items.Remove(SessionIdItem);
        if (subject is not null)
        {
            properties.Items[SubjectItem] = Hash(subject);
        }

        if (sessionId is not null)
        {
            properties.Items[SessionIdItem] = Hash(sessionId);
        }

        properties.Items[SignedInItem] = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The hashed subject and session of a ticket, and when its sign-in happened; all <see langword="null"/> for a ticket cidaas did not issue.</summary>
    public static (string? Subject, string? SessionId, DateTimeOffset? SignedIn) Read(AuthenticationProperties properties)
    {
        properties.Items.TryGetValue(SubjectItem, out var subject);
        properties.Items.TryGetValue(SessionIdItem, out var sessionId);
        DateTimeOffset? signedIn = properties.Items.TryGetValue(SignedInItem, out var text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            && milliseconds <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null;
        return (subject, sessionId, signedIn ?? properties.IssuedUtc);
    }

    /// <summary>
    /// The hint of a hash: its first 32 bits, which a server-side session key carries so that the ended-sessions markers
    /// can be looked up before the ticket is read (<see cref="CidaasEndedSessions"/>). Zero for no hash or one that is not
    /// a base64url SHA-256 (and for the one hash in 2^32 that starts with 32 zero bits: zero always means "no hint").
    /// </summary>
    public static uint HintOf(string? hash)
    {
        if (hash is not { Length: 43 } || !Base64Url.IsValid(hash.AsSpan(0, 8)))
        {
            return 0;
        }

        // The first 8 characters are the first 6 bytes.
        Span<byte> head = stackalloc byte[6];
        return Base64Url.TryDecodeFromChars(hash.AsSpan(0, 8), head, out var written) && written == head.Length ? BinaryPrimitives.ReadUInt32BigEndian(head) : 0;
    }

    /// <summary>The SHA-256 of the UTF-8 value, base64url (43 characters).</summary>
    public static string Hash(string value)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), hash);
        return Base64Url.EncodeToString(hash);
    }
}
