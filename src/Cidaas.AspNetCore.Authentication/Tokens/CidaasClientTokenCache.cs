using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>
/// Client tokens (grant <c>client_credentials</c>) in <see cref="HybridCache"/>: concurrent first calls share one token
/// request (HybridCache's stampede protection), a token is kept until <see cref="CidaasClientCredentialsOptions.RefreshBeforeExpiry"/>
/// before its expiry, failures are never cached, and with a distributed cache behind HybridCache the instances share
/// the token (protected at rest by <see cref="CidaasClientTokenSerializer"/>).
/// </summary>
internal sealed class CidaasClientTokenCache(
    HybridCache cache,
    IOptionsMonitor<CidaasClientCredentialsOptions> clients,
    IOptionsMonitor<CidaasOptions> schemes,
    IHttpClientFactory httpClientFactory,
    ILoggerFactory loggerFactory)
{
    // Until the token's own lifetime is known (the factory has run), an entry lives this long at most.
    private static readonly HybridCacheEntryOptions FirstEntry = new() { Expiration = TimeSpan.FromMinutes(1), LocalCacheExpiration = TimeSpan.FromMinutes(1) };

    private readonly ILogger _logger = loggerFactory.CreateLogger("Cidaas.AspNetCore.Authentication.Tokens");

    /// <summary>A usable token of the named client, from the cache or the token endpoint.</summary>
    /// <exception cref="CidaasProtocolException">The token could not be obtained (CIDAAS7020).</exception>
    public async Task<CidaasClientToken> GetAsync(string name, bool forceRenewal, CancellationToken cancellationToken)
    {
        var options = clients.Get(name);
        var key = Resolve(name, options);
        if (forceRenewal)
        {
            await cache.RemoveAsync(key, cancellationToken);
        }

        for (var attempt = 0; ; attempt++)
        {
            var state = new FactoryState(this, name, options);
            CidaasClientToken token;
            try
            {
                token = await cache.GetOrCreateAsync(key, state, static (s, ct) => s.Cache.RequestAsync(s, ct), FirstEntry, cancellationToken: cancellationToken);
            }
            catch (CidaasProtocolException ex)
            {
                // HybridCache hands the failure to every waiting caller and keeps nothing: the next call asks again.
                _logger.ClientTokenFailed(name, ex.Message);
                throw new CidaasProtocolException(CidaasErrors.ClientTokenFailed(name, ex.Message), ex);
            }

            var remaining = token.ExpiresAt is { } expiresAt ? expiresAt - options.RefreshBeforeExpiry - TimeProvider.System.GetUtcNow() : TimeSpan.FromMinutes(1);
            if (remaining > TimeSpan.Zero)
            {
                if (state.Created)
                {
                    // Now that the lifetime is known, keep the entry until shortly before the token expires.
                    await cache.SetAsync(key, token, new HybridCacheEntryOptions { Expiration = remaining, LocalCacheExpiration = remaining }, cancellationToken: cancellationToken);
                }

                return token;
            }

            await cache.RemoveAsync(key, cancellationToken);
            if (state.Created || attempt > 0)
            {
                // A new token whose whole lifetime is inside RefreshBeforeExpiry: used once, not kept.
                return token;
            }
        }
    }

    private async ValueTask<CidaasClientToken> RequestAsync(FactoryState state, CancellationToken cancellationToken)
    {
        var options = state.Options;
        _logger.RequestingClientToken(state.Name);
        var client = new CidaasTokenClient(options.Backchannel!, 1024 * 1024, options.BackchannelTimeout, options.RequestCache,
            new CidaasClientAuthentication(options.ClientAuthenticationMethod ?? CidaasClientAuthenticationMethod.ClientSecretPost, options.ClientId!, options.ClientSecret,
                options.ClientSigningCredentials, options.ClientAssertionAudience ?? CidaasClientAssertionAudience.Endpoint, options.Authority is null ? null : CidaasUrls.TrimTrailingSlash(options.Authority)), _logger);
        using var tokens = await client.RequestClientTokenAsync(options.TokenEndpoint!, options.Scope, cancellationToken);
        if (CidaasTokenClient.FindProblem(tokens) is { } problem)
        {
            throw new CidaasProtocolException(problem);
        }

        state.Created = true;
        var now = TimeProvider.System.GetUtcNow();
        DateTimeOffset? expiresAt = tokens.ExpiresIn is long seconds and > 0 && seconds < (DateTimeOffset.MaxValue - now).TotalSeconds - 1 ? now + TimeSpan.FromSeconds(seconds) : null;
        return new CidaasClientToken(tokens.AccessToken!, expiresAt);
    }

    /// <summary>Fills in what the options leave unset from the named scheme, once.</summary>
    /// <returns>The key of the client's token in the cache.</returns>
    private string Resolve(string name, CidaasClientCredentialsOptions options)
    {
        if (options.CacheKey is { } resolved)
        {
            return resolved;
        }

        lock (options)
        {
            if (options.CacheKey is { } key)
            {
                return key;
            }

            var scheme = options.Scheme is null ? null : schemes.Get(options.Scheme);
            options.Authority ??= scheme?.Authority;
            options.ClientId ??= scheme?.ClientId;
            options.ClientSecret ??= scheme?.ClientSecret;
            options.ClientAuthenticationMethod ??= scheme?.ClientAuthenticationMethod;
            options.ClientSigningCredentials ??= scheme?.ClientSigningCredentials;
            options.ClientAssertionAudience ??= scheme?.ClientAssertionAudience;
            options.TokenEndpoint ??= scheme?.TokenEndpoint ?? (options.Authority is null ? null : CidaasUrls.Combine(CidaasUrls.TrimTrailingSlash(options.Authority), CidaasDefaults.TokenPath));
            var method = options.ClientAuthenticationMethod ?? CidaasClientAuthenticationMethod.ClientSecretPost;
            if (string.IsNullOrEmpty(options.TokenEndpoint) || string.IsNullOrEmpty(options.ClientId)
                || (string.IsNullOrEmpty(options.ClientSecret) && method != CidaasClientAuthenticationMethod.PrivateKeyJwt))
            {
                throw new InvalidOperationException("The cidaas client credentials need an Authority (or TokenEndpoint), a ClientId and a ClientSecret (or, with PrivateKeyJwt, ClientSigningCredentials), or a Scheme that has them.");
            }

            var check = new CidaasOptionsChecker(requireHttpsMetadata: false);
            check.CheckClientAuthentication(method, options.ClientSecret, options.ClientSigningCredentials, options.ClientAssertionAudience ?? CidaasClientAssertionAudience.Endpoint,
                !string.IsNullOrEmpty(options.Authority), "to the client secret of the cidaas application");
            check.ThrowIfAny($"The cidaas client credentials '{CidaasErrors.Clean(options.Scheme ?? options.ClientId)}' are not valid:");

            options.Backchannel = options.BackchannelHttpHandler is null && scheme?.Backchannel is { } schemeBackchannel
                ? schemeBackchannel
                : CidaasBackchannelFactory.Create(options.BackchannelHttpHandler, httpClientFactory, options.BackchannelTimeout, 1024 * 1024);

            // The token endpoint names the tenant: two apps on one shared cache may use the same name, client id and
            // scope against different cidaas tenants. Written last: see CacheKey.
            var cacheKey = $"cidaas:client-token:v2:{name}:{options.TokenEndpoint}:{options.ClientId}:{options.Scope}";
            options.CacheKey = cacheKey;
            return cacheKey;
        }
    }

    private sealed class FactoryState(CidaasClientTokenCache cache, string name, CidaasClientCredentialsOptions options)
    {
        public CidaasClientTokenCache Cache { get; } = cache;

        public string Name { get; } = name;

        public CidaasClientCredentialsOptions Options { get; } = options;

        public bool Created { get; set; }
    }
}
