using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.Bearer;
using Cidaas.AspNetCore.Authentication.Diagnostics;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the cidaas bearer handler, which protects APIs with cidaas access tokens, to the authentication pipeline.
/// </summary>
public static class CidaasBearerAuthenticationExtensions
{
    /// <summary>
    /// Adds the cidaas bearer handler under the <see cref="CidaasDefaults.BearerAuthenticationScheme"/> scheme, configured
    /// from the <c>Authentication:Schemes:CidaasBearer</c> configuration section.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddCidaasBearer(this AuthenticationBuilder builder)
        => builder.AddCidaasBearer(CidaasDefaults.BearerAuthenticationScheme, _ => { });

    /// <summary>Adds the cidaas bearer handler under the <see cref="CidaasDefaults.BearerAuthenticationScheme"/> scheme.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configureOptions">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddCidaasBearer(this AuthenticationBuilder builder, Action<CidaasBearerOptions> configureOptions)
        => builder.AddCidaasBearer(CidaasDefaults.BearerAuthenticationScheme, configureOptions);

    /// <summary>Adds the cidaas bearer handler under the given scheme.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <param name="configureOptions">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddCidaasBearer(this AuthenticationBuilder builder, string authenticationScheme, Action<CidaasBearerOptions> configureOptions)
        => builder.AddCidaasBearer(authenticationScheme, displayName: null, configureOptions);

    /// <summary>
    /// Adds the cidaas bearer handler under the given scheme and display name. The scheme's section of
    /// <c>Authentication:Schemes</c> is applied first, then <paramref name="configureOptions"/>.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <param name="displayName">The display name; <see langword="null"/> (the default) keeps the scheme out of sign-in pickers.</param>
    /// <param name="configureOptions">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddCidaasBearer(this AuthenticationBuilder builder, string authenticationScheme, string? displayName, Action<CidaasBearerOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(authenticationScheme);
        ArgumentNullException.ThrowIfNull(configureOptions);

        CidaasBackchannelFactory.AddBackchannelClient(builder.Services);
        builder.Services.AddDataProtection();
        builder.Services.TryAddSingleton(services => new CidaasIntrospectionCache(services.GetService<IDistributedCache>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<CidaasBearerOptions>, CidaasBearerConfigureOptions>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CidaasBearerOptions>, CidaasBearerPostConfigureOptions>());
        CidaasTelemetryPostConfigureOptions.Register<CidaasBearerOptions>(builder.Services);

        // AddScheme<TOptions, THandler> wants an AuthenticationHandler<TOptions>; the handler is a JwtBearerHandler (its
        // options are JwtBearerOptions), so the scheme is registered the way AddScheme does it.
        builder.Services.Configure<AuthenticationOptions>(o => o.AddScheme(authenticationScheme, scheme =>
        {
            scheme.HandlerType = typeof(CidaasBearerHandler);
            scheme.DisplayName = displayName;
        }));
        builder.Services.Configure(authenticationScheme, configureOptions);
        builder.Services.AddOptions<CidaasBearerOptions>(authenticationScheme).Validate(o =>
        {
            o.Validate(authenticationScheme);
            return true;
        }).ValidateOnStart();
        builder.Services.TryAddTransient<CidaasBearerHandler>();
        return builder;
    }
}
