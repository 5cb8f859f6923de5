using System.Globalization;
using System.Text.RegularExpressions;
using Cidaas.AspNetCore.Authentication.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Cidaas.AspNetCore.Authentication.Browser.Tests;

/// <summary>
/// The sample on plain http://localhost, driven by headless Chromium through the embedded cidaas emulator's real
/// login page: sign-in for each demo user, wrong password, cancel, roles, sign-out and a replayed callback.
/// </summary>
public sealed class SampleSignInTests : BrowserTest, IClassFixture<SampleFixture>
{
    public SampleSignInTests(SampleFixture fixture, ITestOutputHelper output)
        : base(fixture, output)
    {
    }

    [Theory]
    [InlineData("alice", "alice-password", "Alice Anderson", "alice@example.com", "admin|user", "engineering", "lead, member", "Engineering")]
    [InlineData("bob", "bob-password", "Bob Brown", "bob@example.com", "user", "sales", "member", "Sales")]
    public Task Demo_user_signs_in_and_the_profile_shows_their_claims_roles_groups_and_token_expiry(
        string username, string password, string name, string email, string roles, string group, string groupRoles, string department) => RunAsync(async () =>
    {
        await Page.GotoAsync("/");
        await Expect(Page.Locator("#sign-in")).ToHaveTextAsync("Sign in with cidaas");
        await Expect(Page.Locator("#emulator-info")).ToContainTextAsync("alice-password");

        await Page.Locator("#sign-in").ClickAsync();
        await ExpectLoginFormAsync();
        await SubmitLoginFormAsync(username, password);

        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/profile");
        await Expect(Page.Locator("#name")).ToHaveTextAsync(name);
        await Expect(Page.Locator("#email")).ToHaveTextAsync(email);
        await Expect(Page.Locator("#current-user")).ToHaveTextAsync(name);
        await Expect(Page.Locator("#roles .chip")).ToHaveTextAsync(roles.Split('|'));
        await Expect(Page.Locator("#groups li")).ToHaveCountAsync(1);
        await Expect(Page.Locator($"#groups li[data-group='{group}']")).ToContainTextAsync(groupRoles);

        var user = Fixture.Emulator.Options.Users.Single(u => u.Username == username);
        await Expect(Page.Locator("#subject")).ToHaveTextAsync(user.Sub);
        await Expect(Claim("cidaas:custom:department")).ToHaveTextAsync(department);
        await Expect(Claim("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/mobilephone")).ToHaveTextAsync(user.MobileNumber!);
        await Expect(Claim("email_verified")).ToHaveTextAsync("true");

        // The emulator issues access tokens for an hour; the page shows when, and never the token itself.
        var expires = DateTimeOffset.Parse(
            (await Page.Locator("#access-token-expires").GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);
        expires.Should().BeCloseTo(DateTimeOffset.UtcNow.AddHours(1), TimeSpan.FromMinutes(2));
        await Expect(Page.Locator("#access-token-expires-in")).ToHaveTextAsync(new Regex(@"\(in (59|60) minutes\)"));
        // A JWT is three base64url parts joined by dots; the antiforgery token (one base64url part) may contain "eyJ" by chance.
        (await Page.ContentAsync()).Should().NotMatchRegex(@"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.", "no token belongs on a page");

        // Plain http: the session cookie must not be Secure (the browser would drop it) and must be Lax.
        var session = await SampleCookieAsync("Cidaas.Sample");
        session.Should().NotBeNull();
        session!.Secure.Should().BeFalse();
        session.HttpOnly.Should().BeTrue();
        session.SameSite.Should().Be(SameSiteAttribute.Lax);
    }, variant: username);

    [Fact]
    public Task Wrong_password_shows_the_emulators_error_and_the_right_one_then_signs_in() => RunAsync(async () =>
    {
        await Page.GotoAsync("/");
        await Page.Locator("#sign-in").ClickAsync();
        await ExpectLoginFormAsync();

        await SubmitLoginFormAsync("alice", "not-alices-password");

        await Expect(Page.Locator("#error")).ToHaveTextAsync("The username or password is incorrect.");
        await Expect(Page.Locator("#username")).ToHaveValueAsync("alice");
        await Expect(Page.Locator("#login-form")).ToBeVisibleAsync();
        (await SampleCookieAsync("Cidaas.Sample")).Should().BeNull("no one is signed in to the sample");

        await SubmitLoginFormAsync("alice", "alice-password");
        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/profile");
        await Expect(Page.Locator("#name")).ToHaveTextAsync("Alice Anderson");
    });

    [Fact]
    public Task Cancel_on_the_cidaas_login_page_lands_on_the_samples_access_denied_page() => RunAsync(async () =>
    {
        await Page.GotoAsync("/profile");
        await ExpectLoginFormAsync();

        await Page.Locator("#cancel").ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Fixture.BaseUrl + "/account/access-denied")));
        await Expect(Page.Locator("#access-denied h1")).ToHaveTextAsync("Sign-in cancelled");
        await Expect(Page.Locator("#try-again")).ToHaveAttributeAsync("href", "/account/sign-in?returnUrl=%2Fprofile");
        await Expect(Page.Locator("#nav-sign-in")).ToBeVisibleAsync();
        (await SampleCookieAsync("Cidaas.Sample")).Should().BeNull();
    });

    [Fact]
    public Task Anonymous_visit_to_the_admin_page_signs_in_at_cidaas_and_returns_to_the_admin_page() => RunAsync(async () =>
    {
        await Page.GotoAsync("/admin");
        await ExpectLoginFormAsync();

        await SubmitLoginFormAsync("alice", "alice-password");

        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/admin");
        await Expect(Page.Locator("#admin-area")).ToContainTextAsync("Alice Anderson");
    });

    [Fact]
    public Task Admin_page_is_refused_to_bob_with_the_403_page() => RunAsync(async () =>
    {
        await SignInAsync("bob", "bob-password");

        var response = await Page.GotoAsync("/admin");

        response!.Status.Should().Be(403);
        await Expect(Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Fixture.BaseUrl + "/account/forbidden")));
        await Expect(Page.Locator("#forbidden h1")).ToHaveTextAsync("No access");
        await Expect(Page.Locator("#forbidden")).ToContainTextAsync("You are signed in as Bob Brown");
        await Expect(Page.Locator("#admin-area")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#current-user")).ToHaveTextAsync("Bob Brown");
    });

    [Theory]
    [InlineData("alice", "alice-password", 200)]
    [InlineData("bob", "bob-password", 403)]
    public Task Api_page_calls_the_samples_bearer_protected_api_with_the_users_access_token(string username, string password, int adminStatus) => RunAsync(async () =>
    {
        await SignInAsync(username, password);

        await Page.GotoAsync("/api-demo");

        await Expect(Page.Locator(".api-call[data-path='/api/me'] .status")).ToHaveTextAsync("200");
        await Expect(Page.Locator(".api-call[data-path='/api/admin'] .status")).ToHaveTextAsync(adminStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Page.Locator(".api-call[data-path='/api/orders'] .status")).ToHaveTextAsync("403");
        await Expect(Page.Locator(".api-call[data-path='/api/orders'] .www-authenticate")).ToContainTextAsync("insufficient_scope");
    }, username);

    [Fact]
    public Task Signing_in_again_while_the_cidaas_session_lasts_skips_the_login_form() => RunAsync(async () =>
    {
        await SignInAsync("alice", "alice-password");

        // Forget the sample's session only: cidaas still knows the browser (its SSO cookie).
        await Context.ClearCookiesAsync(new BrowserContextClearCookiesOptions { NameRegex = new Regex(@"^Cidaas\.Sample(C\d+)?$"), Domain = "localhost" });
        (await Context.CookiesAsync()).Select(c => c.Name).Should().Contain("cidaas_sso").And.NotContain("Cidaas.Sample");
        await Page.GotoAsync("/profile");

        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/profile");
        await Expect(Page.Locator("#name")).ToHaveTextAsync("Alice Anderson");
    });

    [Fact]
    public Task Sign_out_ends_the_sample_session_and_the_cidaas_session_so_the_next_sign_in_shows_the_form() => RunAsync(async () =>
    {
        await SignInAsync("alice", "alice-password");
        var endSessionCalls = Fixture.Emulator.CountRequests("/session/end_session");

        await Page.Locator("#sign-out").ClickAsync();

        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/");
        await Expect(Page.Locator("#sign-in")).ToBeVisibleAsync();
        await Expect(Page.Locator("#current-user")).ToHaveCountAsync(0);
        Fixture.Emulator.CountRequests("/session/end_session").Should().Be(endSessionCalls + 1);
        var endSession = Fixture.Emulator.Requests.Last(r => r.Path == "/session/end_session");
        endSession.QueryString.Should().Contain("id_token_hint=").And.Contain("post_logout_redirect_uri=");
        (await Context.CookiesAsync()).Select(c => c.Name).Should().NotContain(["Cidaas.Sample", "cidaas_sso"]);

        await Page.GotoAsync("/profile");

        await ExpectLoginFormAsync();
    });

    [Fact]
    public Task Reloading_the_callback_after_sign_in_says_the_user_is_already_signed_in_and_does_not_sign_in_again() => RunAsync(async () =>
    {
        string? callbackUrl = null;
        Page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(Fixture.BaseUrl + "/signin-cidaas?", StringComparison.Ordinal))
            {
                callbackUrl = request.Url;
            }
        };
        await SignInAsync("alice", "alice-password");
        callbackUrl.Should().NotBeNull();
        var tokenRequests = Fixture.Emulator.CountRequests("/token-srv/token");

        var response = await Page.GotoAsync(callbackUrl!);

        response!.Status.Should().Be(200);
        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/account/sign-in-failed");
        await Expect(Page.Locator("#already-signed-in h1")).ToHaveTextAsync("You are already signed in");
        await Expect(Page.Locator("#sign-in-failed")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#hint")).ToContainTextAsync("already completed");
        Fixture.Emulator.CountRequests("/token-srv/token").Should().Be(tokenRequests, "the used code is never sent again");
        await Expect(Page.Locator("#current-user")).ToHaveTextAsync("Alice Anderson");
        await Expect(Page.Locator("#cause")).ToHaveTextAsync(new Regex("^CIDAAS1004: Correlation failed"));

        await Page.Locator("#continue").ClickAsync();
        await Expect(Page).ToHaveURLAsync(Fixture.BaseUrl + "/profile");
    });

    [Fact]
    public Task Reloading_a_callback_without_a_session_still_says_the_sign_in_did_not_work() => RunAsync(async () =>
    {
        string? callbackUrl = null;
        Page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(Fixture.BaseUrl + "/signin-cidaas?", StringComparison.Ordinal))
            {
                callbackUrl = request.Url;
            }
        };
        await SignInAsync("alice", "alice-password");
        await Context.ClearCookiesAsync(new BrowserContextClearCookiesOptions { NameRegex = new Regex(@"^Cidaas\.Sample(C\d+)?$"), Domain = "localhost" });

        await Page.GotoAsync(callbackUrl!);

        await Expect(Page.Locator("#sign-in-failed h1")).ToHaveTextAsync("The sign-in did not work");
        await Expect(Page.Locator("#hint")).ToContainTextAsync("This sign-in was already completed");
        await Expect(Page.Locator("#cause")).ToHaveTextAsync(new Regex("^CIDAAS1004: Correlation failed"));
        await Expect(Page.Locator("#current-user")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task An_unknown_page_gets_the_styled_404_page_and_an_unknown_api_path_a_bare_404() => RunAsync(async () =>
    {
        var page = await Page.GotoAsync("/no-such-page");

        page!.Status.Should().Be(404);
        await Expect(Page.Locator("#status-page h1")).ToHaveTextAsync("This page does not exist");
        await Expect(Page.Locator("#home")).ToBeVisibleAsync();

        var api = await Page.APIRequest.GetAsync("/api/no-such-thing");
        api.Status.Should().Be(404);
        (await api.TextAsync()).Should().BeEmpty("an API answers with statuses, not with pages");
    });

    [Fact]
    public Task Api_page_draws_successful_answers_neutral_and_says_how_to_get_the_orders_scope() => RunAsync(async () =>
    {
        await SignInAsync("bob", "bob-password");

        await Page.GotoAsync("/api-demo");

        const string Style = "e => getComputedStyle(e).backgroundColor + ' ' + getComputedStyle(e).color";
        (await Page.Locator(".api-call[data-path='/api/me'] pre").EvaluateAsync<string>(Style)).Should().StartWith("rgb(245, 246, 248)", "a 200's answer is not drawn like an error");
        (await Page.Locator(".api-call[data-path='/api/me'] .status").EvaluateAsync<string>("e => getComputedStyle(e).color")).Should().Be("rgb(26, 127, 55)");
        (await Page.Locator(".api-call[data-path='/api/admin'] .status").EvaluateAsync<string>("e => getComputedStyle(e).color")).Should().Be("rgb(180, 35, 24)", "a 403 is drawn as a refusal");
        await Expect(Page.Locator("#orders-scope-hint")).ToContainTextAsync("Cidaas:Scope");
        await Expect(Page.Locator("#orders-scope-hint")).ToContainTextAsync("orders:read");
    });

    [Fact]
    public void The_default_launch_profile_names_no_address_so_urls_and_ASPNETCORE_URLS_decide()
    {
        using var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.SampleDirectory, "Properties", "launchSettings.json")));
        var profile = settings.RootElement.GetProperty("profiles").EnumerateObject().First();
        profile.Value.TryGetProperty("applicationUrl", out _).Should().BeFalse(
            $"'dotnet run' uses the first profile ('{profile.Name}'), whose applicationUrl would override ASPNETCORE_URLS");
        Cidaas.Sample.Web.SampleApp.DefaultUrl.Should().Be("http://localhost:5000", "the README's address stays the default");
    }

    [Fact]
    public Task Sign_in_failure_page_shows_no_text_from_its_address() => RunAsync(async () =>
    {
        var response = await Page.GotoAsync("/account/sign-in-failed?message=%3Cscript%3Ealert(1)%3C%2Fscript%3ECall+0800");

        response!.Status.Should().Be(200);
        await Expect(Page.Locator("#sign-in-failed h1")).ToHaveTextAsync("The sign-in did not work");
        await Expect(Page.Locator("#cause")).ToHaveCountAsync(0);
        (await Page.ContentAsync()).Should().NotContain("Call 0800").And.NotContain("<script>alert");
    });

    [Fact]
    public Task Ending_the_session_at_cidaas_in_another_tab_makes_the_next_page_load_anonymous_and_challenge() => RunAsync(async () =>
    {
        await SignInAsync("bob", "bob-password");

        var deliveries = await EndSessionAtCidaasInAnotherPageAsync();

        // The sample registered its back-channel logout URI with the embedded emulator; the session ends by the
        // cookie-only "ended sessions" list (no Redis, no server-side sessions in this mode).
        deliveries.Should().ContainSingle().Which.Succeeded.Should().BeTrue();
        await Page.ReloadAsync();
        await ExpectLoginFormAsync();
        await Page.GotoAsync("/");
        await Expect(Page.Locator("#sign-in")).ToBeVisibleAsync();
    });

    private ILocator Claim(string type) => Page.Locator($"#claims td[data-claim='{type}']");
}
