using System.Net.Http.Headers;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Fills in the values derived from others: endpoints from the authority, the state protector, the back channel
/// and the configuration manager.
/// </summary>
public class CidaasPostConfigureOptions : IPostConfigureOptions<CidaasOptions>
{
    private readonly IDataProtectionProvider _dataProtection;
    private readonly IHttpClientFactory _httpClientFactory;

    /// <summary>Creates the post-configuration.</summary>
    public CidaasPostConfigureOptions(IDataProtectionProvider dataProtection, IHttpClientFactory httpClientFactory)
    {
        _dataProtection = dataProtection;
        _httpClientFactory = httpClientFactory;
    }

    /// <inheritdoc />
    public void PostConfigure(string? name, CidaasOptions options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);

        options.DataProtectionProvider ??= _dataProtection;
        if (options.StateDataFormat is null)
        {
            var protector = options.DataProtectionProvider.CreateProtector(typeof(CidaasHandler).FullName!, name, "v1");
            options.StateDataFormat = new PropertiesDataFormat(protector);
        }

        if (Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            var authority = CidaasUrls.TrimTrailingSlash(options.Authority!);
            options.Authority = authority;
            options.AuthorizationEndpoint ??= CidaasUrls.Combine(authority, CidaasDefaults.AuthorizationPath);
            options.TokenEndpoint ??= CidaasUrls.Combine(authority, CidaasDefaults.TokenPath);
            options.UserInformationEndpoint ??= CidaasUrls.Combine(authority, CidaasDefaults.UserInformationPath);
            options.EndSessionEndpoint ??= CidaasUrls.Combine(authority, CidaasDefaults.EndSessionPath);
            options.MetadataAddress ??= CidaasUrls.Combine(authority, CidaasDefaults.DiscoveryPath);
        }

        if (options.Backchannel is null)
        {
            options.Backchannel = options.BackchannelHttpHandler is not null
                ? new HttpClient(options.BackchannelHttpHandler)
                : _httpClientFactory.CreateClient(CidaasDefaults.BackchannelHttpClientName);
            options.Backchannel.Timeout = options.BackchannelTimeout;
            options.Backchannel.MaxResponseContentBufferSize = options.MaxBackchannelResponseSize;
            options.Backchannel.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Cidaas.AspNetCore.Authentication", typeof(CidaasHandler).Assembly.GetName().Version?.ToString(3) ?? "0.0.0"));
        }

        if (options.ConfigurationManager is null)
        {
            if (options.Configuration is not null)
            {
                options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(options.Configuration);
            }
            else if (Uri.TryCreate(options.MetadataAddress, UriKind.Absolute, out _))
            {
                options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                    options.MetadataAddress,
                    new OpenIdConnectConfigurationRetriever(),
                    new HttpDocumentRetriever(options.Backchannel) { RequireHttps = options.RequireHttpsMetadata && !CidaasUrls.IsLoopback(options.MetadataAddress) })
                {
                    AutomaticRefreshInterval = options.AutomaticRefreshInterval,
                };
            }
        }
    }
}
