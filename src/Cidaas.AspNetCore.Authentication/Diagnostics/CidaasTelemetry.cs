using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Cidaas.AspNetCore.Authentication.Diagnostics;

/// <summary>
/// The package's metrics (a <see cref="Meter"/>) and traces (an <see cref="System.Diagnostics.ActivitySource"/>), both
/// named <see cref="Name"/>. One instance per service provider, made from the host's <see cref="IMeterFactory"/>, so that
/// two hosts in one process (tests, several apps) keep their numbers apart. Tags carry only values this code chose: the
/// scheme name, a fixed endpoint or outcome word, a <c>CIDAASnnnn</c> id, an HTTP status; never a token, code, secret,
/// URL or anything else a user sends. When nobody listens, an instrument costs one flag check and
/// <see cref="StartActivity"/> returns <see langword="null"/>.
/// </summary>
/// <remarks>
/// A new back-channel call is measured without any code of its own when it goes through <c>CidaasBackchannel.SendAsync</c>
/// with an endpoint name such as "revocation endpoint" (see <see cref="EndpointTag"/>). A new count is one more
/// instrument here and one method that records it, called from the place the event happens.
/// </remarks>
internal sealed class CidaasTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Cidaas.AspNetCore.Authentication";

    public const string SchemeTag = "cidaas.scheme";
    public const string OutcomeTag = "cidaas.outcome";
    public const string EndpointTagName = "cidaas.endpoint";
    public const string ErrorTypeTag = "error.type";
    public const string StatusCodeTag = "http.response.status_code";

    public const string Success = "success";
    public const string Failure = "failure";

    private static readonly string? Version = typeof(CidaasTelemetry).Assembly.GetName().Version?.ToString(3);

    // Where the back channel reports its calls: each back-channel HttpClient, with the telemetry of the host that made it.
    private static readonly ConditionalWeakTable<HttpClient, CidaasTelemetry> Backchannels = [];

    private readonly Counter<long> _challenges;
    private readonly Counter<long> _signIns;
    private readonly Histogram<double> _backchannelDuration;
    private readonly Counter<long> _signingKeyRefreshes;
    private readonly Counter<long> _bearerValidations;
    private readonly Counter<long> _introspectionCacheLookups;

    public CidaasTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(new MeterOptions(Name) { Version = Version });
        _challenges = meter.CreateCounter<long>("cidaas.challenges", "{challenge}", "Redirects of a user to the cidaas authorization endpoint.");
        _signIns = meter.CreateCounter<long>("cidaas.sign_ins", "{sign_in}", "Callbacks from cidaas, by outcome and, for a failure, its CIDAAS id.");
        _backchannelDuration = meter.CreateHistogram(
            "cidaas.backchannel.duration",
            "s",
            "The duration of each call from the app to cidaas (discovery, jwks, token, userinfo, introspect, revoke), by endpoint and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] });
        _signingKeyRefreshes = meter.CreateCounter<long>("cidaas.signing_keys.refreshes", "{refresh}", "Refetches of the cidaas signing keys caused by a token signed with an unknown key, by outcome.");
        _bearerValidations = meter.CreateCounter<long>("cidaas.bearer.validations", "{validation}", "Access tokens checked by a cidaas bearer scheme, by outcome.");
        _introspectionCacheLookups = meter.CreateCounter<long>("cidaas.introspection.cache.lookups", "{lookup}", "Lookups of an introspection answer in the cache, by result (hit or miss).");
    }

    /// <summary>The source of the package's activities.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, Version);

    /// <summary>Starts an activity (internal kind) tagged with the scheme; <see langword="null"/> when nobody listens.</summary>
    public static Activity? StartActivity(string name, string scheme)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = ActivitySource.StartActivity(name, ActivityKind.Internal);
        activity?.SetTag(SchemeTag, scheme);
        return activity;
    }

    /// <summary>Ends an activity with its outcome; a failure sets the error status and its type (a CIDAAS id).</summary>
    public static void SetOutcome(Activity? activity, string outcome, string? errorType = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, outcome);
        if (errorType is not null)
        {
            activity.SetTag(ErrorTypeTag, errorType);
            activity.SetStatus(ActivityStatusCode.Error, errorType);
        }
    }

    /// <summary>Makes <paramref name="backchannel"/> report its calls to this telemetry.</summary>
    public void Attach(HttpClient backchannel) => Backchannels.AddOrUpdate(backchannel, this);

    /// <summary>The telemetry <paramref name="backchannel"/> reports to, if any.</summary>
    public static CidaasTelemetry? Of(HttpClient backchannel) => Backchannels.TryGetValue(backchannel, out var telemetry) ? telemetry : null;

    public void Challenge(string scheme)
    {
        if (_challenges.Enabled)
        {
            _challenges.Add(1, new KeyValuePair<string, object?>(SchemeTag, scheme));
        }
    }

    /// <param name="scheme">The scheme.</param>
    /// <param name="outcome"><c>success</c>, <c>failure</c>, or <c>handled</c>/<c>skipped</c> when an event took over.</param>
    /// <param name="errorType">The failure's CIDAAS id (or <c>_OTHER</c>); <see langword="null"/> otherwise.</param>
    public void SignIn(string scheme, string outcome, string? errorType)
    {
        if (_signIns.Enabled)
        {
            var tags = new TagList { { SchemeTag, scheme }, { OutcomeTag, outcome } };
            if (errorType is not null)
            {
                tags.Add(ErrorTypeTag, errorType);
            }

            _signIns.Add(1, tags);
        }
    }

    /// <summary>Whether back-channel durations are recorded: lets a caller skip taking the time.</summary>
    public bool MeasuresBackchannel => _backchannelDuration.Enabled;

    /// <param name="endpoint">The endpoint's tag (<see cref="EndpointTag"/>).</param>
    /// <param name="seconds">The duration of the whole exchange.</param>
    /// <param name="statusCode">The HTTP status of the answer; <see langword="null"/> when none came.</param>
    /// <param name="errorType">Why no usable answer came (<c>timeout</c>, <c>unreachable</c>, <c>response_too_large</c>, or the status); <see langword="null"/> on success.</param>
    public void Backchannel(string endpoint, double seconds, int? statusCode, string? errorType)
    {
        if (!_backchannelDuration.Enabled)
        {
            return;
        }

        var tags = new TagList { { EndpointTagName, endpoint }, { OutcomeTag, errorType is null ? Success : Failure } };
        if (statusCode is { } status)
        {
            tags.Add(StatusCodeTag, status);
        }

        if (errorType is not null)
        {
            tags.Add(ErrorTypeTag, errorType);
        }

        _backchannelDuration.Record(seconds, tags);
    }

    public void SigningKeyRefresh(bool succeeded)
    {
        if (_signingKeyRefreshes.Enabled)
        {
            _signingKeyRefreshes.Add(1, new KeyValuePair<string, object?>(OutcomeTag, succeeded ? Success : Failure));
        }
    }

    /// <param name="scheme">The bearer scheme.</param>
    /// <param name="outcome"><c>success</c>, <c>failure</c> or <c>none</c> (no token).</param>
    public void BearerValidation(string scheme, string outcome)
    {
        if (_bearerValidations.Enabled)
        {
            _bearerValidations.Add(1, new KeyValuePair<string, object?>(SchemeTag, scheme), new KeyValuePair<string, object?>(OutcomeTag, outcome));
        }
    }

    public void IntrospectionCacheLookup(string scheme, bool hit)
    {
        if (_introspectionCacheLookups.Enabled)
        {
            _introspectionCacheLookups.Add(1, new KeyValuePair<string, object?>(SchemeTag, scheme), new KeyValuePair<string, object?>("cidaas.cache.result", hit ? "hit" : "miss"));
        }
    }

    /// <summary>
    /// The tag of a back-channel endpoint, from the name its failure messages use: "token endpoint" is <c>token</c>,
    /// "JWKS endpoint" <c>jwks</c>, "revocation endpoint" <c>revoke</c>; a name not listed here is used without its
    /// " endpoint" and with '_' for spaces. The names are constants of this package, so the tag never carries outside data.
    /// </summary>
    public static string EndpointTag(string endpointName) => endpointName switch
    {
        "token endpoint" => "token",
        "userinfo endpoint" => "userinfo",
        "introspection endpoint" => "introspect",
        "revocation endpoint" => "revoke",
        "JWKS endpoint" => "jwks",
        "discovery document" => "discovery",
        "pushed authorization request endpoint" => "par",
        _ => endpointName.Replace(" endpoint", string.Empty, StringComparison.Ordinal).Replace(' ', '_'),
    };

    /// <summary>The id of a failure message (<c>CIDAAS2001</c>), else <c>_OTHER</c> (OpenTelemetry's word for an unlisted error type).</summary>
    public static string ErrorType(string? message)
        => message is { Length: >= 11 } && message.StartsWith("CIDAAS", StringComparison.Ordinal) && message[10] == ':'
            && char.IsAsciiDigit(message[6]) && char.IsAsciiDigit(message[7]) && char.IsAsciiDigit(message[8]) && char.IsAsciiDigit(message[9])
            ? message[..10]
            : "_OTHER";
}
