using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication;

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

    public CidaasBearerPostConfigureOptions(IHttpClientFactory httpClientFactory, ILoggerFactory loggerFactory, CidaasIntrospectionCache introspectionCache)
    {
        _httpClientFactory = httpClientFactory;
        _loggerFactory = loggerFactory;
        _introspectionCache = introspectionCache;
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

        if (!string.IsNullOrWhiteSpace(options.Audience))
        {
            options.Audiences.Add(options.Audience);
        }

        ConfigureValidation(name, options);

        options.Backchannel ??= CidaasMetadata.CreateBackchannel(
            options.BackchannelHttpHandler, _httpClientFactory, options.BackchannelTimeout, options.MaxBackchannelResponseSize);
        options.ConfigurationManager ??= CidaasMetadata.CreateConfigurationManager(
            options.Configuration, options.MetadataAddress, options.Backchannel, options.RequireHttpsMetadata, options.AutomaticRefreshInterval, options.RefreshInterval);
    }

    private static void ConfigureValidation(string name, CidaasBearerOptions options)
    {
        var parameters = options.TokenValidationParameters;
        if (parameters is null)
        {
            return; // reported by Validate()
        }

        parameters.ValidateIssuer = true;
        parameters.ValidateAudience = true;
        parameters.ValidateLifetime = true;
        parameters.RequireExpirationTime = true;
        parameters.RequireSignedTokens = true;
        parameters.TryAllIssuerSigningKeys = true;
        parameters.AuthenticationType ??= name;
        if (parameters.ValidAlgorithms is null || !parameters.ValidAlgorithms.Any())
        {
            parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        }

        var audiences = options.Audiences;
        parameters.AudienceValidator = (tokenAudiences, token, _) => CidaasBearerAudience.IsAccepted(tokenAudiences, token, audiences);

        var timeProvider = options.TimeProvider;
        if (timeProvider is not null && !ReferenceEquals(timeProvider, TimeProvider.System))
        {
            // The same checks and exceptions as IdentityModel's own, on the scheme's clock.
            parameters.LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = timeProvider.GetUtcNow().UtcDateTime;
                if (expires is null)
                {
                    throw new SecurityTokenNoExpirationException("The token has no expiration.");
                }

                if (notBefore is not null && now < notBefore.Value.Subtract(p.ClockSkew))
                {
                    throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = notBefore.Value };
                }

                if (now > expires.Value.Add(p.ClockSkew))
                {
                    throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
                }

                return true;
            };
        }
    }
}
