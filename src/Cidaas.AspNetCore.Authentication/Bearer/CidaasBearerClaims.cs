using System.Buffers;
using System.Collections.Frozen;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// Turns the members of a cidaas access token (the JWT payload, or the introspection answer) into claims:
/// <c>sub</c> → <see cref="ClaimTypes.NameIdentifier"/> and <c>sub</c>; <c>roles</c> → role claims; <c>groups</c> →
/// group claims (through <see cref="CidaasGroupsClaimAction"/>, as for signed-in users); <c>scopes</c> and <c>scope</c>
/// → <see cref="CidaasBearerClaimTypes.Scope"/> claims; every other member under its own name, unless that name is a
/// claim type the package or .NET gives a meaning (see <see cref="IsReserved"/>): such a member is dropped.
/// </summary>
/// <remarks>
/// <para>
/// The same pass refuses what is no access token or no unambiguous JSON, with a <see cref="CidaasProtocolException"/>:
/// a repeated member name (RFC 7519 §4 lets a parser refuse it or take the last; IdentityModel validates the last, so
/// claims from any other occurrence would describe another token than the one validated: refusing is the one reading
/// nobody can dispute), <c>at_hash</c>, <c>c_hash</c> or <c>events</c> (an id_token or a security event token), and an
/// <c>exp</c>, <c>nbf</c> or <c>iat</c> that is not a JSON number within DateTime's range (IdentityModel would read
/// <c>"exp":"…"</c> as a number). <c>nonce</c> is no sign of an id_token at cidaas: its access tokens carry the
/// authorization request's nonce too.
/// </para>
/// <para>
/// This runs for every request, so it reads the UTF-8 JSON once with a <see cref="Utf8JsonReader"/>, matches member
/// names as bytes, and reuses the strings the token handler already parsed.
/// </para>
/// </remarks>
internal static class CidaasBearerClaims
{
    private const string JsonValueType = "JSON";

    // cidaas's subject of tokens issued to a client alone (client_credentials), compared as cidaas's go-interceptor does.
    private const string AnonymousSubject = "ANONYMOUS";

    // 9999-12-31T23:59:59Z, the last second a DateTime holds.
    private const double MaxNumericDate = 253_402_300_799;

    private static readonly CidaasGroupsClaimAction GroupsAction = new();

    private static readonly Member[] Members =
    [
        new("sub", Kind.Subject), new("roles", Kind.Roles), new("scopes", Kind.Scopes), new("scope", Kind.Scope),
        new("groups", Kind.Groups), new("active", Kind.Ignored),
        new("iss", Kind.Known), new("aud", Kind.Known), new("exp", Kind.NumericDate), new("nbf", Kind.NumericDate), new("iat", Kind.NumericDate),
        new("jti", Kind.Known), new("sid", Kind.Known), new("client_id", Kind.Known), new("azp", Kind.Known),
        new("auth_time", Kind.Known), new("token_type", Kind.Known), new("amr", Kind.Known), new("acr", Kind.Known),
        new("email", Kind.Known), new("email_verified", Kind.Known), new("name", Kind.Known), new("preferred_username", Kind.Known),
        new("at_hash", Kind.NotInAccessTokens), new("c_hash", Kind.NotInAccessTokens), new("events", Kind.NotInAccessTokens),
    ];

    // The members above in any letter case (ClaimsIdentity.FindFirst and HasClaim ignore case), cidaas's own claim
    // types, and .NET's claim type namespaces (ClaimTypes.Role, .NameIdentifier, .Name, …).
    private static readonly FrozenSet<string> ReservedNames = Members.Select(m => m.Name).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly string[] ReservedPrefixes =
    [
        "cidaas:",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/",
        "http://schemas.microsoft.com/ws/2008/06/identity/claims/",
        "http://schemas.xmlsoap.org/ws/2009/09/identity/claims/",
    ];

    private enum Kind
    {
        Other,
        Subject,
        Roles,
        Scopes,
        Scope,
        Groups,
        Ignored,
        Known,
        NumericDate,
        NotInAccessTokens,
    }

    /// <param name="utf8Json">The token's members as one JSON object.</param>
    /// <param name="authenticationType">The authentication type of the identity.</param>
    /// <param name="nameType">The name claim type.</param>
    /// <param name="roleType">The role claim type; <c>roles</c> become claims of this type.</param>
    /// <param name="issuer">The issuer of the claims.</param>
    /// <param name="allowAnonymous">
    /// Whether a token without a user (no <c>sub</c>, or cidaas's <c>ANONYMOUS</c> of client_credentials tokens) is
    /// accepted, as a client's identity without a name identifier; refused otherwise.
    /// </param>
    /// <param name="parsed">The same payload as parsed by the token handler, whose strings are reused when given.</param>
    public static ClaimsIdentity CreateIdentity(ReadOnlySpan<byte> utf8Json, string? authenticationType, string nameType, string roleType, string issuer, bool allowAnonymous, JsonWebToken? parsed = null)
    {
        var identity = new ClaimsIdentity(authenticationType, nameType, roleType);
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 32 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return identity;
        }

        List<string>? scopes = null;
        var hasUser = false;
        var seen = new CidaasJsonMemberNames();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = Find(ref reader);
            var member = index >= 0 ? Members[index] : null;
            var name = member?.Name ?? reader.GetString()!;
            if (!(member is null ? seen.AddOther(name) : seen.AddKnown(index)))
            {
                throw CidaasBearerErrors.Invalid(CidaasBearerErrors.DuplicateMember, CidaasBearerErrors.MalformedDescription);
            }

            reader.Read();
            switch (member?.Kind ?? Kind.Other)
            {
                case Kind.Subject:
                    if (reader.TokenType == JsonTokenType.String
                        && GetString(ref reader, name, parsed) is { Length: > 0 } subject
                        && !subject.Equals(AnonymousSubject, StringComparison.OrdinalIgnoreCase))
                    {
                        hasUser = true;
                        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, subject, ClaimValueTypes.String, issuer, issuer, identity));
                        identity.AddClaim(new Claim(CidaasClaimTypes.Subject, subject, ClaimValueTypes.String, issuer, issuer, identity));
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;
                case Kind.Roles:
                    AddStrings(ref reader, identity, roleType, issuer, scopes: null);
                    break;
                case Kind.Scopes:
                    AddStrings(ref reader, identity, CidaasBearerClaimTypes.Scope, issuer, scopes ??= new List<string>(4));
                    break;
                case Kind.Scope:
                    if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } spaceSeparated)
                    {
                        scopes ??= new List<string>(4);
                        foreach (var scope in spaceSeparated.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        {
                            AddScope(identity, scopes, scope, issuer);
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }

                    break;
                case Kind.Groups:
                    AddGroups(ref reader, utf8Json, identity, issuer);
                    break;
                case Kind.Ignored:
                    reader.Skip();
                    break;
                case Kind.NotInAccessTokens:
                    throw CidaasBearerErrors.Invalid(CidaasBearerErrors.NotAnAccessToken, CidaasBearerErrors.NotAnAccessTokenDescription);
                case Kind.NumericDate:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var seconds) || seconds is not (>= 0 and <= MaxNumericDate))
                    {
                        throw CidaasBearerErrors.Invalid(CidaasBearerErrors.InvalidNumericDate, CidaasBearerErrors.InvalidLifetimeDescription);
                    }

                    AddScalar(ref reader, utf8Json, identity, name, issuer, parsed);
                    break;
                case Kind.Known:
                    AddValue(ref reader, utf8Json, identity, name, issuer, parsed);
                    break;
                default:
                    if (IsReserved(name, nameType, roleType))
                    {
                        reader.Skip();
                    }
                    else
                    {
                        AddValue(ref reader, utf8Json, identity, name, issuer, parsed: null);
                    }

                    break;
            }
        }

        if (!hasUser && !allowAnonymous)
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.NoUser, CidaasBearerErrors.NoUserDescription);
        }

        return identity;
    }

    /// <summary>
    /// Whether a member the reader does not map itself would pose as a claim type with a meaning: a spelling of a
    /// mapped member in another letter case, a <c>cidaas:</c> or .NET claim type (roles, groups, name identifier, …), or
    /// the configured role claim type. Only the source members (<c>roles</c>, <c>groups</c>, <c>scopes</c>/<c>scope</c>,
    /// <c>sub</c>) produce those. The configured name claim type may name a member (say <c>preferred_username</c>); the
    /// member of exactly that name is then the name, and spellings in another case are dropped.
    /// </summary>
    private static bool IsReserved(string name, string nameType, string roleType)
    {
        if (ReservedNames.Contains(name)
            || string.Equals(name, roleType, StringComparison.OrdinalIgnoreCase)
            || (string.Equals(name, nameType, StringComparison.OrdinalIgnoreCase) && !string.Equals(name, nameType, StringComparison.Ordinal)))
        {
            return true;
        }

        foreach (var prefix in ReservedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The index in <see cref="Members"/> of the member name the reader is at, or -1.</summary>
    private static int Find(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            var text = reader.GetString();
            return Array.FindIndex(Members, m => m.Name == text);
        }

        var span = reader.ValueSpan;
        for (var i = 0; i < Members.Length; i++)
        {
            var utf8 = Members[i].Utf8;
            if (utf8.Length == span.Length && span.SequenceEqual(utf8))
            {
                return i;
            }
        }

        return -1;
    }

    private static string? GetString(ref Utf8JsonReader reader, string name, JsonWebToken? parsed)
        => parsed is not null && parsed.TryGetPayloadValue<string>(name, out var text) && text is not null ? text : reader.GetString();

    private static void AddStrings(ref Utf8JsonReader reader, ClaimsIdentity identity, string type, string issuer, List<string>? scopes)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            Add(identity, type, reader.GetString(), issuer, scopes);
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                Add(identity, type, reader.GetString(), issuer, scopes);
            }
            else
            {
                reader.Skip();
            }
        }

        static void Add(ClaimsIdentity identity, string type, string? value, string issuer, List<string>? scopes)
        {
            if (scopes is not null)
            {
                AddScope(identity, scopes, value, issuer);
            }
            else if (!string.IsNullOrEmpty(value))
            {
                identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, issuer, issuer, identity));
            }
        }
    }

    private static void AddScope(ClaimsIdentity identity, List<string> seen, string? scope, string issuer)
    {
        if (string.IsNullOrEmpty(scope) || seen.Contains(scope, StringComparer.Ordinal))
        {
            return;
        }

        seen.Add(scope);
        identity.AddClaim(new Claim(CidaasBearerClaimTypes.Scope, scope, ClaimValueTypes.String, issuer, issuer, identity));
    }

    /// <summary>Hands <c>{"groups": …}</c> to the claim action the sign-in handler uses, so both map groups alike.</summary>
    private static void AddGroups(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8Json, ClaimsIdentity identity, string issuer)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        var value = Raw(ref reader, utf8Json);
        ReadOnlySpan<byte> prefix = "{\"groups\":"u8;
        var length = prefix.Length + value.Length + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            prefix.CopyTo(buffer);
            value.CopyTo(buffer.AsSpan(prefix.Length));
            buffer[length - 1] = (byte)'}';
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            GroupsAction.Run(document.RootElement, identity, issuer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void AddValue(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8Json, ClaimsIdentity identity, string type, string issuer, JsonWebToken? parsed)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            AddScalar(ref reader, utf8Json, identity, type, issuer, parsed);
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            AddScalar(ref reader, utf8Json, identity, type, issuer, parsed: null);
        }
    }

    private static void AddScalar(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8Json, ClaimsIdentity identity, string type, string issuer, JsonWebToken? parsed)
    {
        (string? text, string valueType) = reader.TokenType switch
        {
            JsonTokenType.String => (GetString(ref reader, type, parsed), ClaimValueTypes.String),
            JsonTokenType.Number => (Encoding.UTF8.GetString(reader.ValueSpan), reader.TryGetInt64(out _) ? ClaimValueTypes.Integer64 : ClaimValueTypes.Double),
            JsonTokenType.True => ("true", ClaimValueTypes.Boolean),
            JsonTokenType.False => ("false", ClaimValueTypes.Boolean),
            JsonTokenType.StartObject or JsonTokenType.StartArray => (Encoding.UTF8.GetString(Raw(ref reader, utf8Json)), JsonValueType),
            _ => (null, ClaimValueTypes.String),
        };

        if (text is not null)
        {
            identity.AddClaim(new Claim(type, text, valueType, issuer, issuer, identity));
        }
    }

    /// <summary>The raw JSON of the object or array the reader is at; the reader ends on its closing token.</summary>
    private static ReadOnlySpan<byte> Raw(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8Json)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return utf8Json[start..(int)reader.BytesConsumed];
    }

    private sealed class Member(string name, Kind kind)
    {
        public string Name { get; } = name;

        public Kind Kind { get; } = kind;

        public byte[] Utf8 { get; } = Encoding.UTF8.GetBytes(name);
    }
}
