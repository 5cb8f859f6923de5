using Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Cidaas.AspNetCore.Authentication.Browser.Tests;

/// <summary>The same sample served over https: the cookies become Secure and the whole round trip still works.</summary>
public sealed class SampleOverHttpsTests : BrowserTest, IClassFixture<HttpsSampleFixture>
{
    public SampleOverHttpsTests(HttpsSampleFixture fixture, ITestOutputHelper output)
        : base(fixture, output)
    {
    }

    [Fact]
    public Task Alice_signs_in_and_out_over_https_with_secure_cookies() => RunAsync(async () =>
    {
        Fixture.BaseUrl.Should().StartWith("https://localhost:");

        await SignInAsync("alice", "alice-password");

        await Expect(Page.Locator("#name")).ToHaveTextAsync("Alice Anderson");
        var session = await SampleCookieAsync("Cidaas.Sample");
        session.Should().NotBeNull();
        session!.Secure.Should().BeTrue();
        session.SameSite.Should().Be(SameSiteAttribute.Lax);

        await Page.Locator("#sign-out").ClickAsync();

        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/");
        await Expect(Page.Locator("#sign-in")).ToBeVisibleAsync();
        (await SampleCookieAsync("Cidaas.Sample")).Should().BeNull();
    });
}
