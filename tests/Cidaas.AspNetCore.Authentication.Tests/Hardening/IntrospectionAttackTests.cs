using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// Introspection mode under attack: a shared cache that another API or an attacker writes to, floods of junk tokens,
/// and introspection answers whose members try to become claims they are not.
/// </summary>
public sealed class IntrospectionAttackTests(ITestOutputHelper output) : BearerTestBase(output)
{
    private const string OtherClientId = "other-api";
    private const string OtherClientSecret = "other-api-secret-0123456789";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    // One cache and one key ring for every API of a test: the APIs of a farm that share a Redis and their keys.
    private readonly MemoryDistributedCache _sharedCache = new(Options.Create(new MemoryDistributedCacheOptions()));
    private readonly IDataProtectionProvider _sharedKeys = new EphemeralDataProtectionProvider();

    private Action<CidaasBearerOptions> Introspecting(Action<CidaasBearerOptions>? configure = null) => o =>
    {
        // The client the tokens are issued to: cidaas answers active only to a caller in the token's audience.
        UseIntrospection(o);
        o.IntrospectionCacheDuration = TimeSpan.FromSeconds(30);
        o.TimeProvider = _clock;
        configure?.Invoke(o);
    };

    private static string BasicClientId(string authorization)
    {
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Basic ".Length..]));
        return Uri.UnescapeDataString(decoded[..decoded.IndexOf(':', StringComparison.Ordinal)]);
    }

    private void SharingTheCache(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IDistributedCache>(_sharedCache);
        builder.Services.AddSingleton(_sharedKeys);
    }

    [Fact]
    public async Task Two_APIs_with_one_shared_cache_and_one_scheme_name_but_different_authorities_do_not_read_each_others_answers()
    {
        await using var otherTenant = await CidaasEmulator.CreateAsync(TestClients.CreateEmulatorOptions("https://tenant-b.cidaas.test"));
        await StartAppAsync(Introspecting(), SharingTheCache);
        var otherApi = await StartAnotherAppAsync(Introspecting(), SharingTheCache, otherTenant);
        var token = await GetAccessTokenAsync();

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        var response = await otherApi.GetAsync("/api/me", token);

        ExpectInvalidToken(response).Should().Be("The token is not active", "tenant B was asked, and it does not know the token");
        otherTenant.CountRequests(CidaasDefaults.IntrospectionPath).Should().Be(1);
        IntrospectionRequests.Should().Be(1);
    }

    [Fact]
    public async Task Two_APIs_with_one_shared_cache_and_one_scheme_name_but_different_clients_do_not_read_each_others_answers()
    {
        EmulatorOptions.Clients.Add(new CidaasEmulatorClient { ClientId = OtherClientId, ClientSecret = OtherClientSecret, ClientName = "Other API" });
        Secrets.Add(OtherClientSecret);
        await StartAppAsync(Introspecting(), SharingTheCache);
        var otherApi = await StartAnotherAppAsync(Introspecting(o =>
        {
            o.ClientId = OtherClientId;
            o.ClientSecret = OtherClientSecret;
        }), SharingTheCache);
        var token = await GetAccessTokenAsync();

        // cidaas answers active only to the token's audience (the first API's client); had the other API read the first
        // one's cached answer, it would accept the token.
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        ExpectInvalidToken(await otherApi.GetAsync("/api/me", token)).Should().Be("The token is not active");
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        ExpectInvalidToken(await otherApi.GetAsync("/api/me", token)).Should().Be("The token is not active");

        var askedBy = Emulator.Requests.Where(r => r.Path == CidaasDefaults.IntrospectionPath).Select(r => BasicClientId(r.Headers["Authorization"])).ToList();
        askedBy.Should().Equal([BearerTokens.ClientId, OtherClientId], "each client asks once for itself, then reads its own answer");
    }

    [Fact]
    public async Task Forged_plaintext_active_answer_written_into_the_shared_cache_is_not_accepted()
    {
        // Whoever can write to the shared cache (but does not hold the Data Protection keys) writes an entry in the
        // cache's own format for a token of its choosing: active, admin, for as long as it likes.
        await StartAppAsync(Introspecting(), SharingTheCache);
        var token = Remember("forged-" + Guid.NewGuid().ToString("N"));
        var answer = $$"""{"active":true,"iss":"{{Emulator.Authority}}","aud":"{{BearerTokens.ClientId}}","sub":"mallory","roles":["admin"],"exp":{{_clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds()}}}""";
        var forged = new byte[] { 1, 1 }
            .Concat(BitConverter.GetBytes(_clock.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds()))
            .Concat(Encoding.UTF8.GetBytes(answer))
            .ToArray();
        await _sharedCache.SetAsync(IntrospectionCacheKey(token), forged);
        await _sharedCache.SetAsync("Cidaas.Introspection:" + CidaasDefaults.BearerAuthenticationScheme + ":" + Sha256(token), forged);

        var response = await App.GetAsync("/api/admin", token);

        ExpectInvalidToken(response).Should().Be("The token is not active");
        IntrospectionRequests.Should().Be(1, "an entry that does not unprotect is a cache miss");
    }

    [Fact]
    public async Task Entries_in_the_shared_cache_are_protected_and_hold_no_claim_in_plain_text()
    {
        await StartAppAsync(Introspecting(), SharingTheCache);
        var token = await GetAccessTokenAsync();

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        var stored = await _sharedCache.GetAsync(IntrospectionCacheKey(token));
        stored.Should().NotBeNull();
        var text = Encoding.Latin1.GetString(stored!);
        text.Should().NotContain("active").And.NotContain("7f3c2a9e-1b4d-4e8f-9a6b-0c5d2e1f3a4b").And.NotContain("admin");
    }

    [Fact]
    public async Task Flood_of_ten_thousand_junk_tokens_does_not_evict_a_valid_cached_answer()
    {
        EmulatorOptions.MaxRecordedRequests = 20_000;
        // Ten minutes: the memory cache ends entries on the real clock, and a slow machine must not end the valid one.
        await StartAppAsync(Introspecting(o => o.IntrospectionCacheDuration = TimeSpan.FromMinutes(10)), b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        var token = await GetAccessTokenAsync();
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        Emulator.ClearRequests();

        var junk = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            using var response = await App.GetAsync("/api/me", "junk-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Interlocked.Increment(ref junk);
            }
        });
        junk.Should().Be(10_000);
        var floodCalls = IntrospectionRequests;
        Output.WriteLine($"introspection calls for 10,000 junk tokens: {floodCalls}");

        // Give a memory cache over its size limit the time to compact in the background, as it does.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Emulator.ClearRequests();
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        Output.WriteLine($"introspection calls for the valid token after the flood: {IntrospectionRequests}");
        IntrospectionRequests.Should().Be(0, "the valid answer is still cached");
        floodCalls.Should().Be(10_000);
    }

    [Fact]
    public async Task Inactive_answers_are_cached_shorter_than_active_ones_and_never_in_the_shared_cache()
    {
        var writes = new CountingCache(_sharedCache);
        await StartAppAsync(Introspecting(), b =>
        {
            b.Services.AddSingleton<IDistributedCache>(writes);
            b.Services.AddSingleton(_sharedKeys);
        });
        var token = await GetAccessTokenAsync();
        const string Junk = "junk-token-for-the-lifetime-test";

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        ExpectInvalidToken(await App.GetAsync("/api/me", Junk));
        ExpectInvalidToken(await App.GetAsync("/api/me", Junk));
        IntrospectionRequests.Should().Be(2, "both answers are cached");
        writes.Sets.Should().Be(1, "only the active answer goes to the shared cache");

        _clock.Advance(TimeSpan.FromSeconds(11));
        ExpectInvalidToken(await App.GetAsync("/api/me", Junk));
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        IntrospectionRequests.Should().Be(3, "after 11 seconds the inactive answer is asked again, the active one is still cached");
    }

    [Fact]
    public async Task Inactive_answers_are_cached_in_memory_apart_from_active_ones()
    {
        await StartAppAsync(Introspecting());
        var token = await GetAccessTokenAsync();

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        ExpectInvalidToken(await App.GetAsync("/api/me", "junk-1"));
        ExpectInvalidToken(await App.GetAsync("/api/me", "junk-1"));
        _clock.Advance(TimeSpan.FromSeconds(11));
        ExpectInvalidToken(await App.GetAsync("/api/me", "junk-1"));
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);

        IntrospectionRequests.Should().Be(3);
    }

    [Fact]
    public async Task Introspection_answer_shaped_like_a_real_cidaas_one_is_accepted()
    {
        // The members of the active answer in the cidaas PHP SDK's test fixture (tests/ValidateAccessTokenTest.php):
        // 'scopes' and 'scope', 'aud' a string, numbers for 'exp' and 'iat', no 'client_id'.
        await StartAppAsync(Introspecting(o => o.IntrospectionCacheDuration = TimeSpan.Zero));
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        Emulator.Next.Fault(CidaasDefaults.IntrospectionPath, CidaasEmulatorFault.Body($$"""
            {"active":true,"token_type":"Bearer","aud":"{{BearerTokens.ClientId}}","exp":{{now + 86400}},"iat":{{now}},
            "iss":"{{Emulator.Authority}}","jti":"{{Guid.NewGuid()}}","roles":["USER"],"scopes":["openid"],
            "sub":"df838cf7-dc95-44de-a1cc-5c0eafb0f6db","scope":"openid"}
            """));

        var response = await App.GetAsync("/api/me", "opaque-token-1234567890");

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        body.Split('\n').Should().Contain(ClaimTypes.Role + "|USER").And.Contain(CidaasBearerClaimTypes.Scope + "|openid")
            .And.Contain(ClaimTypes.NameIdentifier + "|df838cf7-dc95-44de-a1cc-5c0eafb0f6db");
    }

    public static TheoryData<string, string> InjectedClaimTypes => new()
    {
        { ClaimTypes.Role, "/api/admin" },
        { "cidaas:group", "/api/engineering" },
        { "SCOPE", "/api/orders/write" },
    };

    [Theory]
    [MemberData(nameof(InjectedClaimTypes))]
    public async Task Introspection_answer_member_named_like_a_role_group_or_scope_claim_type_grants_nothing(string memberName, string path)
    {
        await StartAppAsync(Introspecting(o => o.IntrospectionCacheDuration = TimeSpan.Zero));
        var value = path switch { "/api/admin" => "admin", "/api/engineering" => "engineering", _ => "orders:write" };
        Emulator.Next.Fault(CidaasDefaults.IntrospectionPath, CidaasEmulatorFault.Body(Answer($$""" "roles":["user"],"{{memberName}}":"{{value}}" """)));

        var response = await App.GetAsync(path, "opaque-token-1234567890");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    public static TheoryData<string, string> DefectiveAnswers => new()
    {
        { """ "roles":["admin"],"jti":"x","roles":["user"] """, "The token is malformed" },
        { """ "active":true """, "The token is malformed" },
        { """ "at_hash":"08wpfU_aqfIQw0OWPxdJQA" """, "The token is not an access token" },
        { """ "c_hash":"IBoQ2CMma0xz2BtE4gYtww" """, "The token is not an access token" },
        { """ "exp":"4102444800" """, "The token lifetime is invalid" },
        { """ "iat":"1700000000" """, "The token lifetime is invalid" },
        { """ "exp":9223372036854775807 """, "The token lifetime is invalid" },
        { """ "iat":4102444800 """, "The token was issued in the future" },
    };

    [Theory]
    [MemberData(nameof(DefectiveAnswers))]
    public async Task Introspection_answer_with_repeated_id_token_or_non_numeric_time_members_is_rejected(string members, string description)
    {
        await StartAppAsync(Introspecting(o => o.IntrospectionCacheDuration = TimeSpan.Zero));
        Emulator.Next.Fault(CidaasDefaults.IntrospectionPath, CidaasEmulatorFault.Body(Answer(members, withTimes: !members.Contains("\"exp\"", StringComparison.Ordinal))));

        var response = await App.GetAsync("/api/admin", "opaque-token-1234567890");

        ExpectInvalidToken(response).Should().Be(description);
    }

    // An answer that repeats 'active' says false first: the last one (true) is the one a lenient reader would take.
    private string Answer(string members, bool withTimes = true)
        => $$"""{"active":{{(members.Contains("\"active\"", StringComparison.Ordinal) ? "false" : "true")}},"iss":"{{Emulator.Authority}}","aud":"{{BearerTokens.ClientId}}","sub":"u1","token_type":"Bearer",{{(withTimes ? $"\"exp\":{_clock.GetUtcNow().AddHours(1).ToUnixTimeSeconds()}," : "")}}{{members.Trim()}}}""";

    private static string Sha256(string token)
        => Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The shared cache, counting what is written to it.</summary>
    private sealed class CountingCache(IDistributedCache inner) : IDistributedCache
    {
        private int _sets;

        public int Sets => _sets;

        public byte[]? Get(string key) => inner.Get(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => inner.GetAsync(key, token);

        public void Refresh(string key) => inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

        public void Remove(string key) => inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            Interlocked.Increment(ref _sets);
            inner.Set(key, value, options);
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Interlocked.Increment(ref _sets);
            return inner.SetAsync(key, value, options, token);
        }
    }
}
