using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// Reads the options of each cidaas bearer scheme from <c>Authentication:Schemes:{scheme}</c>, before the code's own
/// configuration runs. Keys: Authority, Audience, Audiences (space-separated or an array), TokenValidationMode, ClientId,
/// ClientSecret, ClientAuthenticationMethod, MetadataAddress, IntrospectionEndpoint, IntrospectionCacheDuration,
/// RequireHttpsMetadata, SaveToken, IncludeErrorDetails, ClockSkew, BackchannelTimeout and SigningKeyRefreshInterval.
/// </summary>
internal sealed class CidaasBearerConfigureOptions : CidaasConfigurationBinder<CidaasBearerOptions>
{
    public CidaasBearerConfigureOptions(IAuthenticationConfigurationProvider configurationProvider)
        : base(configurationProvider)
    {
    }

    protected override void Bind(IConfiguration section, CidaasBearerOptions options)
    {
        SetString(section, nameof(CidaasBearerOptions.Authority), v => options.Authority = v);
        SetString(section, nameof(CidaasBearerOptions.Audience), v => options.Audience = v);
        SetString(section, nameof(CidaasBearerOptions.ClientId), v => options.ClientId = v);
        SetString(section, nameof(CidaasBearerOptions.ClientSecret), v => options.ClientSecret = v);
        SetString(section, nameof(CidaasBearerOptions.MetadataAddress), v => options.MetadataAddress = v);
        SetString(section, nameof(CidaasBearerOptions.IntrospectionEndpoint), v => options.IntrospectionEndpoint = v);
        SetBool(section, nameof(CidaasBearerOptions.RequireHttpsMetadata), v => options.RequireHttpsMetadata = v);
        SetBool(section, nameof(CidaasBearerOptions.SaveToken), v => options.SaveToken = v);
        SetBool(section, nameof(CidaasBearerOptions.IncludeErrorDetails), v => options.IncludeErrorDetails = v);
        SetTimeSpan(section, nameof(CidaasBearerOptions.IntrospectionCacheDuration), v => options.IntrospectionCacheDuration = v);
        SetTimeSpan(section, nameof(CidaasBearerOptions.BackchannelTimeout), v => options.BackchannelTimeout = v);
        SetTimeSpan(section, nameof(CidaasBearerOptions.SigningKeyRefreshInterval), v => options.SigningKeyRefreshInterval = v);
        SetTimeSpan(section, "ClockSkew", v => options.TokenValidationParameters.ClockSkew = v);
        SetEnum<CidaasTokenValidationMode>(section, nameof(CidaasBearerOptions.TokenValidationMode), v => options.TokenValidationMode = v);
        SetEnum<CidaasClientAuthenticationMethod>(section, nameof(CidaasBearerOptions.ClientAuthenticationMethod), v => options.ClientAuthenticationMethod = v);

        foreach (var audience in GetList(section, nameof(CidaasBearerOptions.Audiences)))
        {
            options.Audiences.Add(audience);
        }
    }
}
