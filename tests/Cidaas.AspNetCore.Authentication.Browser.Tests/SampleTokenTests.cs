using System.Globalization;
using Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace Cidaas.AspNetCore.Authentication.Browser.Tests;

/// <summary>
/// Tokens after sign-in in the sample, without waiting for a token to expire: the embedded emulator issues access
/// tokens for 30 seconds (<c>Cidaas:Emulator:AccessTokenLifetime</c>), which the package renews once half of that has
/// passed (a lifetime under twice <c>RefreshBeforeExpiry</c>); the cidaas scheme's clock is then moved on by 16 seconds
/// instead of sleeping. The emulator and the API keep the real time, so the tokens stay valid for them.
/// </summary>
public sealed class SampleTokenTests(SampleTokenTests.ShortLivedTokensFixture fixture, ITestOutputHelper output)
    : BrowserTest(fixture, output), IClassFixture<SampleTokenTests.ShortLivedTokensFixture>
{
    private int RefreshRequests => Fixture.Emulator.CountTokenRequests("refresh_token");

    [Fact]
    public Task Refresh_now_and_the_api_page_renew_an_expiring_token_and_the_api_calls_still_succeed() => RunAsync(async () =>
    {
        await SignInAsync("alice", "alice-password");
        var signedIn = await ExpiryAsync("#access-token-expires");
        signedIn.Should().BeCloseTo(DateTimeOffset.UtcNow.AddSeconds(30), TimeSpan.FromSeconds(15));
        var refreshesBefore = RefreshRequests;

        await Page.Locator("#refresh-token").ClickAsync();

        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/profile");
        await Expect(Page.Locator("#refresh-result")).ToContainTextAsync("Renewed");
        var refreshed = await ExpiryAsync("#access-token-expires");
        refreshed.Should().BeAfter(signedIn, "the profile shows the new token's expiry");
        RefreshRequests.Should().Be(refreshesBefore + 1);

        // The API page: past half of the token's 30 seconds, it is renewed before the calls.
        fixture.Clock.MoveOn(TimeSpan.FromSeconds(16));
        await Page.GotoAsync("/api-demo");
        await Expect(Page.Locator(".api-call[data-path='/api/me'] .status")).ToHaveTextAsync("200");
        await Expect(Page.Locator(".api-call[data-path='/api/admin'] .status")).ToHaveTextAsync("200");
        var usedByTheApiPage = await ExpiryAsync("#api-token-expires");
        usedByTheApiPage.Should().BeAfter(refreshed);
        RefreshRequests.Should().Be(refreshesBefore + 2, "one renewal for the page, whose calls then share it");

        // Beside it, the machine-to-machine call with the sample's own client_credentials token.
        await Expect(Page.Locator("#machine-calls .api-call[data-path='/api/service'] .status")).ToHaveTextAsync("200");
        await Expect(Page.Locator("#machine-calls .api-call[data-path='/api/service'] .body")).ToContainTextAsync("client_credentials");
        Fixture.Emulator.CountTokenRequests("client_credentials").Should().BeGreaterThan(0);

        // The renewed tokens were written back to the session: the profile shows the API page's token.
        await Page.GotoAsync("/profile");
        (await ExpiryAsync("#access-token-expires")).Should().Be(usedByTheApiPage);
        (await Page.ContentAsync()).Should().NotMatchRegex(@"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.", "no token belongs on a page");
    });

    private async Task<DateTimeOffset> ExpiryAsync(string selector) =>
        DateTimeOffset.Parse((await Page.Locator(selector).GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);

    /// <summary>The sample whose embedded emulator issues access tokens for 30 seconds, its cidaas scheme on <see cref="Clock"/>.</summary>
    public sealed class ShortLivedTokensFixture : SampleFixture
    {
        public MovableClock Clock { get; } = new();

        protected override void AddSettings(IDictionary<string, string?> settings) =>
            settings["Cidaas:Emulator:AccessTokenLifetime"] = "00:00:30";

        protected override void ConfigureServices(IServiceCollection services) =>
            services.PostConfigure<CidaasOptions>(CidaasDefaults.AuthenticationScheme, o => o.TimeProvider = Clock);
    }

    /// <summary>The real time, moved on by what the test says has passed.</summary>
    public sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public void MoveOn(TimeSpan time) => Interlocked.Add(ref _offsetTicks, time.Ticks);

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
    }
}
