using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>What every cidaas app gets: the session store service (ending sessions) and the cookie validation that honours it.</summary>
internal static class CidaasSessionServices
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<CidaasSessionStore>();
        services.TryAddSingleton<ICidaasSessionStore>(provider => provider.GetRequiredService<CidaasSessionStore>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CookieAuthenticationOptions>, CidaasSessionValidation>());
    }
}
