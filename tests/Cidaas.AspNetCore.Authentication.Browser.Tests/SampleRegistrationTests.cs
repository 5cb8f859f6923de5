using Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Cidaas.AspNetCore.Authentication.Browser.Tests;

/// <summary>
/// Issue 16: the sample's "Create account" button challenges with <c>view_type=register</c>; the emulator shows its
/// registration page, creates the user, and the sample lands signed in with the new user's name.
/// </summary>
public sealed class SampleRegistrationTests : BrowserTest, IClassFixture<SampleFixture>
{
    public SampleRegistrationTests(SampleFixture fixture, ITestOutputHelper output)
        : base(fixture, output)
    {
    }

    [Fact]
    public Task Create_account_registers_a_new_user_at_cidaas_and_lands_signed_in_with_their_name() => RunAsync(async () =>
    {
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        await Page.GotoAsync("/");
        await Expect(Page.Locator("#create-account")).ToHaveTextAsync("Create account");
        await Expect(Page.Locator("#nav-create-account")).ToBeVisibleAsync();

        await Page.Locator("#create-account").ClickAsync();
        await Expect(Page.Locator("#register-form")).ToBeVisibleAsync();
        await Page.Locator("#given_name").FillAsync("Ada");
        await Page.Locator("#family_name").FillAsync("Lovelace");
        await Page.Locator("#email").FillAsync(email);
        await Page.Locator("#password").FillAsync("analytical-engine");
        await Page.Locator("#register").ClickAsync();

        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/profile");
        await Expect(Page.Locator("#name")).ToHaveTextAsync("Ada Lovelace");
        await Expect(Page.Locator("#email")).ToHaveTextAsync(email);
        await Expect(Page.Locator("#current-user")).ToHaveTextAsync("Ada Lovelace");
        var user = Fixture.Emulator.RegisteredUsers.Single(u => u.Email == email);
        await Expect(Page.Locator("#subject")).ToHaveTextAsync(user.Sub);
        (await SampleCookieAsync("Cidaas.Sample")).Should().NotBeNull();
    });
}
