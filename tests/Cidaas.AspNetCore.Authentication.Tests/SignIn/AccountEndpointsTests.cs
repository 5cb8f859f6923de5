using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

/// <summary>
/// <c>MapCidaasAccountEndpoints</c>: a GET login that challenges with a local return URL only, and a POST logout that
/// signs out of the cookie and cidaas behind antiforgery.
/// </summary>
public sealed class AccountEndpointsTests(ITestOutputHelper output) : SignInTestBase(output)
{
    protected override void MapEndpoints(WebApplication app)
    {
        base.MapEndpoints(app);
        app.MapCidaasAccountEndpoints();
        // What a form of the app renders: the request token (the antiforgery cookie is set alongside).
        app.MapGet("/form-token", (HttpContext context) => context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken);
    }

    [Fact]
    public async Task Login_challenges_cidaas_and_returns_to_the_local_return_url()
    {
        await StartWithAntiforgeryAsync();

        var signedIn = await SignInThroughLoginAsync("/protected?tab=1");

        signedIn.StatusCode.Should().Be(HttpStatusCode.OK);
        signedIn.RequestMessage!.RequestUri!.PathAndQuery.Should().Be("/protected?tab=1");
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Register_challenges_cidaas_with_its_registration_page_and_the_new_user_lands_signed_in_on_the_local_return_url()
    {
        await StartWithAntiforgeryAsync();

        var register = await Browser.GetAsync(TestApp.Origin + "/account/register?returnUrl=%2Fprotected");
        var authorization = register.Headers.Location!;
        QueryOf(authorization)["view_type"].Should().Be("register");
        var page = await (await Browser.GetAsync(authorization.ToString())).Content.ReadAsStringAsync();
        var requestId = System.Text.RegularExpressions.Regex.Match(page, "name=\"request_id\" value=\"([^\"]+)\"").Groups[1].Value;
        var registered = await Browser.SendAsync(HttpMethod.Post, Emulator.Authority + "/users-srv/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["request_id"] = requestId,
            ["given_name"] = "Grace",
            ["family_name"] = "Hopper",
            ["email"] = "grace@example.com",
            ["password"] = "cobol-compiler",
            ["action"] = "register",
        }));
        var signedIn = await Browser.FollowAsync(registered.Headers.Location!.ToString());

        signedIn.RequestMessage!.RequestUri!.PathAndQuery.Should().Be("/protected");
        (await signedIn.Content.ReadAsStringAsync()).Should().Contain("|Grace Hopper");
        var evil = await Browser.GetAsync(TestApp.Origin + "/account/register?returnUrl=https%3A%2F%2Fevil.example%2F");
        evil.Headers.Location!.ToString().Should().Be("/", "a signed-in user goes to the local return URL only");
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("")]
    public async Task Login_with_a_foreign_or_missing_return_url_returns_to_the_root(string returnUrl)
    {
        await StartWithAntiforgeryAsync();

        var login = await Browser.GetAsync(TestApp.Origin + "/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var callback = await AuthorizeAsync(login.Headers.Location!);
        var afterCallback = await Browser.GetAsync(callback.ToString());

        afterCallback.StatusCode.Should().Be(HttpStatusCode.Redirect);
        afterCallback.Headers.Location!.ToString().Should().Be("/");
    }

    [Fact]
    public async Task Login_of_a_signed_in_user_goes_straight_to_the_return_url()
    {
        await StartWithAntiforgeryAsync();
        await SignInAsync();
        var authorizations = Emulator.CountRequests(CidaasDefaults.AuthorizationPath);

        var login = await Browser.GetAsync(TestApp.Origin + "/account/login?returnUrl=%2Fpublic");

        login.StatusCode.Should().Be(HttpStatusCode.Redirect);
        login.Headers.Location!.ToString().Should().Be("/public");
        Emulator.CountRequests(CidaasDefaults.AuthorizationPath).Should().Be(authorizations);
    }

    [Fact]
    public async Task Logout_without_the_antiforgery_token_is_refused_and_keeps_the_user_signed_in()
    {
        await StartWithAntiforgeryAsync();
        await SignInAsync();

        var logout = await Browser.SendAsync(HttpMethod.Post, TestApp.Origin + "/account/logout",
            new FormUrlEncodedContent([new("returnUrl", "/public")]));

        logout.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await logout.Content.ReadAsStringAsync()).Should().Contain("antiforgery").And.NotContain("   at ");
        HasSignInCookie().Should().BeTrue();
        Emulator.CountRequests(CidaasDefaults.EndSessionPath).Should().Be(0);
        (await Browser.GetAsync(TestApp.Origin + "/account/logout")).StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed, "a link cannot sign anyone out");
    }

    [Theory]
    [InlineData("/public", "/public")]
    [InlineData("https://evil.example/", "/")]
    public async Task Logout_with_the_antiforgery_token_ends_the_cookie_and_the_cidaas_session(string returnUrl, string expected)
    {
        await StartWithAntiforgeryAsync();
        await SignInAsync();
        var token = await (await Browser.GetAsync(TestApp.Origin + "/form-token")).Content.ReadAsStringAsync();

        var logout = await Browser.SendAsync(HttpMethod.Post, TestApp.Origin + "/account/logout",
            new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("returnUrl", returnUrl)]));

        logout.StatusCode.Should().Be(HttpStatusCode.Redirect);
        HasSignInCookie().Should().BeFalse();
        logout.Headers.Location!.GetLeftPart(UriPartial.Path).Should().Be(Emulator.Authority + CidaasDefaults.EndSessionPath);
        var back = await Browser.GetAsync(logout.Headers.Location!.ToString());
        var final = await Browser.GetAsync(back.Headers.Location!.ToString());
        final.Headers.Location!.ToString().Should().Be(expected);
    }

    [Fact]
    public async Task Mapping_without_antiforgery_services_says_what_to_add()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        var map = () => app.MapCidaasAccountEndpoints();

        map.Should().Throw<InvalidOperationException>().WithMessage("*AddAntiforgery*");
    }

    private Task StartWithAntiforgeryAsync() => StartAppAsync(configureBuilder: builder => builder.Services.AddAntiforgery());

    private async Task<HttpResponseMessage> SignInThroughLoginAsync(string returnUrl)
    {
        var login = await Browser.GetAsync(TestApp.Origin + "/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        login.StatusCode.Should().Be(HttpStatusCode.Redirect);
        login.Headers.Location!.GetLeftPart(UriPartial.Path).Should().Be(Emulator.Authority + CidaasDefaults.AuthorizationPath);
        var callback = await AuthorizeAsync(login.Headers.Location!);
        return await Browser.FollowAsync(callback.ToString());
    }
}
