using Cidaas.AspNetCore.Authentication.Tokens;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Machine-to-machine tokens of cidaas (grant <c>client_credentials</c>).</summary>
public static class CidaasClientCredentialsServiceCollectionExtensions
{
    /// <summary>
    /// Registers a cidaas client by name whose tokens (grant <c>client_credentials</c>) are cached in <c>HybridCache</c>
    /// until <see cref="CidaasClientCredentialsOptions.RefreshBeforeExpiry"/> before they expire; concurrent first calls
    /// share one token request, failures are never cached, and a distributed cache registered by the host shares the
    /// tokens (protected with Data Protection) across instances. Use it with <c>AddCidaasClientAccessTokenHandler(name)</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name.</param>
    /// <param name="configure">Configures the client.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCidaasClientCredentials(this IServiceCollection services, string name, Action<CidaasClientCredentialsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(name, configure);
        services.AddHybridCache();
        services.AddHttpClient();
        services.AddDataProtection();
        services.TryAddSingleton<IHybridCacheSerializer<CidaasClientToken>, CidaasClientTokenSerializer>();
        services.TryAddSingleton<CidaasClientTokenCache>();
        return services;
    }
}
