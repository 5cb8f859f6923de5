using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Claim types the handler issues for cidaas-specific user information that has no standard .NET claim type.
/// Roles use <see cref="System.Security.Claims.ClaimTypes.Role"/> so that <c>[Authorize(Roles = ...)]</c> works.
/// </summary>
public static class CidaasClaimTypes
{
    /// <summary>One claim per cidaas group the user belongs to; the value is the <c>groupId</c>.</summary>
    public const string Group = "cidaas:group";

    /// <summary>
    /// One claim per role the user holds inside a group. The value is <see cref="GroupRoleValue"/>: the group id with
    /// <c>%</c> and <c>:</c> percent-encoded, a <c>:</c>, then the role as it is (<c>engineering:lead</c>, but
    /// <c>eng%3Aops:lead</c> for the role <c>lead</c> in the group <c>eng:ops</c>), so that every pair has its own value.
    /// Read one with <see cref="TryParseGroupRoleValue"/>.
    /// </summary>
    public const string GroupRole = "cidaas:group_role";

    /// <summary>
    /// One claim per cidaas group whose <c>groupType</c> is known (cidaas's userinfo with the <c>groups</c> scope, and its
    /// introspection, name it; its tokens do not). The value is written like a <see cref="GroupRole"/> value, with the type
    /// in the role's place: <c>{groupId}:{groupType}</c> through <see cref="GroupRoleValue"/>, e.g. <c>engineering:department</c>.
    /// </summary>
    public const string GroupType = "cidaas:group_type";

    /// <summary>
    /// The prefix of the claims made from cidaas <c>customFields</c>: <c>cidaas:custom:{name}</c>. A string, number or
    /// boolean is the value as it is; an object or an array is its JSON text, with the value type <c>JSON</c>.
    /// </summary>
    public const string CustomFieldPrefix = "cidaas:custom:";

    /// <summary>Whether the user's e-mail address was verified (<c>email_verified</c>).</summary>
    public const string EmailVerified = "email_verified";

    /// <summary>The subject identifier (<c>sub</c>), kept as issued in addition to the name identifier.</summary>
    public const string Subject = "sub";

    /// <summary>
    /// The value of a <see cref="GroupRole"/> claim for a role in a group: the group id with <c>%</c> and <c>:</c>
    /// percent-encoded (<c>%25</c>, <c>%3A</c>), a <c>:</c>, and the role as it is. The first <c>:</c> thus always ends
    /// the group id, and no two pairs share a value.
    /// </summary>
    /// <param name="groupId">The cidaas group id (<c>groups[].groupId</c>).</param>
    /// <param name="role">The role within the group (<c>groups[].roles[]</c>).</param>
    /// <returns>The claim value, e.g. <c>engineering:lead</c>.</returns>
    public static string GroupRoleValue(string groupId, string role)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(role);
        if (groupId.AsSpan().IndexOfAny('%', ':') >= 0)
        {
            groupId = groupId.Replace("%", "%25", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal);
        }

        return string.Concat(groupId, ":", role);
    }

    /// <summary>Reads a <see cref="GroupRole"/> claim value written by <see cref="GroupRoleValue"/>.</summary>
    /// <param name="value">The claim value.</param>
    /// <param name="groupId">The group id, decoded.</param>
    /// <param name="role">The role.</param>
    /// <returns><see langword="false"/> when the value is not in that form (no <c>:</c>, or another escape than <c>%25</c> and <c>%3A</c> in the group id).</returns>
    public static bool TryParseGroupRoleValue(string? value, [NotNullWhen(true)] out string? groupId, [NotNullWhen(true)] out string? role)
    {
        groupId = null;
        role = null;
        var separator = value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (separator < 0)
        {
            return false;
        }

        var encoded = value.AsSpan(0, separator);
        var decoded = new StringBuilder(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] != '%')
            {
                decoded.Append(encoded[i]);
            }
            else if (encoded[(i + 1)..].StartsWith("25", StringComparison.Ordinal))
            {
                decoded.Append('%');
                i += 2;
            }
            else if (encoded[(i + 1)..].StartsWith("3A", StringComparison.Ordinal))
            {
                decoded.Append(':');
                i += 2;
            }
            else
            {
                return false;
            }
        }

        groupId = decoded.ToString();
        role = value![(separator + 1)..];
        return true;
    }
}
