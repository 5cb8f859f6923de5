using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Sessions;

/// <summary>
/// Ends sessions (<see cref="CidaasEndedSessions"/> markers, and the server-side entries when
/// <see cref="CidaasTicketStore"/> is in use) and lists them. The cache is the host's <see cref="IDistributedCache"/>, or,
/// when the host registered none, an in-process one of its own (a single instance then).
/// </summary>
internal sealed class CidaasSessionStore : ICidaasSessionStore
{
    private readonly IOptionsMonitor<CookieAuthenticationOptions> _cookies;
    private readonly IServiceProvider _services;

    private static readonly TimeSpan MarkerMargin = TimeSpan.FromMinutes(5);

    public CidaasSessionStore(IServiceProvider services, IOptionsMonitor<CookieAuthenticationOptions> cookies)
    {
        _services = services;
        _cookies = cookies;
        Cache = services.GetService<IDistributedCache>() ?? new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;
    }

    public IDistributedCache Cache { get; }

    public TimeProvider TimeProvider { get; }

    private CidaasTicketStore? TicketStore => _services.GetService<CidaasTicketStore>();

    public async Task<IReadOnlyList<CidaasSessionInfo>> GetSessionsAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return TicketStore is { } store ? await store.ListAsync(CidaasSessionKeys.Hash(subject), cancellationToken) : [];
    }

    public Task EndSessionsAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return EndAsync(CidaasSessionKeys.Hash(subject), sessionIdHash: null, scheme: null, cancellationToken);
    }

    public async Task<bool> EndSessionAsync(string subject, string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (TicketStore is not { } store || await store.FindAsync(CidaasSessionKeys.Hash(subject), id, cancellationToken) is not { } ticket)
        {
            return false;
        }

        // The marker of the ticket's cidaas session keeps a renewal racing with this call from bringing it back.
        var (_, sessionId, _) = CidaasSessionKeys.Read(ticket.Properties);
        if (sessionId is not null)
        {
            await WriteMarkerAsync(null, sessionId, ticket.Properties.Items.TryGetValue(".AuthScheme", out var scheme) ? scheme : null, cancellationToken);
        }

        await store.RemoveByIdAsync(id, cancellationToken);
        return true;
    }

    /// <summary>Ends the sessions of a cidaas session (<paramref name="sessionIdHash"/>), else every session of a user, on every instance.</summary>
    public async Task EndAsync(string? subjectHash, string? sessionIdHash, string? scheme, CancellationToken cancellationToken)
    {
        await WriteMarkerAsync(subjectHash, sessionIdHash, scheme, cancellationToken);
        if (TicketStore is { } store)
        {
            await store.RemoveIndexedAsync(subjectHash, sessionIdHash, cancellationToken);
        }
    }

    private async Task WriteMarkerAsync(string? subjectHash, string? sessionIdHash, string? scheme, CancellationToken cancellationToken)
    {
        // A cookie issued before the marker comes back at the latest one cookie lifetime after its last use.
        var lifetime = _cookies.Get(scheme ?? CookieAuthenticationDefaults.AuthenticationScheme).ExpireTimeSpan + MarkerMargin;
        var hintLifetime = await LongestCookieLifetimeAsync() + MarkerMargin;
        var now = TimeProvider.GetUtcNow();
        await CidaasSessionStoreException.WrapAsync(
            async () =>
            {
                await CidaasEndedSessions.EndAsync(Cache, subjectHash, sessionIdHash, now, lifetime, hintLifetime, cancellationToken);
            },
            cancellationToken);
    }

    /// <summary>The longest lifetime of the application's cookie schemes (a marker's hint is shared by the markers of every scheme).</summary>
    private async Task<TimeSpan> LongestCookieLifetimeAsync()
    {
        var longest = _cookies.Get(CookieAuthenticationDefaults.AuthenticationScheme).ExpireTimeSpan;
        if (_services.GetService<IAuthenticationSchemeProvider>() is { } schemes)
        {
            foreach (var scheme in await schemes.GetAllSchemesAsync())
            {
                if (typeof(CookieAuthenticationHandler).IsAssignableFrom(scheme.HandlerType))
                {
                    var expires = _cookies.Get(scheme.Name).ExpireTimeSpan;
                    longest = expires > longest ? expires : longest;
                }
            }
        }

        return longest;
    }
}
