using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>The services of tokens after sign-in, registered by <c>AddCidaas</c>.</summary>
internal static class CidaasTokensServiceCollectionExtensions
{
    public static IServiceCollection AddCidaasUserTokens(this IServiceCollection services)
    {
        services.TryAddSingleton<CidaasRefreshCoordinator>();
        services.TryAddSingleton<CidaasUserTokenManager>();
        return services;
    }
}
