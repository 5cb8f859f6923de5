using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// Fills in the values derived from others (endpoints from the authority, the back channel, the configuration manager,
/// the introspection cache) and locks the cidaas checks into the token validation parameters, so that a host cannot
/// switch one off by accident.
/// </summary>
internal sealed class CidaasBearerPostConfigureOptions : IPostConfigureOptions<CidaasBearerOptions>
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly ILoggerFactory _loggerFactory;
    private readonly CidaasIntrospectionCache _introspectionCache;
    private readonly IDataProtectionProvider _dataProtectionProvider;

    public CidaasBearerPostConfigureOptions(
        IHttpClientFactory httpClientFactory, ILoggerFactory loggerFactory, CidaasIntrospectionCache introspectionCache, IDataProtectionProvider dataProtectionProvider)
    {
        _httpClientFactory = httpClientFactory;
        _loggerFactory = loggerFactory;
        _introspectionCache = introspectionCache;
        _dataProtectionProvider = dataProtectionProvider;
    }

    public void PostConfigure(string? name, CidaasBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);

        options.Logger = _loggerFactory.CreateLogger<CidaasBearerHandler>();
        options.IntrospectionCache ??= _introspectionCache;

        if (Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            var authority = CidaasUrls.TrimTrailingSlash(options.Authority!);
            options.Authority = authority;
            options.MetadataAddress ??= CidaasUrls.Combine(authority, CidaasDefaults.DiscoveryPath);
            options.IntrospectionEndpoint ??= CidaasUrls.Combine(authority, CidaasDefaults.IntrospectionPath);
        }

        options.IntrospectionProtector ??= CidaasIntrospectionCache.CreateProtector(_dataProtectionProvider, name);
        if (options.IntrospectionEndpoint is not null && options.ClientId is not null)
        {
            options.IntrospectionCacheKeyPrefix = CidaasIntrospectionCache.CreateKeyPrefix(name, options.IntrospectionEndpoint, options.ClientId);
        }

        if (!string.IsNullOrWhiteSpace(options.Audience))
        {
            options.Audiences.Add(options.Audience);
        }

        ConfigureValidation(name, options);

        var expectedIssuer = options.Authority;
        var retriever = new CidaasConfigurationRetriever(expectedIssuer, issuer => CidaasBearerErrors.ConfigurationIssuerMismatch(issuer, expectedIssuer));
        options.Backchannel ??= CidaasBackchannelFactory.Create(options.BackchannelHttpHandler, _httpClientFactory, options.BackchannelTimeout, options.MaxBackchannelResponseSize);
        options.ConfigurationManager ??= CidaasConfigurationManager.Create(
            options.Configuration, options.MetadataAddress, options.Backchannel, options.RequireHttpsMetadata, options.AutomaticRefreshInterval, retriever, options.RefreshInterval);
    }

    private static void ConfigureValidation(string name, CidaasBearerOptions options)
    {
        var parameters = options.TokenValidationParameters;
        if (parameters is null)
        {
            return; // reported by Validate()
        }

        CidaasTokenValidationRules.Require(parameters);
        parameters.AuthenticationType ??= name;

        var audiences = options.Audiences;
        parameters.AudienceValidator = (tokenAudiences, token, _) => CidaasBearerAudience.IsAccepted(tokenAudiences, token, audiences);

        // IdentityModel's own lifetime check adds the skew to 'exp' and lets an 'iat' in the future pass; this one
        // compares without overflowing, refuses an 'iat' later than now plus the skew, and runs on the scheme's clock.
        parameters.LifetimeValidator = (notBefore, expires, token, p) =>
        {
            var now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow().UtcDateTime;
            CidaasTokenLifetime.Validate(notBefore, expires, now, p.ClockSkew);

            // IssuedAt is DateTime.MinValue without 'iat'.
            if (token is JsonWebToken jwt && CidaasTokenLifetime.IsLater(jwt.IssuedAt, now, p.ClockSkew))
            {
                throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IssuedInTheFuture, CidaasBearerErrors.IssuedInTheFutureDescription);
            }

            return true;
        };
    }
}
