using Cidaas.AspNetCore.Authentication.Diagnostics;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// IdentityModel's <see cref="ConfigurationManager{T}"/> with one shared first load. The manager stores a freshly loaded
/// document before it sets the time of the next refresh; a request that arrives between those two writes sees a stored
/// document that looks due and starts a background refresh, so that 100 concurrent first sign-ins now and then caused a
/// second discovery and JWKS request. Here every caller before the first successful load awaits that one load, and only
/// later callers reach the manager directly. A failed first load is not kept: the next caller tries again, with the
/// manager's own backoff.
/// </summary>
/// <remarks>
/// It is a <see cref="BaseConfigurationManager"/> as IdentityModel's manager is: JwtBearerHandler hands such a manager to
/// the token handler (whose failures are results), but loads any other kind itself, outside its error handling, so that
/// an unreachable or refused discovery document became an unhandled exception (a 500) instead of a 401.
/// </remarks>
internal sealed class CidaasConfigurationManager : BaseConfigurationManager, IConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly IConfigurationManager<OpenIdConnectConfiguration> _inner;
    private readonly Lock _lock = new();
    private Task<OpenIdConnectConfiguration>? _firstLoad;
    private volatile bool _loaded;

    public CidaasConfigurationManager(IConfigurationManager<OpenIdConnectConfiguration> inner, CidaasMeasuredDocumentRetriever? documents = null)
    {
        Documents = documents;
        _inner = inner;
        if (inner is BaseConfigurationManager manager)
        {
            // What the base class reports is the wrapped manager's.
            MetadataAddress = manager.MetadataAddress;
            AutomaticRefreshInterval = manager.AutomaticRefreshInterval;
            RefreshInterval = manager.RefreshInterval;
        }
    }

    /// <summary>
    /// A fixed configuration when one is given, else a cached discovery of the metadata address over the back channel,
    /// read by <paramref name="retriever"/>; <see langword="null"/> when there is neither (the options' validation says so).
    /// </summary>
    public static IConfigurationManager<OpenIdConnectConfiguration>? Create(
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

        var documents = new CidaasMeasuredDocumentRetriever(
            new HttpDocumentRetriever(backchannel) { RequireHttps = requireHttpsMetadata && !CidaasUrls.IsLoopback(metadataAddress) }, backchannel, metadataAddress);
        var manager = new ConfigurationManager<OpenIdConnectConfiguration>(metadataAddress, retriever, documents)
        {
            AutomaticRefreshInterval = automaticRefreshInterval,
        };

        if (refreshInterval is { } interval)
        {
            manager.RefreshInterval = interval;
        }

        return new CidaasConfigurationManager(manager, documents);
    }

    /// <summary>The retriever of the documents, which knows how the last load ended (for the health check).</summary>
    public CidaasMeasuredDocumentRetriever? Documents { get; }

    /// <summary>Whether a configuration was loaded: sign-ins are served from it even while refreshes fail.</summary>
    public bool HasConfiguration => _loaded;

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
        => _loaded ? _inner.GetConfigurationAsync(cancel) : GetFirstConfigurationAsync(cancel);

    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) => await GetConfigurationAsync(cancel);

    public override void RequestRefresh() => _inner.RequestRefresh();

    private async Task<OpenIdConnectConfiguration> GetFirstConfigurationAsync(CancellationToken cancel)
    {
        Task<OpenIdConnectConfiguration> load;
        lock (_lock)
        {
            // The load is shared, so no caller's token may cancel it; a caller's token only ends its own wait.
            load = _firstLoad ??= _inner.GetConfigurationAsync(CancellationToken.None);
        }

        try
        {
            var configuration = await load.WaitAsync(cancel);
            _loaded = true;
            return configuration;
        }
        catch (Exception) when (load.IsFaulted || load.IsCanceled)
        {
            lock (_lock)
            {
                if (ReferenceEquals(_firstLoad, load))
                {
                    _firstLoad = null;
                }
            }

            throw;
        }
    }
}
