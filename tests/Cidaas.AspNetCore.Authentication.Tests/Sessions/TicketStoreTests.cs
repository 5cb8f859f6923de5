using System.Globalization;
using System.Security.Claims;
using Cidaas.AspNetCore.Authentication.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.Sessions;

/// <summary>The ticket store alone, as the cookie handler drives it, including the sequences that broke other stores.</summary>
public sealed class TicketStoreTests : IDisposable
{
    private const string AliceSub = "sub-alice";
    private const string BobSub = "sub-bob";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly RecordingCache _cache = new();
    private readonly ServiceProvider _services;

    public TicketStoreTests(ITestOutputHelper output)
    {
        Output = output;
        _services = Instance(s => s.AddSingleton<TimeProvider>(_time));
    }

    private ITestOutputHelper Output { get; }

    private ITicketStore Store => _services.GetRequiredService<CidaasTicketStore>();

    private ICidaasSessionStore Sessions => _services.GetRequiredService<ICidaasSessionStore>();

    [Fact]
    public void The_cookie_scheme_gets_the_store()
        => _services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme).SessionStore.Should().BeSameAs(Store);

    [Fact]
    public async Task Each_store_gets_a_new_key_even_for_the_same_ticket()
    {
        var ticket = Ticket(AliceSub, "sid-1");

        var first = await Store.StoreAsync(ticket);
        var second = await Store.StoreAsync(ticket);

        first.Should().NotBe(second);
        (await Store.RetrieveAsync(first))!.Principal.FindFirst("sub")!.Value.Should().Be(AliceSub);
    }

    [Fact]
    public async Task Renew_after_remove_writes_the_ticket_again_aspnetcore_41516()
    {
        var key = await Store.StoreAsync(Ticket(AliceSub, "sid-1"));
        await Store.RemoveAsync(key);
        (await Store.RetrieveAsync(key)).Should().BeNull();

        var renewed = Ticket(AliceSub, "sid-1");
        await Store.RenewAsync(key, renewed);

        (await Store.RetrieveAsync(key)).Should().NotBeNull("RenewAsync is an upsert and never throws for a missing entry");
    }

    [Fact]
    public async Task A_renewal_racing_with_the_end_of_the_session_does_not_bring_it_back()
    {
        var ticket = Ticket(AliceSub, "sid-1");
        var key = await Store.StoreAsync(ticket);
        var id = (await Sessions.GetSessionsAsync(AliceSub)).Single().Id;

        (await Sessions.EndSessionAsync(AliceSub, id)).Should().BeTrue();
        await Store.RenewAsync(key, ticket);

        // The entry is back (upsert), but its cidaas session is marked as ended: the cookie validation rejects it.
        (await CidaasEndedSessions.IsEndedAsync(_cache, (await Store.RetrieveAsync(key))!.Properties, default)).Should().BeTrue();
    }

    [Fact]
    public async Task A_key_reused_for_another_user_after_sign_out_is_not_listed_as_the_first_user_s_aspnetcore_55634()
    {
        // The cookie handler renews under the old key when one request signs a user out and another in.
        var key = await Store.StoreAsync(Ticket(AliceSub, "sid-alice"));
        await Store.RemoveAsync(key);
        await Store.RenewAsync(key, Ticket(BobSub, "sid-bob"));

        (await Sessions.GetSessionsAsync(AliceSub)).Should().BeEmpty("the key now holds bob's ticket");
        var bobs = await Sessions.GetSessionsAsync(BobSub);
        bobs.Should().ContainSingle();
        (await Sessions.EndSessionAsync(AliceSub, bobs.Single().Id)).Should().BeFalse("alice's index cannot end bob's session");
        (await Store.RetrieveAsync(key))!.Principal.FindFirst("sub")!.Value.Should().Be(BobSub);
    }

    [Fact]
    public async Task The_entry_lives_until_the_ticket_expires_and_a_renewal_moves_that_on()
    {
        var ticket = Ticket(AliceSub, "sid-1", TimeSpan.FromMinutes(30));
        var key = await Store.StoreAsync(ticket);

        _time.Advance(TimeSpan.FromMinutes(20));
        ticket.Properties.ExpiresUtc = _time.GetUtcNow().AddMinutes(30);
        await Store.RenewAsync(key, ticket);
        _time.Advance(TimeSpan.FromMinutes(20));
        (await Store.RetrieveAsync(key)).Should().NotBeNull("the renewal moved the expiry on (sliding)");

        _time.Advance(TimeSpan.FromMinutes(11));
        (await Store.RetrieveAsync(key)).Should().BeNull("the ticket has expired");
    }

    [Fact]
    public async Task A_cache_outage_reads_as_no_session_and_a_write_fails_with_a_clear_error()
    {
        var key = await Store.StoreAsync(Ticket(AliceSub, "sid-1"));
        _cache.Down = true;

        (await Store.RetrieveAsync(key)).Should().BeNull();
        await Store.RemoveAsync(key);
        var store = async () => await Store.StoreAsync(Ticket(AliceSub, "sid-2"));
        (await store.Should().ThrowAsync<CidaasSessionStoreException>()).Which.Message.Should().StartWith("CIDAAS6008");

        _cache.Down = false;
        (await Store.RetrieveAsync(key)).Should().NotBeNull();
    }

    [Fact]
    public async Task A_ticket_protected_by_another_key_ring_is_no_session()
    {
        var key = await Store.StoreAsync(Ticket(AliceSub, "sid-1"));
        var entry = _cache.Written.Single(p => p.Key.StartsWith("cidaas:session:", StringComparison.Ordinal));
        var tampered = entry.Value.ToArray();
        tampered[^1] ^= 0xFF;
        await _cache.SetAsync(entry.Key, tampered, new DistributedCacheEntryOptions());

        (await Store.RetrieveAsync(key)).Should().BeNull();
    }

    [Fact]
    public async Task The_key_carries_the_hints_of_the_sid_and_sub_so_the_ticket_and_both_hints_are_read_in_one_round_trip()
    {
        var key = await Store.StoreAsync(Ticket(AliceSub, "sid-1"));
        key.Should().HaveLength(27, "96 random bits and two 32-bit hints, base64url");
        var context = new DefaultHttpContext();

        _cache.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = _cache.Reads;
        var retrieve = Store.RetrieveAsync(key, context, default);
        var inFlight = _cache.PendingReads;
        _cache.Gate.SetResult();
        var ticket = await retrieve;

        inFlight.Should().Be(3, "the ticket and both hints are asked for before any answer arrives");
        (_cache.Reads - reads).Should().Be(3);
        CidaasEndedSessions.WasChecked(context, ticket!.Properties).Should().BeTrue("no hint is there: the validation needs no read of its own");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_session_ended_by_its_sid_or_by_its_user_is_left_to_the_marker_check(bool bySessionId)
    {
        var ticket = Ticket(AliceSub, "sid-1");
        var key = await Store.StoreAsync(ticket);
        if (bySessionId)
        {
            (await Sessions.EndSessionAsync(AliceSub, (await Sessions.GetSessionsAsync(AliceSub)).Single().Id)).Should().BeTrue();
        }
        else
        {
            await Sessions.EndSessionsAsync(AliceSub);
        }

        await Store.RenewAsync(key, ticket);
        var context = new DefaultHttpContext();
        var retrieved = await Store.RetrieveAsync(key, context, default);

        CidaasEndedSessions.WasChecked(context, retrieved!.Properties).Should().BeFalse("a hint is there");
        (await CidaasEndedSessions.IsEndedAsync(_cache, retrieved.Properties, default)).Should().BeTrue();
    }

    [Fact]
    public async Task A_hint_shared_with_another_ended_session_costs_the_marker_read_and_ends_nothing()
    {
        var key = await Store.StoreAsync(Ticket(AliceSub, "sid-1"));
        // Another cidaas session whose hash starts with the same 32 bits was ended: its hint is this session's hint.
        var hint = CidaasSessionKeys.HintOf(CidaasSessionKeys.Hash("sid-1"));
        await _cache.SetAsync("cidaas:ended:sid-hint:" + hint.ToString("x8", CultureInfo.InvariantCulture), [1], new DistributedCacheEntryOptions());

        var context = new DefaultHttpContext();
        var retrieved = await Store.RetrieveAsync(key, context, default);

        CidaasEndedSessions.WasChecked(context, retrieved!.Properties).Should().BeFalse();
        (await CidaasEndedSessions.IsEndedAsync(_cache, retrieved.Properties, default)).Should().BeFalse("no marker of this session");
    }

    [Fact]
    public async Task A_ticket_renewed_under_another_users_key_is_left_to_the_marker_check_aspnetcore_55634()
    {
        var key = await Store.StoreAsync(Ticket(AliceSub, "sid-alice"));
        await Store.RemoveAsync(key);
        await Store.RenewAsync(key, Ticket(BobSub, "sid-bob"));
        await Sessions.EndSessionsAsync(BobSub);
        await Store.RenewAsync(key, Ticket(BobSub, "sid-bob"));

        var context = new DefaultHttpContext();
        var retrieved = await Store.RetrieveAsync(key, context, default);

        CidaasEndedSessions.WasChecked(context, retrieved!.Properties).Should().BeFalse("the key's hints are alice's, the ticket bob's");
        (await CidaasEndedSessions.IsEndedAsync(_cache, retrieved.Properties, default)).Should().BeTrue();
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not base64url, 27 chars!!!!")]
    [InlineData("")]
    public async Task A_key_of_another_form_reads_the_ticket_alone_and_leaves_the_check_to_the_markers(string key)
    {
        await Store.RenewAsync(key, Ticket(AliceSub, "sid-1"));
        var context = new DefaultHttpContext();
        var reads = _cache.Reads;

        var retrieved = await Store.RetrieveAsync(key, context, default);

        (_cache.Reads - reads).Should().Be(1);
        CidaasEndedSessions.WasChecked(context, retrieved!.Properties).Should().BeFalse();
    }

    [Fact]
    public async Task A_ticket_without_sid_carries_and_reads_the_users_hint_only()
    {
        var ticket = Ticket(AliceSub, sessionId: null);
        var key = await Store.StoreAsync(ticket);
        var context = new DefaultHttpContext();
        var reads = _cache.Reads;

        var retrieved = await Store.RetrieveAsync(key, context, default);

        (_cache.Reads - reads).Should().Be(2, "the ticket and the user's hint");
        CidaasEndedSessions.WasChecked(context, retrieved!.Properties).Should().BeTrue();

        await Sessions.EndSessionsAsync(AliceSub);
        await Store.RenewAsync(key, ticket);
        context = new DefaultHttpContext();
        retrieved = await Store.RetrieveAsync(key, context, default);
        CidaasEndedSessions.WasChecked(context, retrieved!.Properties).Should().BeFalse();
        (await CidaasEndedSessions.IsEndedAsync(_cache, retrieved.Properties, default)).Should().BeTrue();
    }

    [Fact]
    public async Task A_hint_lives_as_long_as_a_marker_of_the_longest_lived_cookie_scheme()
    {
        using var provider = Instance(s => s.AddAuthentication().AddCookie("long", o => o.ExpireTimeSpan = TimeSpan.FromDays(30)));

        await provider.GetRequiredService<ICidaasSessionStore>().EndSessionsAsync(AliceSub);

        var marker = _cache.WrittenOptions.Single(p => p.Key.StartsWith("cidaas:ended:sub:", StringComparison.Ordinal)).Value;
        var hint = _cache.WrittenOptions.Single(p => p.Key.StartsWith("cidaas:ended:sub-hint:", StringComparison.Ordinal)).Value;
        marker.AbsoluteExpirationRelativeToNow.Should().Be(TimeSpan.FromDays(14) + TimeSpan.FromMinutes(5), "the default cookie scheme's lifetime");
        hint.AbsoluteExpirationRelativeToNow.Should().Be(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task The_same_protected_bytes_are_unprotected_once_and_every_read_gets_its_own_copy()
    {
        var counting = new CountingDataProtectionProvider();
        using var writer = StoreOn(counting);
        using var reader = StoreOn(counting);
        var key = await writer.GetRequiredService<CidaasTicketStore>().StoreAsync(Ticket(AliceSub, "sid-1"));
        var store = reader.GetRequiredService<CidaasTicketStore>();

        var first = await store.RetrieveAsync(key);
        first!.Properties.Items["changed"] = "by the first request";
        first.Principal.Identities.First().AddClaim(new Claim("added", "by the first request"));
        var reads = new List<AuthenticationTicket?>();
        for (var i = 0; i < 10; i++)
        {
            reads.Add(await store.RetrieveAsync(key));
        }

        Output.WriteLine($"11 reads of one unchanged session written by another instance: {counting.Unprotects} unprotect(s)");
        counting.Unprotects.Should().Be(1);
        reads.Should().OnlyContain(t => t != null && !t.Properties.Items.ContainsKey("changed") && !t.Principal.HasClaim(c => c.Type == "added"));
        reads.Distinct().Should().HaveCount(10, "each read is a ticket of its own");
        reads[0]!.Principal.FindFirst("sub")!.Value.Should().Be(AliceSub);
        reads[0]!.Properties.ExpiresUtc.Should().Be(first.Properties.ExpiresUtc);
    }

    [Fact]
    public async Task The_instance_that_wrote_a_session_reads_it_without_unprotecting_and_as_a_read_would_give_it()
    {
        var counting = new CountingDataProtectionProvider();
        using var instance = StoreOn(counting);
        var store = instance.GetRequiredService<CidaasTicketStore>();
        var ticket = Ticket(AliceSub, "sid-1");
        ticket.Properties.Parameters["not-serialized"] = "only for this request";
        var key = await store.StoreAsync(ticket);
        ticket.Properties.Items["changed-after-the-write"] = "by the caller";

        var read = await store.RetrieveAsync(key);

        Output.WriteLine($"Read after the write on the same instance: {counting.Unprotects} unprotect(s)");
        counting.Unprotects.Should().Be(0);
        read!.Properties.Parameters.Should().BeEmpty("parameters are not serialized, so a read never has them");
        read.Properties.Items.Should().NotContainKey("changed-after-the-write");
        read.Principal.FindFirst("sub")!.Value.Should().Be(AliceSub);
    }

    [Fact]
    public async Task A_renewal_another_instance_wrote_is_seen_at_the_next_read()
    {
        var key = await Store.StoreAsync(Ticket(AliceSub, "sid-1"));
        (await Store.RetrieveAsync(key))!.Properties.Items.Should().NotContainKey("renewed");

        // Another instance (its own store, the same cache and key ring) renews the session.
        var renewed = Ticket(AliceSub, "sid-1");
        renewed.Properties.Items["renewed"] = "elsewhere";
        using (var otherInstance = StoreOn(_services.GetRequiredService<IDataProtectionProvider>()))
        {
            await otherInstance.GetRequiredService<CidaasTicketStore>().RenewAsync(key, renewed);
        }

        (await Store.RetrieveAsync(key))!.Properties.Items["renewed"].Should().Be("elsewhere");
    }

    [Fact]
    public async Task Bytes_altered_after_a_read_are_no_session()
    {
        var key = await Store.StoreAsync(Ticket(AliceSub, "sid-1"));
        (await Store.RetrieveAsync(key)).Should().NotBeNull();
        var entry = _cache.Written.Single(p => p.Key.StartsWith("cidaas:session:", StringComparison.Ordinal));
        var tampered = entry.Value.ToArray();
        tampered[^1] ^= 0xFF;
        await _cache.SetAsync(entry.Key, tampered, new DistributedCacheEntryOptions());

        (await Store.RetrieveAsync(key)).Should().BeNull("the ticket read before came from other bytes");
    }

    public void Dispose() => _services.Dispose();

    /// <summary>An instance of its own (its own store) on the shared cache, with the given Data Protection.</summary>
    private ServiceProvider StoreOn(IDataProtectionProvider dataProtection) => Instance(s => s.AddSingleton(dataProtection));

    /// <summary>An application instance on the shared cache: the cookie scheme with server-side sessions, then <paramref name="configure"/>.</summary>
    private ServiceProvider Instance(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IDistributedCache>(_cache);
        services.AddAuthentication().AddCookie().AddCidaasServerSideSessions();
        configure(services);
        return services.BuildServiceProvider();
    }

    private sealed class CountingDataProtectionProvider : IDataProtectionProvider
    {
        private readonly EphemeralDataProtectionProvider _inner = new();
        private int _unprotects;

        public int Unprotects => Volatile.Read(ref _unprotects);

        public IDataProtector CreateProtector(string purpose) => new Protector(this, _inner.CreateProtector(purpose));

        private sealed class Protector(CountingDataProtectionProvider owner, IDataProtector inner) : IDataProtector
        {
            public IDataProtector CreateProtector(string purpose) => new Protector(owner, inner.CreateProtector(purpose));

            public byte[] Protect(byte[] plaintext) => inner.Protect(plaintext);

            public byte[] Unprotect(byte[] protectedData)
            {
                Interlocked.Increment(ref owner._unprotects);
                return inner.Unprotect(protectedData);
            }
        }
    }

    private AuthenticationTicket Ticket(string subject, string? sessionId, TimeSpan? lifetime = null)
    {
        var now = _time.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + (lifetime ?? TimeSpan.FromHours(1)) };
        CidaasSessionKeys.Stamp(properties, subject, sessionId, now);
        var identity = new ClaimsIdentity([new Claim("sub", subject), new Claim(CidaasClaimTypes.Subject, subject)], "Cidaas");
        return new AuthenticationTicket(new ClaimsPrincipal(identity), properties, "Cidaas");
    }
}
