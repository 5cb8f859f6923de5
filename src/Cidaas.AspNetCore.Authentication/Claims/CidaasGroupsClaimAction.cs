using System.Security.Claims;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication.OAuth.Claims;

namespace Cidaas.AspNetCore.Authentication.Claims;

/// <summary>
/// Maps cidaas <c>groups: [{ "groupId": "...", "groupType": "...", "roles": ["..."] }]</c> to one
/// <see cref="CidaasClaimTypes.Group"/> claim per group, one <see cref="CidaasClaimTypes.GroupType"/> claim per group
/// with a <c>groupType</c>, and one <see cref="CidaasClaimTypes.GroupRole"/> claim per group role, whose values
/// <see cref="CidaasClaimTypes.GroupRoleValue"/> writes (<c>{groupId}:{role}</c>, a <c>:</c> or <c>%</c> in the group id encoded).
/// </summary>
public sealed class CidaasGroupsClaimAction : ClaimAction
{
    /// <summary>Creates the action for the <c>groups</c> member.</summary>
    public CidaasGroupsClaimAction()
        : base(CidaasClaimTypes.Group, ClaimValueTypes.String)
    {
    }

    /// <inheritdoc />
    public override void Run(JsonElement userData, ClaimsIdentity identity, string issuer)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (!CidaasJson.TryGetMember(userData, "groups", JsonValueKind.Array, out var groups))
        {
            return;
        }

        foreach (var group in groups.EnumerateArray())
        {
            if (!CidaasJson.TryGetMember(group, "groupId", JsonValueKind.String, out var idElement) || idElement.GetString() is not { Length: > 0 } groupId)
            {
                continue;
            }

            identity.AddClaim(new Claim(CidaasClaimTypes.Group, groupId, ValueType, issuer));
            if (CidaasJson.TryGetMember(group, "groupType", JsonValueKind.String, out var typeElement) && typeElement.GetString() is { Length: > 0 } groupType)
            {
                identity.AddClaim(new Claim(CidaasClaimTypes.GroupType, CidaasClaimTypes.GroupRoleValue(groupId, groupType), ValueType, issuer));
            }

            if (!CidaasJson.TryGetMember(group, "roles", JsonValueKind.Array, out var roles))
            {
                continue;
            }

            foreach (var role in roles.EnumerateArray())
            {
                if (role.ValueKind == JsonValueKind.String && role.GetString() is { Length: > 0 } roleName)
                {
                    identity.AddClaim(new Claim(CidaasClaimTypes.GroupRole, CidaasClaimTypes.GroupRoleValue(groupId, roleName), ValueType, issuer));
                }
            }
        }
    }
}
