using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// The checks of a cidaas-signed token (id_token or access token) that no configuration switches off: issuer, audience,
/// lifetime with a required expiry, a signature tried against every key of the issuer, and <c>RS256</c> when the
/// parameters name no algorithm.
/// </summary>
internal static class CidaasTokenValidationRules
{
    public static void Require(TokenValidationParameters parameters)
    {
        parameters.ValidateIssuer = true;
        parameters.ValidateAudience = true;
        parameters.ValidateLifetime = true;
        parameters.RequireExpirationTime = true;
        parameters.RequireSignedTokens = true;
        parameters.TryAllIssuerSigningKeys = true;
        if (parameters.ValidAlgorithms is null || !parameters.ValidAlgorithms.Any())
        {
            parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        }
    }
}
