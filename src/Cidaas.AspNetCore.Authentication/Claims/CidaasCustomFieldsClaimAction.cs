using System.Security.Claims;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication.OAuth.Claims;

namespace Cidaas.AspNetCore.Authentication.Claims;

/// <summary>
/// Maps each member of cidaas <c>customFields</c> to a claim named <c>cidaas:custom:{name}</c>: a string, number or
/// boolean as it is, an object or array (cidaas's multi-select and checkbox fields are arrays) as its JSON text with the
/// value type <c>JSON</c>, so that no field is dropped. <see langword="null"/> and empty strings make no claim.
/// </summary>
public sealed class CidaasCustomFieldsClaimAction : ClaimAction
{
    // The value type IdentityModel and JwtBearer give JSON-valued claims.
    private const string JsonValueType = "JSON";

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
            var (value, valueType) = field.Value.ValueKind switch
            {
                JsonValueKind.String => (field.Value.GetString(), ValueType),
                JsonValueKind.Number => (field.Value.GetRawText(), ValueType),
                JsonValueKind.True => ("true", ValueType),
                JsonValueKind.False => ("false", ValueType),
                JsonValueKind.Object or JsonValueKind.Array => (field.Value.GetRawText(), JsonValueType),
                _ => (null, ValueType),
            };

            if (!string.IsNullOrEmpty(value))
            {
                identity.AddClaim(new Claim(CidaasClaimTypes.CustomFieldPrefix + field.Name, value, valueType, issuer));
            }
        }
    }
}
