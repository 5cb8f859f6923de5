using System.Security.Claims;
using Cidaas.AspNetCore.Authentication.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
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

    public TicketStoreTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<IDistributedCache>(_cache);
        services.AddAuthentication().AddCookie().AddCidaasServerSideSessions();
        _services = services.BuildServiceProvider();
    }

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

    public void Dispose() => _services.Dispose();

    private AuthenticationTicket Ticket(string subject, string sessionId, TimeSpan? lifetime = null)
    {
        var now = _time.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + (lifetime ?? TimeSpan.FromHours(1)) };
        CidaasSessionKeys.Stamp(properties, subject, sessionId, now);
        var identity = new ClaimsIdentity([new Claim("sub", subject), new Claim(CidaasClaimTypes.Subject, subject)], "Cidaas");
        return new AuthenticationTicket(new ClaimsPrincipal(identity), properties, "Cidaas");
    }
}
