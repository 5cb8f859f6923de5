using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Reads the options of each cidaas scheme from <c>Authentication:Schemes:{scheme}</c>, before the code's own
/// configuration runs. Keys: Authority, ClientId, ClientSecret, Scope (space-separated or an array), CallbackPath,
/// SignedOutCallbackPath, SignedOutRedirectUri, UsePkce, RequireHttpsMetadata, SaveTokens, GetClaimsFromUserInfoEndpoint,
/// ClientAuthenticationMethod, MetadataAddress, the endpoint addresses, AccessDeniedPath and BackchannelTimeout.
/// </summary>
internal sealed class CidaasConfigureOptions : CidaasConfigurationBinder<CidaasOptions>
{
    public CidaasConfigureOptions(IAuthenticationConfigurationProvider configurationProvider)
        : base(configurationProvider)
    {
    }

    protected override void Bind(IConfiguration section, CidaasOptions options)
    {
        SetString(section, nameof(CidaasOptions.Authority), v => options.Authority = v);
        SetString(section, nameof(CidaasOptions.ClientId), v => options.ClientId = v);
        SetString(section, nameof(CidaasOptions.ClientSecret), v => options.ClientSecret = v);
        SetString(section, nameof(CidaasOptions.MetadataAddress), v => options.MetadataAddress = v);
        SetString(section, nameof(CidaasOptions.AuthorizationEndpoint), v => options.AuthorizationEndpoint = v);
        SetString(section, nameof(CidaasOptions.TokenEndpoint), v => options.TokenEndpoint = v);
        SetString(section, nameof(CidaasOptions.UserInformationEndpoint), v => options.UserInformationEndpoint = v);
        SetString(section, nameof(CidaasOptions.EndSessionEndpoint), v => options.EndSessionEndpoint = v);
        SetString(section, nameof(CidaasOptions.SignedOutRedirectUri), v => options.SignedOutRedirectUri = v);
        SetString(section, nameof(CidaasOptions.SignInScheme), v => options.SignInScheme = v);
        SetString(section, nameof(CidaasOptions.SignOutScheme), v => options.SignOutScheme = v);
        SetPath(section, nameof(CidaasOptions.CallbackPath), v => options.CallbackPath = v);
        SetPath(section, nameof(CidaasOptions.SignedOutCallbackPath), v => options.SignedOutCallbackPath = v);
        SetPath(section, nameof(CidaasOptions.AccessDeniedPath), v => options.AccessDeniedPath = v);
        SetBool(section, nameof(CidaasOptions.UsePkce), v => options.UsePkce = v);
        SetBool(section, nameof(CidaasOptions.RequireHttpsMetadata), v => options.RequireHttpsMetadata = v);
        SetBool(section, nameof(CidaasOptions.SaveTokens), v => options.SaveTokens = v);
        SetBool(section, nameof(CidaasOptions.GetClaimsFromUserInfoEndpoint), v => options.GetClaimsFromUserInfoEndpoint = v);
        SetEnum<CidaasClientAuthenticationMethod>(section, nameof(CidaasOptions.ClientAuthenticationMethod), v => options.ClientAuthenticationMethod = v);
        SetTimeSpan(section, nameof(CidaasOptions.BackchannelTimeout), v => options.BackchannelTimeout = v);

        var scopes = GetList(section, nameof(CidaasOptions.Scope));
        if (scopes.Length > 0)
        {
            options.Scope.Clear();
            foreach (var scope in scopes)
            {
                options.Scope.Add(scope);
            }
        }
    }
}
