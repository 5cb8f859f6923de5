using System.Globalization;
using Cidaas.AspNetCore.Authentication.Bearer;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cidaas.AspNetCore.Authentication.Diagnostics;

/// <summary>
/// Whether a cidaas scheme (sign-in or bearer) can reach cidaas: it asks the scheme's own configuration manager for the
/// discovery document and key set, so a fresh cached configuration costs no request. Healthy: a configuration with
/// signing keys, and the last load succeeded. Degraded: the last refresh failed, but a cached configuration still
/// serves sign-ins and tokens. Unhealthy: nothing is cached and cidaas cannot be reached, refuses the document, or does
/// not answer within the time budget. A scheme with a fixed <c>Configuration</c> is Healthy.
/// </summary>
internal sealed class CidaasHealthCheck : IHealthCheck
{
    private readonly IAuthenticationSchemeProvider _schemes;
    private readonly IOptionsMonitor<CidaasOptions> _signInOptions;
    private readonly IOptionsMonitor<CidaasBearerOptions> _bearerOptions;
    private readonly string _scheme;
    private readonly TimeSpan _timeout;

    public CidaasHealthCheck(
        IAuthenticationSchemeProvider schemes,
        IOptionsMonitor<CidaasOptions> signInOptions,
        IOptionsMonitor<CidaasBearerOptions> bearerOptions,
        string scheme,
        TimeSpan timeout)
    {
        _schemes = schemes;
        _signInOptions = signInOptions;
        _bearerOptions = bearerOptions;
        _scheme = scheme;
        _timeout = timeout;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Every failure to load the configuration is a result of the check, never an exception.")]
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheme = await _schemes.GetSchemeAsync(_scheme);
        IConfigurationManager<OpenIdConnectConfiguration>? manager;
        string? metadataAddress;
        if (scheme?.HandlerType is { } type && typeof(CidaasHandler).IsAssignableFrom(type))
        {
            var options = _signInOptions.Get(_scheme);
            (manager, metadataAddress) = (options.ConfigurationManager, options.MetadataAddress);
        }
        else if (scheme?.HandlerType is { } bearerType && typeof(CidaasBearerHandler).IsAssignableFrom(bearerType))
        {
            var options = _bearerOptions.Get(_scheme);
            (manager, metadataAddress) = (options.ConfigurationManager, options.MetadataAddress);
        }
        else
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"'{_scheme}' is not a cidaas scheme of this app.");
        }

        if (manager is null or StaticConfigurationManager<OpenIdConnectConfiguration>)
        {
            return HealthCheckResult.Healthy("The scheme uses a fixed configuration.");
        }

        var data = new Dictionary<string, object> { ["metadata_address"] = metadataAddress ?? string.Empty };
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await manager.GetConfigurationAsync(cancellationToken).WaitAsync(_timeout, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var reason = ex is TimeoutException
                ? $"cidaas did not answer within {_timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds"
                : CidaasConfigurationRetriever.FindRefusal(ex)?.Message ?? "the discovery document or the key set could not be loaded";
            return new HealthCheckResult(context.Registration.FailureStatus, $"No cidaas configuration is available: {reason}.", data: data);
        }

        if (configuration.SigningKeys.Count == 0)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The cidaas key set holds no signing key.", data: data);
        }

        if (manager is CidaasConfigurationManager { Documents: { } documents })
        {
            var (lastSuccess, lastFailure, lastError) = documents.State;
            if (lastSuccess is { } success)
            {
                data["last_load"] = success;
            }

            if (lastFailure is { } failure)
            {
                data["last_failure"] = failure;
                return HealthCheckResult.Degraded($"The last refresh of the cidaas configuration failed ({lastError}); the cached configuration still serves.", data: data);
            }
        }

        return HealthCheckResult.Healthy("The cidaas discovery document and key set are loaded.", data);
    }
}
