using System.Security.Claims;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication.OAuth.Claims;

namespace Cidaas.AspNetCore.Authentication.Claims;

/// <summary>
/// Maps each scalar member of cidaas <c>customFields</c> to a claim named <c>cidaas:custom:{name}</c>.
/// </summary>
public sealed class CidaasCustomFieldsClaimAction : ClaimAction
{
    /// <summary>Creates the action for the <c>customFields</c> member.</summary>
    public CidaasCustomFieldsClaimAction()
        : base(CidaasClaimTypes.CustomFieldPrefix, ClaimValueTypes.String)
    {
    }

    /// <inheritdoc />
    public override void Run(JsonElement userData, ClaimsIdentity identity, string issuer)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (!CidaasJson.TryGetMember(userData, "customFields", JsonValueKind.Object, out var fields))
        {
            return;
        }

        foreach (var field in fields.EnumerateObject())
        {
            var value = field.Value.ValueKind switch
            {
                JsonValueKind.String => field.Value.GetString(),
                JsonValueKind.Number => field.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };

            if (!string.IsNullOrEmpty(value))
            {
                identity.AddClaim(new Claim(CidaasClaimTypes.CustomFieldPrefix + field.Name, value, ValueType, issuer));
            }
        }
    }
}
