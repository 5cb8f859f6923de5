using Microsoft.AspNetCore.Authorization;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// Ready-made authorization policies for cidaas scopes, roles and groups. Each requires an authenticated user plus the
/// requirement, and names no authentication scheme (the default one is used); in an app whose default scheme is not
/// the bearer, build the policy with <c>AddAuthenticationSchemes(CidaasDefaults.BearerAuthenticationScheme)</c> and the
/// <see cref="CidaasAuthorizationPolicyBuilderExtensions"/> instead.
/// <code>
/// builder.Services.AddAuthorizationBuilder().AddPolicy("orders.read", CidaasPolicies.Scope("orders:read"));
/// [Authorize(Policy = "orders.read")]                      // MVC
/// app.MapGet("/api/orders", …).RequireAuthorization(CidaasPolicies.Scope("orders:read")); // minimal APIs
/// </code>
/// </summary>
public static class CidaasPolicies
{
    /// <summary>A policy that requires every given scope; a failure answers 403 <c>insufficient_scope</c> naming the missing scope.</summary>
    /// <param name="scopes">The scopes that must all have been granted.</param>
    /// <returns>The policy.</returns>
    public static AuthorizationPolicy Scope(params string[] scopes)
        => new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireCidaasScope(scopes).Build();

    /// <summary>A policy that requires at least one of the given cidaas roles.</summary>
    /// <param name="roles">The roles, any of which is enough.</param>
    /// <returns>The policy.</returns>
    public static AuthorizationPolicy Role(params string[] roles)
        => new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireCidaasRole(roles).Build();

    /// <summary>A policy that requires membership of a cidaas group and, when given, a role within it and its type.</summary>
    /// <param name="groupId">The cidaas group id.</param>
    /// <param name="groupRole">The role the user must hold in the group, or <see langword="null"/> for any member.</param>
    /// <param name="groupType">The group's type (<c>groupType</c>), or <see langword="null"/> for any type.</param>
    /// <returns>The policy.</returns>
    public static AuthorizationPolicy Group(string groupId, string? groupRole = null, string? groupType = null)
        => new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireCidaasGroup(groupId, groupRole, groupType).Build();
}
