using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.Diagnostics;
using Cidaas.AspNetCore.Authentication.Protocol;
using Cidaas.AspNetCore.Authentication.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the cidaas handler to the authentication pipeline.
/// </summary>
public static class CidaasAuthenticationExtensions
{
    /// <summary>
    /// Adds cidaas under the <see cref="CidaasDefaults.AuthenticationScheme"/> scheme, configured from the
    /// <c>Authentication:Schemes:Cidaas</c> configuration section.
    /// </summary>
    public static AuthenticationBuilder AddCidaas(this AuthenticationBuilder builder)
        => builder.AddCidaas(CidaasDefaults.AuthenticationScheme, _ => { });

    /// <summary>Adds cidaas under the <see cref="CidaasDefaults.AuthenticationScheme"/> scheme.</summary>
    public static AuthenticationBuilder AddCidaas(this AuthenticationBuilder builder, Action<CidaasOptions> configureOptions)
        => builder.AddCidaas(CidaasDefaults.AuthenticationScheme, configureOptions);

    /// <summary>Adds cidaas under the given scheme.</summary>
    public static AuthenticationBuilder AddCidaas(this AuthenticationBuilder builder, string authenticationScheme, Action<CidaasOptions> configureOptions)
        => builder.AddCidaas(authenticationScheme, CidaasDefaults.DisplayName, configureOptions);

    /// <summary>
    /// Adds cidaas under the given scheme and display name. The scheme's section of <c>Authentication:Schemes</c>
    /// is applied first, then <paramref name="configureOptions"/>.
    /// </summary>
    public static AuthenticationBuilder AddCidaas(this AuthenticationBuilder builder, string authenticationScheme, string? displayName, Action<CidaasOptions> configureOptions)
        => builder.AddCidaas<CidaasHandler>(authenticationScheme, displayName, configureOptions);

    /// <summary>
    /// Adds cidaas with a handler derived from <see cref="CidaasHandler"/> (which overrides its protected seams) under the
    /// given scheme and display name, with everything <c>AddCidaas</c> registers. The scheme's section of
    /// <c>Authentication:Schemes</c> is applied first, then <paramref name="configureOptions"/>.
    /// </summary>
    /// <typeparam name="THandler">The handler.</typeparam>
    public static AuthenticationBuilder AddCidaas<THandler>(this AuthenticationBuilder builder, string authenticationScheme, string? displayName, Action<CidaasOptions> configureOptions)
        where THandler : CidaasHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(authenticationScheme);
        ArgumentNullException.ThrowIfNull(configureOptions);

        CidaasBackchannelFactory.AddBackchannelClient(builder.Services);
        Cidaas.AspNetCore.Authentication.Sessions.CidaasSessionServices.Add(builder.Services);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<CidaasOptions>, CidaasConfigureOptions>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CidaasOptions>, CidaasPostConfigureOptions>());
        CidaasTelemetryPostConfigureOptions.Register<CidaasOptions>(builder.Services);
        builder.Services.AddCidaasUserTokens();
        builder.AddRemoteScheme<CidaasOptions, THandler>(authenticationScheme, displayName, configureOptions);

        // A mistake in the options stops the host at start-up with one message, instead of failing every request
        // (the anonymous ones and the error page included) while a liveness probe still passes.
        builder.Services.AddOptions<CidaasOptions>(authenticationScheme).ValidateOnStart();
        return builder;
    }
}
