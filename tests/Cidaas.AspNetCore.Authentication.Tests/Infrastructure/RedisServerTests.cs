using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

public sealed class RedisServerTests
{
    [Fact]
    public async Task A_distributed_cache_on_the_test_server_keeps_entries_apart_by_prefix_and_loses_them_on_restart()
    {
        await using var server = await RedisServer.StartAsync();
        using var first = NewCache(server, RedisServer.NewPrefix());
        using var second = NewCache(server, RedisServer.NewPrefix());

        await first.SetAsync("key", Encoding.UTF8.GetBytes("first"), new DistributedCacheEntryOptions());
        (await first.GetAsync("key")).Should().Equal(Encoding.UTF8.GetBytes("first"));
        (await second.GetAsync("key")).Should().BeNull("another prefix is another test's key space");

        await server.StopAsync();
        server.IsRunning.Should().BeFalse();
        await server.RestartAsync();

        (await first.GetAsync("key")).Should().BeNull("the server runs without persistence");
    }

    private static RedisCache NewCache(RedisServer server, string prefix) =>
        new(Options.Create(new RedisCacheOptions { Configuration = server.Configuration, InstanceName = prefix }));
}
