using Cidaas.AspNetCore.Authentication.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the cookie scheme's tickets server-side, in the host's <c>IDistributedCache</c>.</summary>
public static class CidaasServerSideSessionsExtensions
{
    /// <summary>
    /// The cookie scheme (<c>Cookies</c> by default, see <see cref="CidaasServerSideSessionOptions.CookieSchemes"/>) keeps its
    /// tickets in the host's <c>IDistributedCache</c> (memory unless the host registers another, e.g.
    /// <c>AddStackExchangeRedisCache</c>), protected with Data Protection; the cookie carries only a session key. The sessions
    /// are indexed by the user's <c>sub</c> and the cidaas <c>sid</c> so that <see cref="ICidaasSessionStore"/> and
    /// back-channel logout can end them.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddCidaasServerSideSessions(this AuthenticationBuilder builder, Action<CidaasServerSideSessionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddDataProtection();
        CidaasSessionServices.Add(services);
        services.AddOptions<CidaasServerSideSessionOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<CidaasTicketStore>();
        services.TryAddSingleton<CidaasServerSideSessionsSetup>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CookieAuthenticationOptions>, CidaasServerSideSessionsSetup>(
            provider => provider.GetRequiredService<CidaasServerSideSessionsSetup>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CidaasServerSideSessionsSetup>(
            provider => provider.GetRequiredService<CidaasServerSideSessionsSetup>()));
        return builder;
    }
}
