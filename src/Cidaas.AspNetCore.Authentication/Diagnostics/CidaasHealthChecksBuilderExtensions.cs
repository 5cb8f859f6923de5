using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.Bearer;
using Cidaas.AspNetCore.Authentication.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a health check of a cidaas scheme.</summary>
public static class CidaasHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check that reports whether a cidaas scheme (added with <c>AddCidaas</c> or <c>AddCidaasBearer</c>) can
    /// load the discovery document and key set, through the scheme's own configuration manager (no request while the
    /// cached configuration is fresh). Healthy: loaded. Degraded: the last refresh failed, a cached configuration still
    /// serves. Unhealthy (<paramref name="failureStatus"/>): nothing cached and cidaas unreachable, refused or too slow.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="scheme">The scheme; default <see cref="CidaasDefaults.AuthenticationScheme"/>.</param>
    /// <param name="name">The name of the check; default <c>cidaas</c>, or <c>cidaas-{scheme}</c> for another scheme.</param>
    /// <param name="failureStatus">The status when nothing can be loaded; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by (for example <c>ready</c>).</param>
    /// <param name="timeout">The time budget of one check; default 5 seconds.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddCidaasHealthCheck(
        this IHealthChecksBuilder builder,
        string scheme = CidaasDefaults.AuthenticationScheme,
        string? name = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(scheme);
        var budget = timeout ?? TimeSpan.FromSeconds(5);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero, nameof(timeout));

        return builder.Add(new HealthCheckRegistration(
            name ?? (scheme == CidaasDefaults.AuthenticationScheme ? "cidaas" : "cidaas-" + scheme),
            services => new CidaasHealthCheck(
                services.GetRequiredService<IAuthenticationSchemeProvider>(),
                services.GetRequiredService<IOptionsMonitor<CidaasOptions>>(),
                services.GetRequiredService<IOptionsMonitor<CidaasBearerOptions>>(),
                scheme,
                budget),
            failureStatus,
            tags,
            budget + TimeSpan.FromSeconds(1)));
    }
}
