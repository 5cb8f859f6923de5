using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>Validation parameters built for one configuration, key set, template, clock and client; reused while all of them are the same.</summary>
internal sealed record CidaasValidationParameters(
    OpenIdConnectConfiguration Configuration,
    ICollection<SecurityKey> Keys,
    TokenValidationParameters Template,
    TimeProvider TimeProvider,
    string? ClientId,
    TokenValidationParameters Parameters);
