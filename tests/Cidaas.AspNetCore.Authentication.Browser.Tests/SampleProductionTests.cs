using System.Collections.Concurrent;
using System.Diagnostics;
using Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;

namespace Cidaas.AspNetCore.Authentication.Browser.Tests;

/// <summary>The sample in production terms: /health reports cidaas reachable, and one sign-in is one trace with its steps.</summary>
public sealed class SampleProductionTests : BrowserTest, IClassFixture<SampleFixture>, IDisposable
{
    private readonly ConcurrentQueue<Activity> _activities = new();
    private readonly ActivityListener _listener;

    public SampleProductionTests(SampleFixture fixture, ITestOutputHelper output)
        : base(fixture, output)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Cidaas.AspNetCore.Authentication",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Health_reports_cidaas_reachable()
    {
        using var client = new HttpClient();

        var response = await client.GetAsync(new Uri(Fixture.BaseUrl + "/health"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("Healthy");
    }

    [Fact]
    public Task A_sign_in_is_one_trace_with_its_steps() => RunAsync(async () =>
    {
        await SignInAsync("alice", "alice-password");

        var activities = _activities.ToList();
        var callback = activities.Where(a => a.OperationName == "cidaas.callback" && (string?)a.GetTagItem("cidaas.outcome") == "success").Should().NotBeEmpty().And.Subject.Last();
        var trace = activities.Where(a => a.TraceId == callback.TraceId).ToList();
        var steps = trace.Where(a => a.ParentSpanId == callback.SpanId).Select(a => a.OperationName).ToList();
        steps.Should().Contain(["cidaas.code_exchange", "cidaas.id_token_validation", "cidaas.userinfo", "cidaas.ticket"]);
        var exchange = trace.Single(a => a.ParentSpanId == callback.SpanId && a.OperationName == "cidaas.code_exchange");
        trace.Should().Contain(a => a.OperationName == "cidaas.backchannel token" && a.ParentSpanId == exchange.SpanId);
    });
}
