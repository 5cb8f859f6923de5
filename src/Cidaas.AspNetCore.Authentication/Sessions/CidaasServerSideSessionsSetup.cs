using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>
/// Sets <see cref="CookieAuthenticationOptions.SessionStore"/> of the cookie schemes named in
/// <see cref="CidaasServerSideSessionOptions.CookieSchemes"/> (unless the host set its own), and warns at start-up when
/// the sessions would live in the in-memory cache, which a second instance does not share.
/// </summary>
internal sealed class CidaasServerSideSessionsSetup(IServiceProvider services, IOptions<CidaasServerSideSessionOptions> options)
    : IPostConfigureOptions<CookieAuthenticationOptions>, IHostedService
{
    public void PostConfigure(string? name, CookieAuthenticationOptions cookie)
    {
        ArgumentNullException.ThrowIfNull(cookie);
        if (name is not null && options.Value.CookieSchemes.Contains(name))
        {
            cookie.SessionStore ??= services.GetRequiredService<CidaasTicketStore>();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<CidaasSessionStore>().Cache is MemoryDistributedCache)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger<CidaasTicketStore>().SessionsInMemory();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
