using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>Introspection mode: cidaas decides, answers are cached within a bound, and a broken endpoint is a 401.</summary>
public sealed class BearerIntrospectionTests(ITestOutputHelper output) : BearerTestBase(output)
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private Task<TestApp<CidaasBearerOptions>> StartIntrospectingApiAsync(Action<CidaasBearerOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null)
        => StartAppAsync(o =>
        {
            // The client the tokens are issued to: cidaas answers active only to a caller in the token's audience.
            UseIntrospection(o);
            o.IntrospectionCacheDuration = TimeSpan.FromSeconds(30);
            o.BackchannelTimeout = TimeSpan.FromSeconds(2);
            o.TimeProvider = _clock;
            configure?.Invoke(o);
        }, configureBuilder);

    [Fact]
    public async Task Active_token_is_accepted_with_the_cidaas_claims_of_the_introspection_answer()
    {
        await StartIntrospectingApiAsync();

        var response = await App.GetAsync("/api/me", await GetAccessTokenAsync("alice", "openid orders:read"));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        body.Split('\n').Should().Contain("sub|7f3c2a9e-1b4d-4e8f-9a6b-0c5d2e1f3a4b")
            .And.Contain(System.Security.Claims.ClaimTypes.Role + "|admin")
            .And.Contain(CidaasClaimTypes.GroupRole + "|engineering:lead")
            .And.Contain(CidaasBearerClaimTypes.Scope + "|orders:read");
        var request = Emulator.Requests.Single(r => r.Path == CidaasDefaults.IntrospectionPath);
        request.Method.Should().Be("POST");
        request.Headers["Content-Type"].Should().StartWith("application/json", "cidaas's clients all post JSON");
        var sent = System.Text.Json.Nodes.JsonNode.Parse(request.JsonBody!)!.AsObject();
        sent.Select(member => member.Key).Should().Equal("token", "token_type_hint");
        sent["token_type_hint"]!.GetValue<string>().Should().Be("access_token");
        request.Headers["Authorization"].Should().Be(
            "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(BearerTokens.ClientId + ":" + BearerTokens.ClientSecret)),
            "Basic is the client authentication cidaas's Introspect page documents");
    }

    [Fact]
    public async Task Cached_answer_costs_no_second_introspection_call()
    {
        await StartIntrospectingApiAsync();
        var token = await GetAccessTokenAsync();

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.GetAsync("/api/orders", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        IntrospectionRequests.Should().Be(1);
    }

    [Fact]
    public async Task Revoked_token_is_rejected_once_its_cached_answer_ends()
    {
        await StartIntrospectingApiAsync();
        var token = await GetAccessTokenAsync();
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        await BearerTokens.RevokeAsync(Emulator, token);
        _clock.Advance(TimeSpan.FromSeconds(29));
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK, "the answer is cached for up to 30 seconds");

        _clock.Advance(TimeSpan.FromSeconds(2));
        var response = await App.GetAsync("/api/me", token);

        ExpectInvalidToken(response).Should().Be("The token is not active");
        IntrospectionRequests.Should().Be(2);
    }

    [Fact]
    public async Task Revoked_token_is_rejected_at_once_without_a_cache()
    {
        await StartIntrospectingApiAsync(o => o.IntrospectionCacheDuration = TimeSpan.Zero);
        var token = await GetAccessTokenAsync();
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        await BearerTokens.RevokeAsync(Emulator, token);

        ExpectInvalidToken(await App.GetAsync("/api/me", token));
        IntrospectionRequests.Should().Be(2);
    }

    [Fact]
    public async Task Cached_answer_never_outlives_the_token()
    {
        EmulatorOptions.AccessTokenLifetime = TimeSpan.FromSeconds(10);
        await StartIntrospectingApiAsync(o => o.TokenValidationParameters.ClockSkew = TimeSpan.Zero);
        var token = await GetAccessTokenAsync();
        var expires = DateTimeOffset.FromUnixTimeSeconds(BearerTokens.Payload(token)["exp"]!.GetValue<long>());
        if (expires - TimeSpan.FromSeconds(9) > _clock.GetUtcNow())
        {
            _clock.SetUtcNow(expires - TimeSpan.FromSeconds(9)); // 'exp' has whole seconds; the fake clock only moves forward
        }

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        _clock.SetUtcNow(expires + TimeSpan.FromSeconds(1));
        var response = await App.GetAsync("/api/me", token);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        IntrospectionRequests.Should().Be(2, "the cached answer ended with the token's exp, long before the 30 seconds of the cache bound");
    }

    [Fact]
    public async Task Host_distributed_cache_is_used_when_registered()
    {
        await StartIntrospectingApiAsync(configureBuilder: b => b.Services.AddDistributedMemoryCache());
        var token = await GetAccessTokenAsync();

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        IntrospectionRequests.Should().Be(1);
        var cache = App.Services.GetRequiredService<IDistributedCache>();
        var key = IntrospectionCacheKey(token);
        key.Should().NotContain(token);
        (await cache.GetAsync(key)).Should().NotBeNull();
    }

    [Fact]
    public async Task Broken_distributed_cache_costs_an_introspection_call_not_the_request()
    {
        await StartIntrospectingApiAsync(configureBuilder: b => b.Services.AddSingleton<IDistributedCache, BrokenCache>());
        var token = await GetAccessTokenAsync();

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        IntrospectionRequests.Should().Be(2);
        App.Logs.Lines.Should().Contain(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("introspection cache", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Corrupted_entry_in_a_shared_cache_is_a_401_not_a_500()
    {
        await StartIntrospectingApiAsync(configureBuilder: b => b.Services.AddDistributedMemoryCache());
        var token = await GetAccessTokenAsync();
        var cache = App.Services.GetRequiredService<IDistributedCache>();
        var corrupted = new byte[] { 1, 1 }.Concat(BitConverter.GetBytes(_clock.GetUtcNow().AddMinutes(5).ToUnixTimeMilliseconds())).Concat("{\"active\":tr"u8.ToArray()).ToArray();

        // Protected with the scheme's own keys, as by another instance of the API whose answer got cut short.
        await cache.SetAsync(IntrospectionCacheKey(token), ProtectAsTheScheme(corrupted));

        var response = await App.GetAsync("/api/me", token);

        ExpectInvalidToken(response);
        IntrospectionRequests.Should().Be(0);
    }

    public static TheoryData<string> EndpointFaults => new() { "503", "html", "not-an-object", "no-active", "dropped", "slow", "401" };

    [Theory]
    [MemberData(nameof(EndpointFaults))]
    public async Task Introspection_endpoint_that_fails_gives_401_with_a_logged_cause_not_500(string fault)
    {
        await StartIntrospectingApiAsync();
        var token = await GetAccessTokenAsync();
        Emulator.Next.Fault(CidaasDefaults.IntrospectionPath, fault switch
        {
            "503" => CidaasEmulatorFault.Status(503, "unavailable", headers: new Dictionary<string, string> { ["Retry-After"] = "5" }),
            "html" => CidaasEmulatorFault.Status(502, "<html>Bad gateway</html>", "text/html"),
            "not-an-object" => CidaasEmulatorFault.Body("[true]"),
            "no-active" => CidaasEmulatorFault.Body("{\"sub\":\"someone\"}"),
            "dropped" => CidaasEmulatorFault.DropConnection(),
            "slow" => CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(10)),
            "401" => CidaasEmulatorFault.Status(401, "{\"error\":\"invalid_client\"}", "application/json"),
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        });

        var response = await App.GetAsync("/api/me", token);

        ExpectInvalidToken(response).Should().Be("The token cannot be validated now");
        App.Logs.Lines.Should().Contain(l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("introspection endpoint", StringComparison.Ordinal));

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK, "a failed introspection is not cached");
    }

    [Fact]
    public async Task Refresh_token_presented_as_an_access_token_is_rejected()
    {
        await StartIntrospectingApiAsync();
        var refreshToken = (await GetTokensAsync("alice", "openid offline_access orders:read")).RefreshToken!;

        var response = await App.GetAsync("/api/me", refreshToken);

        ExpectInvalidToken(response).Should().Be("The token is not an access token");
    }

    [Fact]
    public async Task Token_for_another_audience_is_rejected_in_introspection_mode()
    {
        await StartIntrospectingApiAsync(o =>
        {
            o.Audience = null;
            o.Audiences.Add("orders-api");
        });

        ExpectInvalidToken(await App.GetAsync("/api/me", await GetAccessTokenAsync())).Should().Be("The audience is invalid");
    }

    [Fact]
    public async Task Garbage_token_is_inactive()
    {
        await StartIntrospectingApiAsync();

        ExpectInvalidToken(await App.GetAsync("/api/me", "opaque-garbage-" + Guid.NewGuid())).Should().Be("The token is not active");
    }

    [Fact]
    public async Task Introspection_with_client_secret_post_sends_the_credentials_in_the_json_body()
    {
        await StartIntrospectingApiAsync(o => o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretPost);

        (await App.GetAsync("/api/me", await GetAccessTokenAsync())).StatusCode.Should().Be(HttpStatusCode.OK);

        var request = Emulator.Requests.Single(r => r.Path == CidaasDefaults.IntrospectionPath);
        request.Headers.Should().NotContainKey("Authorization");
        var body = System.Text.Json.Nodes.JsonNode.Parse(request.JsonBody!)!.AsObject();
        body["client_id"]!.GetValue<string>().Should().Be(BearerTokens.ClientId);
        body.ContainsKey("client_secret").Should().BeTrue();
    }

    [Fact]
    public async Task Api_introspecting_as_another_client_than_the_tokens_audience_is_told_inactive()
    {
        // cidaas's Introspect page: "Client is in the token's audience". The README says which ClientId an API uses.
        await StartIntrospectingApiAsync(o => UseIntrospection(o, TestClients.ClientId, TestClients.ClientSecret));

        ExpectInvalidToken(await App.GetAsync("/api/me", await GetAccessTokenAsync())).Should().Be("The token is not active");
    }

    [Fact]
    public async Task Introspection_answer_for_a_DPoP_bound_token_is_refused_with_a_clear_message()
    {
        await StartIntrospectingApiAsync();
        var token = await GetAccessTokenAsync();
        Emulator.Next.Fault(CidaasDefaults.IntrospectionPath, CidaasEmulatorFault.Body(
            $$"""{"active":true,"token_type":"DPoP","aud":"{{BearerTokens.ClientId}}","iss":"{{Emulator.Authority}}","sub":"someone","exp":{{_clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds()}}}"""));

        var response = await App.GetAsync("/api/me", token);

        ExpectInvalidToken(response).Should().Be("DPoP-bound tokens are not supported");
        App.Logs.Lines.Should().Contain(line => line.Contains("CIDAAS5021", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Introspected_client_credentials_token_with_sub_ANONYMOUS_needs_the_opt_in()
    {
        var answer = $$"""{"active":true,"token_type":"Bearer","aud":"{{BearerTokens.ClientId}}","iss":"{{Emulator.Authority}}","sub":"ANONYMOUS","scopes":["orders:read"],"exp":{{_clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds()}}}""";
        await StartIntrospectingApiAsync(o => o.IntrospectionCacheDuration = TimeSpan.Zero);
        var token = await GetAccessTokenAsync();
        Emulator.Next.Fault(CidaasDefaults.IntrospectionPath, CidaasEmulatorFault.Body(answer));

        ExpectInvalidToken(await App.GetAsync("/api/me", token)).Should().Be("The token names no user");
    }

    [Fact]
    public async Task Introspected_client_credentials_token_is_accepted_with_the_opt_in()
    {
        var answer = $$"""{"active":true,"token_type":"Bearer","aud":"{{BearerTokens.ClientId}}","iss":"{{Emulator.Authority}}","sub":"ANONYMOUS","scopes":["orders:read"],"exp":{{_clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds()}}}""";
        await StartIntrospectingApiAsync(o => o.AllowAnonymousSubject = true);
        var token = await GetAccessTokenAsync();
        Emulator.Next.Fault(CidaasDefaults.IntrospectionPath, CidaasEmulatorFault.Body(answer));

        (await App.GetAsync("/api/orders", token)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Group_type_of_the_introspection_answer_satisfies_a_group_type_policy()
    {
        await StartIntrospectingApiAsync();
        var token = await GetAccessTokenAsync();

        var claims = (await (await App.GetAsync("/api/me", token)).Content.ReadAsStringAsync()).Split('\n');

        claims.Should().Contain(CidaasClaimTypes.GroupType + "|engineering:department");
        (await App.GetAsync("/api/engineering/department", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.GetAsync("/api/engineering/project", token)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    protected override void MapEndpoints(WebApplication app)
    {
        base.MapEndpoints(app);
        app.MapGet("/api/engineering/department", () => "department").RequireAuthorization(p => p.RequireCidaasGroup("engineering", groupType: "department"));
        app.MapGet("/api/engineering/project", () => "project").RequireAuthorization(CidaasPolicies.Group("engineering", groupType: "project"));
    }

    private sealed class BrokenCache : IDistributedCache
    {
        public byte[]? Get(string key) => throw new InvalidOperationException("cache down");

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("cache down");

        public void Refresh(string key) => throw new InvalidOperationException("cache down");

        public Task RefreshAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("cache down");

        public void Remove(string key) => throw new InvalidOperationException("cache down");

        public Task RemoveAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("cache down");

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new InvalidOperationException("cache down");

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => throw new InvalidOperationException("cache down");
    }
}
