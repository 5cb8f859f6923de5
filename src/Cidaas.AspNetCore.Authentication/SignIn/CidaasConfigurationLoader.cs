using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The issuer's discovery document for a callback, from the scheme's configuration manager: one that cannot be loaded,
/// names no issuer or another issuer than the authority fails the sign-in (CIDAAS3003, 3010, 3004).
/// </summary>
internal static class CidaasConfigurationLoader
{
    /// <exception cref="CidaasProtocolException">The document cannot be used.</exception>
    public static async Task<OpenIdConnectConfiguration> LoadAsync(CidaasOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (CidaasConfigurationRetriever.FindRefusal(ex) is { } refusal)
            {
                throw refusal;
            }

            logger.ConfigurationUnavailable(options.MetadataAddress, ex);
            throw new CidaasProtocolException(CidaasErrors.ConfigurationUnavailable(options.MetadataAddress), ex);
        }

        // A fixed configuration (Options.Configuration) is not read by the retriever: it is held to the same rule here.
        if (string.IsNullOrEmpty(configuration.Issuer))
        {
            throw new CidaasProtocolException(CidaasErrors.ConfigurationIssuerMissing);
        }

        if (!string.Equals(CidaasUrls.TrimTrailingSlash(configuration.Issuer), CidaasUrls.TrimTrailingSlash(options.Authority!), StringComparison.Ordinal))
        {
            throw new CidaasProtocolException(CidaasErrors.ConfigurationIssuerMismatch(configuration.Issuer, options.Authority));
        }

        return configuration;
    }
}
