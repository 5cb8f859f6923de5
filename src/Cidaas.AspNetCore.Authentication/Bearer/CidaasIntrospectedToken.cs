using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// The <see cref="SecurityToken"/> handed to <c>OnTokenValidated</c> in introspection mode: what the introspection
/// answer says about the (possibly opaque) token. It carries no key and never the token itself.
/// </summary>
internal sealed class CidaasIntrospectedToken : SecurityToken
{
    public CidaasIntrospectedToken(string? id, string? issuer, DateTime validFrom, DateTime validTo)
    {
        Id = id ?? string.Empty;
        Issuer = issuer ?? string.Empty;
        ValidFrom = validFrom;
        ValidTo = validTo;
    }

    public override string Id { get; }

    public override string Issuer { get; }

    public override SecurityKey SecurityKey => null!;

    public override SecurityKey SigningKey { get; set; } = null!;

    public override DateTime ValidFrom { get; }

    public override DateTime ValidTo { get; }
}
