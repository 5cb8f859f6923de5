using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Cidaas.AspNetCore.Authentication.Tests.Tokens;

/// <summary>
/// <c>AddCidaasClientCredentials</c> + <c>AddCidaasClientAccessTokenHandler</c>: machine-to-machine calls to a real
/// in-process API with tokens of the emulator's <c>client_credentials</c> grant, cached in HybridCache.
/// </summary>
public sealed class ClientCredentialsTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string?> _apiTokens = new();
    private readonly List<ServiceProvider> _providers = [];
    private CidaasEmulator _emulator = default!;
    private WebApplication _api = default!;
    private int _rejections;

    private int ClientTokenRequests => _emulator.CountTokenRequests("client_credentials");

    public async Task InitializeAsync()
    {
        _emulator = await CidaasEmulator.CreateAsync(TestClients.CreateEmulatorOptions());
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        _api = builder.Build();
        _api.Run(context =>
        {
            _apiTokens.Enqueue(context.Request.Headers.Authorization.Count == 0 ? null : context.Request.Headers.Authorization.ToString());
            context.Response.StatusCode = Interlocked.Decrement(ref _rejections) >= 0 ? 401 : 200;
            return Task.CompletedTask;
        });
        await _api.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await _api.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Hundred_concurrent_first_calls_cause_one_token_call()
    {
        var client = CreateApiClient();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ => (await client.GetAsync("data")).StatusCode));

        statuses.Should().OnlyContain(s => s == HttpStatusCode.OK);
        ClientTokenRequests.Should().Be(1);
        _apiTokens.Distinct().Should().ContainSingle().Which.Should().StartWith("Bearer ");
    }

    [Fact]
    public async Task Token_is_cached_until_RefreshBeforeExpiry_before_it_expires()
    {
        Client.AccessTokenLifetime = TimeSpan.FromMinutes(2);
        var client = CreateApiClient();

        await client.GetAsync("data");
        await client.GetAsync("data");

        ClientTokenRequests.Should().Be(1, "the token has a minute to go before RefreshBeforeExpiry");
    }

    [Fact]
    public async Task Token_that_expires_within_RefreshBeforeExpiry_is_not_kept()
    {
        Client.AccessTokenLifetime = TimeSpan.FromSeconds(30);
        var client = CreateApiClient();

        (await client.GetAsync("data")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("data")).StatusCode.Should().Be(HttpStatusCode.OK);

        ClientTokenRequests.Should().Be(2);
    }

    [Fact]
    public async Task Failures_are_never_cached()
    {
        var client = CreateApiClient();
        _emulator.Next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(503));

        var failure = await client.Invoking(c => c.GetAsync("data")).Should().ThrowAsync<CidaasProtocolException>();
        var after = await client.GetAsync("data");

        failure.Which.Message.Should().StartWith("CIDAAS7020").And.NotContain(TestClients.ClientSecret);
        after.StatusCode.Should().Be(HttpStatusCode.OK);
        ClientTokenRequests.Should().Be(2);
    }

    [Fact]
    public async Task Unauthorized_answer_gets_one_new_token_and_one_retry()
    {
        var client = CreateApiClient();
        _rejections = 1;

        var response = await client.GetAsync("data");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        ClientTokenRequests.Should().Be(2);
        _apiTokens.Should().HaveCount(2).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Instances_sharing_a_distributed_cache_share_the_token_protected_at_rest()
    {
        var redis = await RedisServer.Shared;
        var prefix = RedisServer.NewPrefix();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var farm = OnRedis(redis, connection, prefix, "m2m-farm");

        await CreateApiClient(farm).GetAsync("data");
        await CreateApiClient(farm).GetAsync("data");

        ClientTokenRequests.Should().Be(1, "the second instance found the token in the shared cache");
        var token = _apiTokens.First()!["Bearer ".Length..];
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var keys = server.Keys(pattern: prefix + "*").ToList();
        keys.Should().NotBeEmpty();
        foreach (var key in keys.Where(k => connection.GetDatabase().KeyType(k) == RedisType.Hash))
        {
            var values = connection.GetDatabase().HashGetAll(key);
            values.Should().NotContain(v => v.Value.ToString().Contains(token, StringComparison.Ordinal), "tokens at rest are protected");
        }
    }

    [Fact]
    public async Task Apps_of_two_tenants_sharing_a_distributed_cache_never_share_a_client_token()
    {
        // Same client name, client id and scope, another cidaas tenant: the token of one tenant is worthless (or worse,
        // valid for the wrong API) at the other, so the shared cache must keep them apart.
        await using var otherTenant = await CidaasEmulator.CreateAsync(TestClients.CreateEmulatorOptions("https://other-tenant.cidaas.test"));
        var redis = await RedisServer.Shared;
        var prefix = RedisServer.NewPrefix();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var farm = OnRedis(redis, connection, prefix, "m2m-tenants");

        (await CreateApiClient(farm).GetAsync("data")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await CreateApiClient(farm, otherTenant).GetAsync("data")).StatusCode.Should().Be(HttpStatusCode.OK);

        ClientTokenRequests.Should().Be(1);
        otherTenant.CountTokenRequests("client_credentials").Should().Be(1, "the other tenant's app asked its own tenant");
        _apiTokens.Distinct().Should().HaveCount(2);
    }

    /// <summary>An instance of a farm: the distributed cache and the key ring on the Redis server, under <paramref name="prefix"/>.</summary>
    private static Action<IServiceCollection> OnRedis(RedisServer redis, IConnectionMultiplexer connection, string prefix, string applicationName) => services =>
    {
        services.AddStackExchangeRedisCache(o =>
        {
            o.Configuration = redis.Configuration;
            o.InstanceName = prefix;
        });
        services.AddDataProtection().PersistKeysToStackExchangeRedis(connection, prefix + "keys").SetApplicationName(applicationName);
    };

    private CidaasEmulatorClient Client => _emulator.Options.Clients.Single(c => c.ClientId == TestClients.ClientId);

    private HttpClient CreateApiClient(Action<IServiceCollection>? configure = null, CidaasEmulator? tenant = null)
    {
        var emulator = tenant ?? _emulator;
        var services = new ServiceCollection();
        services.AddLogging();
        configure?.Invoke(services);
        services.AddCidaasClientCredentials("orders", o =>
        {
            o.Authority = emulator.Authority;
            o.ClientId = TestClients.ClientId;
            o.ClientSecret = TestClients.ClientSecret;
            o.Scope = "orders:read";
            o.BackchannelHttpHandler = emulator.CreateHandler();
        });
        services.AddHttpClient("m2m", c => c.BaseAddress = new Uri("https://api.test/"))
            .ConfigurePrimaryHttpMessageHandler(_api.GetTestServer().CreateHandler)
            .AddCidaasClientAccessTokenHandler("orders");
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider.GetRequiredService<IHttpClientFactory>().CreateClient("m2m");
    }
}
