using Cidaas.AspNetCore.Authentication.Bearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Diagnostics;

/// <summary>
/// Connects a cidaas scheme to the host's <see cref="CidaasTelemetry"/>: its back channel, its signing-key cache and its
/// handler report there. Registered after the schemes' own post-configuration, which makes the back channel.
/// </summary>
internal sealed class CidaasTelemetryPostConfigureOptions(CidaasTelemetry telemetry)
    : IPostConfigureOptions<CidaasOptions>, IPostConfigureOptions<CidaasBearerOptions>
{
    public void PostConfigure(string? name, CidaasOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Telemetry = telemetry;
        options.SigningKeyCache.Telemetry = telemetry;
        if (options.Backchannel is not null)
        {
            telemetry.Attach(options.Backchannel);
        }
    }

    public void PostConfigure(string? name, CidaasBearerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Telemetry = telemetry;
        options.SigningKeyCache.Telemetry = telemetry;
        if (options.Backchannel is not null)
        {
            telemetry.Attach(options.Backchannel);
        }
    }

    /// <summary>Registers the telemetry and this post-configuration for the options type (after its own).</summary>
    public static void Register<TOptions>(IServiceCollection services)
        where TOptions : class
    {
        services.AddMetrics();
        services.TryAddSingleton<CidaasTelemetry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IPostConfigureOptions<TOptions>), typeof(CidaasTelemetryPostConfigureOptions)));
    }
}
