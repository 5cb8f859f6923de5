using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

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
            options.StateDataFormat = new CidaasStateDataFormat(protector);
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
            options.RevocationEndpoint ??= CidaasUrls.Combine(authority, CidaasDefaults.RevocationPath);
        }

        var expectedIssuer = options.Authority;
        var retriever = new CidaasConfigurationRetriever(expectedIssuer, issuer => issuer is null
            ? CidaasErrors.ConfigurationIssuerMissing
            : CidaasErrors.ConfigurationIssuerMismatch(issuer, expectedIssuer));
        options.Backchannel ??= CidaasBackchannelFactory.Create(options.BackchannelHttpHandler, _httpClientFactory, options.BackchannelTimeout, options.MaxBackchannelResponseSize);
        options.ConfigurationManager ??= CidaasConfigurationManager.Create(
            options.Configuration, options.MetadataAddress, options.Backchannel, options.RequireHttpsMetadata, options.AutomaticRefreshInterval, retriever);
    }
}
