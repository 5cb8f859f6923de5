using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.Bearer;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>
/// Requirement builders for cidaas scopes, roles and groups, for <c>AddPolicy(name, p => …)</c> and
/// <c>.RequireAuthorization(p => …)</c>.
/// </summary>
public static class CidaasAuthorizationPolicyBuilderExtensions
{
    /// <summary>Requires every given scope in the access token (<c>scopes</c> or <c>scope</c>); a failure answers 403 <c>insufficient_scope</c> naming the scope.</summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="scopes">The scopes that must all have been granted.</param>
    /// <returns>The builder.</returns>
    public static AuthorizationPolicyBuilder RequireCidaasScope(this AuthorizationPolicyBuilder builder, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddRequirements(new CidaasScopeRequirement(scopes));
    }

    /// <summary>Requires at least one of the given cidaas roles (<c>roles</c>).</summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="roles">The roles, any of which is enough.</param>
    /// <returns>The builder.</returns>
    public static AuthorizationPolicyBuilder RequireCidaasRole(this AuthorizationPolicyBuilder builder, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(roles);
        if (roles.Length == 0 || roles.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Name at least one role; none may be empty.", nameof(roles));
        }

        return builder.RequireRole(roles);
    }

    /// <summary>
    /// Requires membership of the cidaas group <paramref name="groupId"/> (<c>groups[].groupId</c>); when
    /// <paramref name="groupRole"/> is given, that role within the group (<c>groups[].roles</c>); when
    /// <paramref name="groupType"/> is given, that the group is of that type (<c>groups[].groupType</c>). Works with both
    /// handlers. The group type is only known where cidaas names it: its userinfo answer with the <c>groups</c> scope and
    /// its introspection answer; its tokens carry no <c>groupType</c>, so a policy with a type refuses users whose groups
    /// came from a token (see <c>docs/cidaas-compatibility.md</c>).
    /// </summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="groupId">The cidaas group id.</param>
    /// <param name="groupRole">The role the user must hold in the group, or <see langword="null"/> for any member.</param>
    /// <param name="groupType">The group's type, or <see langword="null"/> for any type.</param>
    /// <returns>The builder.</returns>
    public static AuthorizationPolicyBuilder RequireCidaasGroup(this AuthorizationPolicyBuilder builder, string groupId, string? groupRole = null, string? groupType = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(groupId);
        if (groupType is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(groupType);
            builder.RequireClaim(CidaasClaimTypes.GroupType, CidaasClaimTypes.GroupRoleValue(groupId, groupType));
        }

        if (groupRole is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(groupRole);
            return builder.RequireClaim(CidaasClaimTypes.GroupRole, CidaasClaimTypes.GroupRoleValue(groupId, groupRole));
        }

        return builder.RequireClaim(CidaasClaimTypes.Group, groupId);
    }
}
