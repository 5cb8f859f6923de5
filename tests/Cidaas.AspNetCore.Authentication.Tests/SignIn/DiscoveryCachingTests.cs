using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

public sealed class DiscoveryCachingTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const int SignIns = 1_000;

    [Fact]
    public async Task A_thousand_sign_ins_fetch_the_discovery_document_and_the_key_set_exactly_once()
    {
        // Warnings only: a thousand sign-ins at trace level would be a quarter of a million log lines to scan for secrets.
        await StartAppAsync(configureBuilder: b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        var app = App.CreateHandler();
        var emulator = Emulator.CreateHandler();

        // Eight browsers at a time, so that the first sign-ins race for the configuration as real users would.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, SignIns),
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (_, _) =>
            {
                var browser = new TestBrowser().Register(TestApp.Origin, app).Register(Emulator.Authority, emulator);
                var page = await browser.FollowAsync(TestApp.Origin + "/protected");
                page.StatusCode.Should().Be(HttpStatusCode.OK, await page.Content.ReadAsStringAsync());
                browser.HasCookie(TestApp.Origin, ".AspNetCore.Cookies").Should().BeTrue();
            });

        TokenRequests.Should().Be(SignIns, "every sign-in redeemed its code");
        UserInfoRequests.Should().Be(SignIns);
        App.Failures.Should().BeEmpty();
        Emulator.CountRequests(CidaasDefaults.DiscoveryPath).Should().Be(1, "the discovery document is cached for every later sign-in");
        Emulator.CountRequests(CidaasDefaults.JwksPath).Should().Be(1, "the key set is cached with the configuration");
    }
}
