using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// The back channel and the discovery of a cidaas scheme, built the same way for the sign-in handler and the
/// bearer handler.
/// </summary>
internal static class CidaasMetadata
{
    private static readonly ProductInfoHeaderValue UserAgent = new(
        "Cidaas.AspNetCore.Authentication", typeof(CidaasMetadata).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>
    /// Registers the named <see cref="IHttpClientFactory"/> client the back channel uses unless the options bring their
    /// own: it never follows redirects (a 307 would re-post the client secret elsewhere), and its pooled connections
    /// are renewed so that a long-lived client still notices DNS changes of the cidaas tenant.
    /// </summary>
    public static void AddBackchannelClient(IServiceCollection services)
        => services.AddHttpClient(CidaasDefaults.BackchannelHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
            });

    /// <summary>An HttpClient over the given handler, else the named <see cref="IHttpClientFactory"/> client.</summary>
    public static HttpClient CreateBackchannel(HttpMessageHandler? handler, IHttpClientFactory factory, TimeSpan timeout, int maxResponseSize)
    {
        var client = handler is not null ? new HttpClient(handler) : factory.CreateClient(CidaasDefaults.BackchannelHttpClientName);
        client.Timeout = timeout;
        client.MaxResponseContentBufferSize = maxResponseSize;
        client.DefaultRequestHeaders.UserAgent.Add(UserAgent);
        return client;
    }

    /// <summary>
    /// A fixed configuration when one is given, else a cached discovery of the metadata address over the back channel,
    /// read by <paramref name="retriever"/>.
    /// </summary>
    public static IConfigurationManager<OpenIdConnectConfiguration>? CreateConfigurationManager(
        OpenIdConnectConfiguration? configuration,
        string? metadataAddress,
        HttpClient backchannel,
        bool requireHttpsMetadata,
        TimeSpan automaticRefreshInterval,
        CidaasConfigurationRetriever retriever,
        TimeSpan? refreshInterval = null)
    {
        if (configuration is not null)
        {
            return new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration);
        }

        if (!Uri.TryCreate(metadataAddress, UriKind.Absolute, out _))
        {
            return null;
        }

        var manager = new ConfigurationManager<OpenIdConnectConfiguration>(
            metadataAddress,
            retriever,
            new HttpDocumentRetriever(backchannel) { RequireHttps = requireHttpsMetadata && !CidaasUrls.IsLoopback(metadataAddress) })
        {
            AutomaticRefreshInterval = automaticRefreshInterval,
        };

        if (refreshInterval is { } interval)
        {
            manager.RefreshInterval = interval;
        }

        return new CidaasConfigurationManager(manager);
    }
}
