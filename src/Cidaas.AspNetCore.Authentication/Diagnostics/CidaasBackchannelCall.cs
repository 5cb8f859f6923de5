using System.Diagnostics;

namespace Cidaas.AspNetCore.Authentication.Diagnostics;

/// <summary>
/// One call from the app to cidaas, as the metrics and traces see it: an activity <c>cidaas.backchannel {endpoint}</c>
/// (the parent of the <see cref="HttpClient"/> activity) and, when it ends, one measurement of
/// <c>cidaas.backchannel.duration</c> tagged with the endpoint, the outcome, the HTTP status and the error type.
/// <c>CidaasBackchannel.SendAsync</c> uses it for every call; code that calls cidaas another way (IdentityModel's
/// document retriever) starts one the same way, and ends it in a <see langword="finally"/>. Without listeners it is a
/// struct that holds nulls and costs no allocation.
/// </summary>
internal struct CidaasBackchannelCall
{
    private readonly CidaasTelemetry? _telemetry;
    private readonly Activity? _activity;
    private readonly string _endpoint;
    private readonly long _started;
    private string? _errorType;
    private bool _succeeded;

    private CidaasBackchannelCall(CidaasTelemetry? telemetry, Activity? activity, string endpoint, long started)
    {
        _telemetry = telemetry;
        _activity = activity;
        _endpoint = endpoint;
        _started = started;
    }

    /// <summary>The HTTP status of the answer, once one came.</summary>
    public int? StatusCode { get; set; }

    /// <param name="backchannel">The back channel of the call; its telemetry is the host's (<see cref="CidaasTelemetry.Attach"/>).</param>
    /// <param name="endpoint">The endpoint's tag (<see cref="CidaasTelemetry.EndpointTag"/>).</param>
    /// <param name="started">The <see cref="Stopwatch"/> timestamp the call started at.</param>
    public static CidaasBackchannelCall Start(HttpClient backchannel, string endpoint, long started)
    {
        var telemetry = CidaasTelemetry.Of(backchannel);
        Activity? activity = null;
        if (CidaasTelemetry.ActivitySource.HasListeners())
        {
            activity = CidaasTelemetry.ActivitySource.StartActivity("cidaas.backchannel " + endpoint, ActivityKind.Internal);
            activity?.SetTag(CidaasTelemetry.EndpointTagName, endpoint);
        }

        return new CidaasBackchannelCall(telemetry is { MeasuresBackchannel: true } ? telemetry : null, activity, endpoint, started);
    }

    /// <summary>Marks the call successful (a whole answer within the limits, whatever its status) and returns <paramref name="response"/>.</summary>
    public T Succeed<T>(T response)
    {
        _succeeded = true;
        return response;
    }

    /// <summary>Marks the call failed with <paramref name="failure"/>'s id, and returns it to be thrown.</summary>
    public TException Fail<TException>(TException failure)
        where TException : Exception
        => Fail(failure, CidaasTelemetry.ErrorType(failure.Message));

    /// <summary>Marks the call failed with the given error type, and returns <paramref name="failure"/> to be thrown.</summary>
    public TException Fail<TException>(TException failure, string errorType)
        where TException : Exception
    {
        _errorType ??= errorType;
        return failure;
    }

    /// <summary>Ends the activity and records the duration; call it once, in a <see langword="finally"/>.</summary>
    public readonly void End()
    {
        // An answer outside 2xx is a failure of the call too (the caller words it); an exception that escaped without
        // Fail (the caller's cancellation) counts as one of its own kind.
        var errorType = _errorType
            ?? (StatusCode is { } status && status is < 200 or > 299 ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : null)
            ?? (_succeeded ? null : "_OTHER");
        if (_activity is not null)
        {
            CidaasTelemetry.SetOutcome(_activity, errorType is null ? CidaasTelemetry.Success : CidaasTelemetry.Failure, errorType);
            if (StatusCode is { } code)
            {
                _activity.SetTag(CidaasTelemetry.StatusCodeTag, code);
            }

            _activity.Dispose();
        }

        _telemetry?.Backchannel(_endpoint, Stopwatch.GetElapsedTime(_started).TotalSeconds, StatusCode, errorType);
    }
}
