using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.Production;

/// <summary>The bearer handler's numbers: validations by outcome, introspection cache hits and misses, introspection calls measured.</summary>
public sealed class BearerTelemetryTests(ITestOutputHelper output) : BearerTestBase(output)
{
    private const string Name = "Cidaas.AspNetCore.Authentication";

    [Fact]
    public async Task Bearer_validations_are_counted_by_outcome()
    {
        await StartAppAsync();
        using var validations = Collect<long>("cidaas.bearer.validations");
        var token = await GetAccessTokenAsync();

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.GetAsync("/api/me", token + "x")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await App.GetAsync("/api/me", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        validations.GetMeasurementSnapshot().Select(m => (string?)m.Tags["cidaas.outcome"]).Should().BeEquivalentTo(["success", "failure", "none"]);
        validations.GetMeasurementSnapshot().Should().OnlyContain(m => (string?)m.Tags["cidaas.scheme"] == CidaasDefaults.BearerAuthenticationScheme && m.Tags.Count == 2);
    }

    [Fact]
    public async Task Introspection_cache_hits_and_misses_are_counted_and_each_call_is_measured()
    {
        await StartAppAsync(o =>
        {
            // cidaas answers active only to a client in the token's audience: the app the token was issued to.
            UseIntrospection(o);
            o.IntrospectionCacheDuration = TimeSpan.FromSeconds(30);
        });
        using var lookups = Collect<long>("cidaas.introspection.cache.lookups");
        using var durations = Collect<double>("cidaas.backchannel.duration");
        var token = await GetAccessTokenAsync();

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        lookups.GetMeasurementSnapshot().Select(m => (string?)m.Tags["cidaas.cache.result"]).Should().Equal("miss", "hit");
        durations.GetMeasurementSnapshot().Should().ContainSingle(m => (string?)m.Tags["cidaas.endpoint"] == "introspect")
            .Which.Tags.Should().Contain("cidaas.outcome", "success").And.Contain("http.response.status_code", 200);
        IntrospectionRequests.Should().Be(1);
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct
        => new(App.Services.GetRequiredService<IMeterFactory>(), Name, instrument);
}
