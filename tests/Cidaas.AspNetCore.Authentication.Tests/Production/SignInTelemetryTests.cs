using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.Production;

/// <summary>
/// The meter and the activity source "Cidaas.AspNetCore.Authentication": a sign-in is counted by outcome and CIDAAS id,
/// each back-channel call is measured by endpoint and outcome, a refetch of the keys is counted, and one activity spans
/// the callback with one per step inside and one per back-channel call inside those. No tag carries a value a user sent.
/// The scheme of these tests has a name of its own, so that the process-wide activity listener sees only its activities.
/// </summary>
public sealed class SignInTelemetryTests : SignInTestBase, IDisposable
{
    private const string Name = "Cidaas.AspNetCore.Authentication";

    // Tag keys the package may use, and for each a test of the values it may take.
    private static readonly Dictionary<string, Func<object?, bool>> AllowedTags = new()
    {
        ["cidaas.scheme"] = v => v is string,
        ["cidaas.outcome"] = v => v is "success" or "failure" or "handled" or "skipped" or "none",
        ["cidaas.endpoint"] = v => v is "discovery" or "jwks" or "token" or "userinfo" or "introspect" or "revoke",
        ["error.type"] = v => v is string s && (System.Text.RegularExpressions.Regex.IsMatch(s, "^(CIDAAS[0-9]{4}|_OTHER|timeout|unreachable|[1-5][0-9][0-9])$")),
        ["http.response.status_code"] = v => v is int,
    };

    private readonly string _scheme = "Telemetry" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ActivityListener _listener;

    public SignInTelemetryTests(ITestOutputHelper output)
        : base(output)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task A_sign_in_is_counted_and_each_back_channel_call_is_measured()
    {
        await StartTelemetryAppAsync();
        using var challenges = Collect<long>("cidaas.challenges");
        using var signIns = Collect<long>("cidaas.sign_ins");
        using var durations = Collect<double>("cidaas.backchannel.duration");

        var response = await SignInWithSchemeAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        challenges.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags.Should().Contain("cidaas.scheme", _scheme);
        var signIn = signIns.GetMeasurementSnapshot().Should().ContainSingle().Subject;
        signIn.Value.Should().Be(1);
        signIn.Tags.Should().Contain("cidaas.outcome", "success").And.Contain("cidaas.scheme", _scheme).And.NotContainKey("error.type");
        var calls = durations.GetMeasurementSnapshot();
        calls.Select(m => m.Tags["cidaas.endpoint"]).Should().BeEquivalentTo(["discovery", "jwks", "token", "userinfo"]);
        calls.Should().OnlyContain(m => (string?)m.Tags["cidaas.outcome"] == "success" && m.Value > 0 && !m.Tags.ContainsKey("error.type"));
        calls.Where(m => (string?)m.Tags["cidaas.endpoint"] is "token" or "userinfo").Should().OnlyContain(m => (int?)m.Tags["http.response.status_code"] == 200);
        AssertTagsAreOurs(challenges.GetMeasurementSnapshot().Select(m => m.Tags), signIns.GetMeasurementSnapshot().Select(m => m.Tags), calls.Select(m => m.Tags));
    }

    [Fact]
    public async Task A_failed_sign_in_is_counted_with_its_id_only()
    {
        await StartTelemetryAppAsync();
        using var signIns = Collect<long>("cidaas.sign_ins");
        var callback = await AuthorizeAsync(await ChallengeWithSchemeAsync());

        await Browser.GetAsync(CallbackUrl.With(callback, ("iss", "https://evil.example/" + QueryOf(callback)["code"])));

        var signIn = signIns.GetMeasurementSnapshot().Should().ContainSingle().Subject;
        signIn.Tags.Should().Contain("cidaas.outcome", "failure").And.Contain("error.type", "CIDAAS1006");
        AssertTagsAreOurs(signIns.GetMeasurementSnapshot().Select(m => m.Tags));
        AssertTagsAreOurs(ActivitiesOfThisTest().Select(a => a.TagObjects.ToDictionary(t => t.Key, t => t.Value)));
    }

    [Fact]
    public async Task A_back_channel_call_that_fails_is_measured_with_its_status()
    {
        await StartTelemetryAppAsync();
        using var durations = Collect<double>("cidaas.backchannel.duration");
        var callback = await AuthorizeAsync(await ChallengeWithSchemeAsync());
        Emulator.Next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(500, "boom"));

        await Browser.GetAsync(callback.ToString());

        var token = durations.GetMeasurementSnapshot().Should().ContainSingle(m => (string?)m.Tags["cidaas.endpoint"] == "token").Subject;
        token.Tags.Should().Contain("cidaas.outcome", "failure").And.Contain("http.response.status_code", 500).And.Contain("error.type", "500");
    }

    [Fact]
    public async Task A_token_endpoint_timeout_is_measured_as_a_timeout()
    {
        await StartTelemetryAppAsync(o => o.BackchannelTimeout = TimeSpan.FromMilliseconds(300));
        using var durations = Collect<double>("cidaas.backchannel.duration");
        var callback = await AuthorizeAsync(await ChallengeWithSchemeAsync());
        Emulator.Next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(3)));

        await Browser.GetAsync(callback.ToString());

        var token = durations.GetMeasurementSnapshot().Should().ContainSingle(m => (string?)m.Tags["cidaas.endpoint"] == "token").Subject;
        token.Tags.Should().Contain("cidaas.outcome", "failure").And.Contain("error.type", "CIDAAS2006");
    }

    [Fact]
    public async Task A_refetch_of_the_signing_keys_is_counted()
    {
        await StartTelemetryAppAsync();
        using var refreshes = Collect<long>("cidaas.signing_keys.refreshes");
        var callback = await AuthorizeAsync(await ChallengeWithSchemeAsync());
        Emulator.Next.IdToken(CidaasIdTokenDefect.UnknownSigningKey);

        await Browser.GetAsync(callback.ToString());

        refreshes.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags.Should().Contain("cidaas.outcome", "success");
    }

    [Fact]
    public async Task One_activity_spans_the_callback_with_one_per_step_and_one_per_back_channel_call()
    {
        await StartTelemetryAppAsync();

        await SignInWithSchemeAsync();

        var activities = ActivitiesOfThisTest();
        var callback = activities.Should().ContainSingle(a => a.OperationName == "cidaas.callback").Subject;
        callback.GetTagItem("cidaas.outcome").Should().Be("success");
        activities.Should().ContainSingle(a => a.OperationName == "cidaas.challenge");
        var steps = activities.Where(a => a.ParentSpanId == callback.SpanId).ToList();
        steps.Select(a => a.OperationName).Should().Contain(["cidaas.code_exchange", "cidaas.id_token_validation", "cidaas.userinfo", "cidaas.ticket"]);
        steps.Where(a => a.OperationName != "cidaas.backchannel discovery" && a.OperationName != "cidaas.backchannel jwks")
            .Should().OnlyContain(a => (string?)a.GetTagItem("cidaas.outcome") == "success" && (string?)a.GetTagItem("cidaas.scheme") == _scheme);
        var exchange = steps.Single(a => a.OperationName == "cidaas.code_exchange");
        activities.Should().ContainSingle(a => a.OperationName == "cidaas.backchannel token").Which.ParentSpanId.Should().Be(exchange.SpanId);
        var userInfo = steps.Single(a => a.OperationName == "cidaas.userinfo");
        activities.Should().ContainSingle(a => a.OperationName == "cidaas.backchannel userinfo").Which.ParentSpanId.Should().Be(userInfo.SpanId);
        AssertTagsAreOurs(activities.Select(a => a.TagObjects.ToDictionary(t => t.Key, t => t.Value)));
        activities.Should().OnlyContain(a => !a.Events.Any(), "no event may carry request data");
    }

    [Fact]
    public async Task A_failed_step_marks_the_callback_activity_as_an_error_with_its_id()
    {
        await StartTelemetryAppAsync();
        var callback = await AuthorizeAsync(await ChallengeWithSchemeAsync());
        Emulator.Next.IdToken(CidaasIdTokenDefect.WrongNonce);

        await Browser.GetAsync(callback.ToString());

        var activity = ActivitiesOfThisTest().Should().ContainSingle(a => a.OperationName == "cidaas.callback").Subject;
        activity.Status.Should().Be(ActivityStatusCode.Error);
        activity.GetTagItem("error.type").Should().Be("CIDAAS3002");
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct
        => new(App.Services.GetRequiredService<IMeterFactory>(), Name, instrument);

    private Task<TestApp<CidaasOptions>> StartTelemetryAppAsync(Action<CidaasOptions>? configure = null)
        => StartAppAsync(configureAuthentication: a => a.AddCidaas(_scheme, "telemetry", o =>
        {
            ConfigureSecondScheme(o);
            o.SaveTokens = true;
            configure?.Invoke(o);
        }));

    private async Task<Uri> ChallengeWithSchemeAsync()
    {
        var challenge = await Browser.GetAsync($"{App.BaseAddress}/login?scheme={_scheme}&returnUrl=/protected");
        return challenge.Headers.Location!;
    }

    private async Task<HttpResponseMessage> SignInWithSchemeAsync()
        => await Browser.GetAsync((await AuthorizeAsync(await ChallengeWithSchemeAsync())).ToString());

    /// <summary>The activities of this test: those of its scheme and every activity in their traces.</summary>
    private List<Activity> ActivitiesOfThisTest()
    {
        var all = _activities.ToList();
        var traces = all.Where(a => (string?)a.GetTagItem("cidaas.scheme") == _scheme).Select(a => a.TraceId).ToHashSet();
        return all.Where(a => traces.Contains(a.TraceId)).ToList();
    }

    private static void AssertTagsAreOurs(params IEnumerable<IEnumerable<KeyValuePair<string, object?>>>[] tagSets)
    {
        foreach (var tags in tagSets.SelectMany(s => s))
        {
            foreach (var (key, value) in tags)
            {
                AllowedTags.Should().ContainKey(key);
                AllowedTags[key](value).Should().BeTrue($"'{key}' may not be '{value}'");
            }
        }
    }
}
