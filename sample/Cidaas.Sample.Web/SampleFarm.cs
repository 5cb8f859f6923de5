using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;

namespace Cidaas.Sample.Web;

/// <summary>
/// "Farm" mode: with <c>Cidaas:Redis</c> set (a StackExchange.Redis configuration such as <c>localhost:6379</c>),
/// every instance of the sample shares through that Redis what a farm must share (README, "Running several
/// instances"): the Data Protection key ring (so a cookie or a sign-in's state written by one instance is read by the
/// other), and the <c>IDistributedCache</c> behind the server-side sessions, the ended-sessions markers of
/// back-channel logouts, the logout-token replay cache, the refresh coordination and the second level of the
/// client-credentials token cache (HybridCache takes the distributed cache it finds). Without it the sample keeps
/// everything in its own process, as a single instance may, and needs nothing installed.
/// </summary>
internal static class SampleFarm
{
    /// <summary>The configuration key that turns farm mode on.</summary>
    public const string RedisKey = "Cidaas:Redis";

    /// <summary>The application name of the key ring: the instances must agree on it, whatever their content roots.</summary>
    public const string ApplicationName = "Cidaas.Sample.Web";

    /// <summary>The prefix of the sample's keys in Redis.</summary>
    public const string InstanceName = "Cidaas.Sample:";

    /// <summary>Whether the configuration turns farm mode on.</summary>
    public static bool IsOn(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[RedisKey]);

    /// <summary>Registers one Redis connection and, on it, the key ring and the distributed cache.</summary>
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        var redis = configuration[RedisKey]!.Trim();

        // One connection for the key ring and the cache; the container disposes it with the app.
        services.AddSingleton<IConnectionMultiplexer>(_ => Connect(redis));
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<IConnectionMultiplexer>((o, connection) =>
                o.XmlRepository = new RedisXmlRepository(() => connection.GetDatabase(), InstanceName + "DataProtection-Keys"));
        services.AddStackExchangeRedisCache(o => o.InstanceName = InstanceName);
        services.AddOptions<Microsoft.Extensions.Caching.StackExchangeRedis.RedisCacheOptions>()
            .Configure<IServiceProvider>((o, provider) =>
                o.ConnectionMultiplexerFactory = () => Task.FromResult(provider.GetRequiredService<IConnectionMultiplexer>()));
    }

    /// <summary>Connects before the app starts, so that an unreachable Redis stops the start with one clear message.</summary>
    public static void ConnectNow(IServiceProvider services) => services.GetRequiredService<IConnectionMultiplexer>();

    private static ConnectionMultiplexer Connect(string redis)
    {
        var options = ConfigurationOptions.Parse(redis);
        try
        {
            return ConnectionMultiplexer.Connect(options);
        }
        catch (RedisConnectionException ex)
        {
            // The end points only: the configuration string may hold a password.
            throw new InvalidOperationException(
                $"{RedisKey} is set, but Redis at {string.Join(", ", options.EndPoints)} cannot be reached ({ex.FailureType}). Start redis-server, or remove {RedisKey} to run a single instance without it.",
                ex);
        }
    }
}
