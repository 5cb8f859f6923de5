using System.Globalization;
using System.Security.Claims;
using Cidaas.AspNetCore.Authentication;

namespace Cidaas.Sample.Web.Models;

/// <summary>The profile page: the user's name, roles, groups, access-token expiry and every claim.</summary>
public sealed record ProfileModel(
    string Name,
    string? Email,
    string? Subject,
    IReadOnlyList<string> Roles,
    IReadOnlyList<GroupMembership> Groups,
    DateTimeOffset? AccessTokenExpiresAt,
    TimeSpan? AccessTokenExpiresIn,
    IReadOnlyList<ClaimRow> Claims)
{
    /// <summary>
    /// What the last "Refresh now" did: <see langword="null"/> when none was asked for, empty when the token was renewed,
    /// else why not (a <c>CIDAASnnnn</c> message, never a token).
    /// </summary>
    public string? RefreshResult { get; init; }

    public static ProfileModel From(ClaimsPrincipal user, string? expiresAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        DateTimeOffset? expires = DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            ? parsed.ToUniversalTime()
            : null;

        // A group-role claim is "{groupId}:{role}" with a ':' or '%' in the group id encoded; TryParseGroupRoleValue reads it.
        var groupRoles = new List<(string GroupId, string Role)>();
        foreach (var claim in user.FindAll(CidaasClaimTypes.GroupRole))
        {
            if (CidaasClaimTypes.TryParseGroupRoleValue(claim.Value, out var groupId, out var role))
            {
                groupRoles.Add((groupId, role));
            }
        }

        var rolesByGroup = groupRoles.ToLookup(r => r.GroupId, r => r.Role, StringComparer.Ordinal);
        var groups = user.FindAll(CidaasClaimTypes.Group)
            .Select(g => g.Value)
            .Distinct(StringComparer.Ordinal)
            .Select(id => new GroupMembership(id, rolesByGroup[id].ToArray()))
            .ToArray();

        return new ProfileModel(
            user.Identity?.Name ?? user.FindFirst(CidaasClaimTypes.Subject)?.Value ?? "(no name)",
            user.FindFirst(ClaimTypes.Email)?.Value,
            user.FindFirst(CidaasClaimTypes.Subject)?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value,
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray(),
            groups,
            expires,
            expires - now,
            user.Claims.Select(c => new ClaimRow(ShortType(c.Type), c.Type, c.Value)).ToArray());
    }

    // "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" reads better as "emailaddress".
    private static string ShortType(string type) =>
        Uri.TryCreate(type, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.Segments[^1] : type;
}

/// <summary>A cidaas group and the roles the user holds in it.</summary>
/// <param name="GroupId">The cidaas group id.</param>
/// <param name="Roles">The user's roles in the group.</param>
public sealed record GroupMembership(string GroupId, IReadOnlyList<string> Roles);

/// <summary>One claim, with a readable short type and the full type.</summary>
/// <param name="ShortType">The last segment of a URI claim type, or the type itself.</param>
/// <param name="Type">The full claim type.</param>
/// <param name="Value">The claim value.</param>
public sealed record ClaimRow(string ShortType, string Type, string Value);
