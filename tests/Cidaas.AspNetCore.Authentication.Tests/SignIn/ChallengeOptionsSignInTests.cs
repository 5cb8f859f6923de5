using System.Text.RegularExpressions;
using Cidaas.AspNetCore.Authentication.Protocol;
using Cidaas.AspNetCore.Authentication.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

/// <summary>
/// Issue 16 through the handler and the emulator: the challenge options reach the authorization URL (challenge over
/// option), <c>prompt=none</c> without a session fails cleanly, <c>max_age</c> requires a fresh enough <c>auth_time</c>,
/// <c>RequireAcr</c> requires the <c>acr</c> asked for, and <c>view_type=register</c> signs a new user up and in.
/// </summary>
public sealed partial class ChallengeOptionsSignInTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const string Password = "correct-horse-battery";

    protected override void MapEndpoints(WebApplication app)
    {
        base.MapEndpoints(app);
        // A challenge with CidaasChallengeProperties from the query, back to /protected.
        app.MapGet("/challenge", (HttpContext context) =>
        {
            var query = context.Request.Query;
            var properties = new CidaasChallengeProperties
            {
                RedirectUri = "/protected",
                ViewType = query["view_type"].FirstOrDefault(),
                Prompt = query["prompt"].FirstOrDefault(),
                MaxAge = query["max_age"].FirstOrDefault() is { } seconds ? TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)) : null,
                LoginHint = query["login_hint"].FirstOrDefault(),
                UiLocales = query["ui_locales"].FirstOrDefault(),
                AcrValues = query["acr_values"].FirstOrDefault(),
            };
            return Results.Challenge(properties, [CidaasDefaults.AuthenticationScheme]);
        });
    }

    [Fact]
    public void The_authorization_url_carries_each_challenge_property()
    {
        var url = BuildUrl(new CidaasOptions(), new CidaasChallengeProperties
        {
            ViewType = CidaasViewType.Register,
            Prompt = "login consent",
            MaxAge = TimeSpan.FromMinutes(5),
            LoginHint = "grace@example.com",
            UiLocales = "de-DE en",
            AcrValues = "mfa default",
        }, out _);

        url.Should().Contain("&view_type=register").And.Contain("&prompt=login%20consent").And.Contain("&max_age=300")
            .And.Contain("&login_hint=grace%40example.com").And.Contain("&ui_locales=de-DE%20en").And.Contain("&acr_values=mfa%20default");
    }

    [Fact]
    public void The_options_give_the_defaults_and_a_challenge_property_wins_over_its_option()
    {
        var options = new CidaasOptions
        {
            ViewType = CidaasViewType.Login,
            Prompt = "login",
            MaxAge = TimeSpan.FromDays(1),
            UiLocales = "de-DE",
            AcrValues = "default",
        };

        var defaults = QueryOf(new Uri(BuildUrl(options, new CidaasChallengeProperties(), out _)));
        var overridden = QueryOf(new Uri(BuildUrl(options, new CidaasChallengeProperties { ViewType = CidaasViewType.Register, Prompt = "none", MaxAge = TimeSpan.Zero }, out _)));

        defaults.Should().Contain(new Dictionary<string, string>
        {
            ["view_type"] = "login",
            ["prompt"] = "login",
            ["max_age"] = "86400",
            ["ui_locales"] = "de-DE",
            ["acr_values"] = "default",
        });
        defaults.Should().NotContainKey("login_hint");
        overridden.Should().Contain(new Dictionary<string, string>
        {
            ["view_type"] = "register",
            ["prompt"] = "none",
            ["max_age"] = "0",
            ["ui_locales"] = "de-DE",
            ["acr_values"] = "default",
        });
    }

    [Fact]
    public void A_parameter_of_plain_properties_or_of_AdditionalAuthorizationParameters_is_sent_once_and_checked_as_the_property_is()
    {
        var options = new CidaasOptions();
        options.AdditionalAuthorizationParameters["view_type"] = "login";
        var plain = new AuthenticationProperties();
        plain.SetParameter("view_type", "register");
        plain.SetParameter("max_age", TimeSpan.FromSeconds(90));

        var query = new Uri(BuildUrl(options, plain, out _)).Query;

        Regex.Matches(query, "view_type=").Should().ContainSingle();
        query.Should().Contain("view_type=register").And.Contain("max_age=90");

        var bad = new AuthenticationProperties();
        bad.SetParameter("prompt", "none login");
        var act = () => BuildUrl(new CidaasOptions(), bad, out _);
        act.Should().Throw<ArgumentException>().WithParameterName("prompt").Which.Message.Should().Contain("'none' cannot be combined");

        var fraction = new AuthenticationProperties();
        fraction.SetParameter("max_age", TimeSpan.FromMilliseconds(1500));
        act = () => BuildUrl(new CidaasOptions(), fraction, out _);
        act.Should().Throw<ArgumentException>().WithParameterName("max_age");
    }

    [Fact]
    public void The_max_age_sent_travels_in_the_protected_state_and_acr_values_only_when_required()
    {
        BuildUrl(new CidaasOptions { MaxAge = TimeSpan.FromMinutes(10), AcrValues = "mfa" }, new AuthenticationProperties(), out var notRequired);
        BuildUrl(new CidaasOptions { AcrValues = "mfa", RequireAcr = true }, new AuthenticationProperties(), out var required);
        BuildUrl(new CidaasOptions(), new AuthenticationProperties(), out var none);

        notRequired.Items.Should().Contain(CidaasStateKeys.MaxAge, "600").And.NotContainKey(CidaasStateKeys.RequiredAcr);
        required.Items.Should().Contain(CidaasStateKeys.RequiredAcr, "mfa").And.NotContainKey(CidaasStateKeys.MaxAge);
        none.Items.Keys.Should().NotContain([CidaasStateKeys.MaxAge, CidaasStateKeys.RequiredAcr]);
    }

    [Fact]
    public async Task Prompt_none_without_a_cidaas_session_ends_in_a_clean_login_required_failure()
    {
        EmulatorOptions.ShowLoginPage = true;
        await StartAppAsync();

        var callback = await AuthorizeAsync(await ChallengeWithAsync("prompt=none"));
        QueryOf(callback)["error"].Should().Be("login_required");
        var response = await Browser.GetAsync(callback.ToString());

        var failure = await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1012");
        failure.Message.Should().Contain("'login_required'");
    }

    [Fact]
    public async Task Prompt_none_with_a_cidaas_session_signs_in_without_a_page_and_prompt_login_shows_the_login_page_again()
    {
        EmulatorOptions.ShowLoginPage = true;
        await StartAppAsync();
        await SignInOnTheLoginPageAsync(await ChallengeWithAsync(""), "alice", "alice-password");

        var silent = await AuthorizeAsync(await ChallengeWithAsync("prompt=none"));
        QueryOf(silent).Should().ContainKey("code");
        (await Browser.GetAsync(silent.ToString())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        HasSignInCookie().Should().BeTrue();

        var forced = await Browser.GetAsync((await ChallengeWithAsync("prompt=login")).ToString());
        forced.StatusCode.Should().Be(HttpStatusCode.OK);
        (await forced.Content.ReadAsStringAsync()).Should().Contain("id=\"login-form\"");
    }

    [Fact]
    public async Task Max_age_with_a_fresh_auth_time_signs_in()
    {
        await StartAppAsync();

        var callback = await AuthorizeAsync(await ChallengeWithAsync("max_age=300"));
        var response = await Browser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Max_age_with_an_auth_time_older_than_max_age_is_refused()
    {
        await StartAppAsync();
        var old = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();

        var callback = await AuthorizeAsync(await ChallengeWithAsync("max_age=300"));
        Emulator.Next.IdTokenMember("auth_time", old.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var response = await Browser.GetAsync(callback.ToString());

        var failure = await ExpectFailureAsync(response, "CIDAAS3021");
        failure.Message.Should().Contain("more than the max_age of 300 seconds");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("\"1700000000\"")]
    public async Task Max_age_without_a_usable_auth_time_is_refused(string? authTime)
    {
        await StartAppAsync();

        var callback = await AuthorizeAsync(await ChallengeWithAsync("max_age=300"));
        Emulator.Next.IdTokenMember("auth_time", authTime);
        var response = await Browser.GetAsync(callback.ToString());

        await ExpectFailureAsync(response, authTime is null ? "CIDAAS3020" : "CIDAAS3002");
    }

    [Fact]
    public async Task Without_max_age_a_missing_auth_time_is_fine()
    {
        await StartAppAsync();

        var callback = await AuthorizeAsync(await ChallengeWithAsync(""));
        Emulator.Next.IdTokenMember("auth_time", null);
        var response = await Browser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Max_age_makes_the_emulator_ask_for_the_password_again_when_its_session_is_older()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
        EmulatorOptions.TimeProvider = clock;
        EmulatorOptions.ShowLoginPage = true;
        await StartAppAsync();
        await SignInOnTheLoginPageAsync(await ChallengeWithAsync(""), "alice", "alice-password");
        clock.Advance(TimeSpan.FromMinutes(10));

        var tooOld = await Browser.GetAsync((await ChallengeWithAsync("max_age=300")).ToString());
        tooOld.StatusCode.Should().Be(HttpStatusCode.OK, "a session of 10 minutes is older than max_age=300");
        (await tooOld.Content.ReadAsStringAsync()).Should().Contain("id=\"login-form\"");

        var youngEnough = await AuthorizeAsync(await ChallengeWithAsync("max_age=3600"));
        QueryOf(youngEnough).Should().ContainKey("code");
        (await Browser.GetAsync(youngEnough.ToString())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task RequireAcr_signs_in_when_the_id_token_carries_an_acr_value_that_was_asked_for()
    {
        EmulatorOptions.SupportedAcrValues.Add("mfa");
        await StartAppAsync(o => o.RequireAcr = true);

        var callback = await AuthorizeAsync(await ChallengeWithAsync("acr_values=gold%20mfa"));
        var response = await Browser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
    }

    [Theory]
    [InlineData(null, "is missing")]
    [InlineData("\"low\"", "is 'low'")]
    public async Task RequireAcr_refuses_an_id_token_without_an_acr_that_was_asked_for(string? acr, string expected)
    {
        EmulatorOptions.SupportedAcrValues.Add("mfa");
        await StartAppAsync(o => o.RequireAcr = true);

        var callback = await AuthorizeAsync(await ChallengeWithAsync("acr_values=mfa"));
        Emulator.Next.IdTokenMember("acr", acr);
        var response = await Browser.GetAsync(callback.ToString());

        var failure = await ExpectFailureAsync(response, "CIDAAS3022");
        failure.Message.Should().Contain(expected);
    }

    [Fact]
    public async Task Without_RequireAcr_acr_values_are_a_request_and_an_id_token_without_acr_signs_in()
    {
        await StartAppAsync();

        var callback = await AuthorizeAsync(await ChallengeWithAsync("acr_values=mfa"));
        var response = await Browser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task View_type_register_signs_a_new_user_up_at_the_emulator_and_in_at_the_app()
    {
        await StartAppAsync();

        var page = await Browser.GetAsync((await ChallengeWithAsync("view_type=register&login_hint=grace%40example.com&ui_locales=de-DE")).ToString());
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        html.Should().Contain("id=\"register-form\"").And.Contain("value=\"grace@example.com\"").And.Contain("<html lang=\"de-DE\">");

        var callback = await RegisterAsync(html, "Grace", "Hopper", "grace@example.com", Password);
        var signedIn = await Browser.FollowAsync(callback.ToString());

        var claims = await signedIn.Content.ReadAsStringAsync();
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK, claims);
        claims.Should().Contain($"{System.Security.Claims.ClaimTypes.Name}|Grace Hopper")
            .And.Contain($"{System.Security.Claims.ClaimTypes.Email}|grace@example.com");
        var user = Emulator.RegisteredUsers.Should().ContainSingle().Subject;
        claims.Should().Contain($"{System.Security.Claims.ClaimTypes.NameIdentifier}|{user.Sub}");
    }

    [Fact]
    public async Task With_pushed_authorization_the_challenge_options_are_pushed_and_cidaas_still_shows_the_registration_page()
    {
        await StartAppAsync(o =>
        {
            o.PushedAuthorizationBehavior = CidaasPushedAuthorizationBehavior.Require;
            o.PushedAuthorizationEndpoint = Emulator.Authority + CidaasDefaults.PushedAuthorizationPath;
        });

        var authorization = await ChallengeWithAsync("view_type=register&max_age=300&ui_locales=de-DE");
        var push = Emulator.Requests.Last(r => r.Path == CidaasDefaults.PushedAuthorizationPath);
        var page = await Browser.GetAsync(authorization.ToString());
        var html = await page.Content.ReadAsStringAsync();
        var callback = await RegisterAsync(html, "Ada", "Lovelace", "ada@example.com", Password);
        var signedIn = await Browser.FollowAsync(callback.ToString());

        QueryOf(authorization).Keys.Should().BeEquivalentTo("client_id", "request_uri");
        push.Form.Should().Contain("view_type", "register").And.Contain("max_age", "300").And.Contain("ui_locales", "de-DE");
        html.Should().Contain("id=\"register-form\"").And.Contain("<html lang=\"de-DE\">");
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK, await signedIn.Content.ReadAsStringAsync());
        (await signedIn.Content.ReadAsStringAsync()).Should().Contain($"{System.Security.Claims.ClaimTypes.Email}|ada@example.com");
    }

    [Fact]
    public async Task A_registered_user_signs_in_later_with_the_chosen_password_and_cannot_register_twice()
    {
        EmulatorOptions.ShowLoginPage = true;
        await StartAppAsync();
        var html = await (await Browser.GetAsync((await ChallengeWithAsync("view_type=register")).ToString())).Content.ReadAsStringAsync();
        await Browser.FollowAsync((await RegisterAsync(html, "Grace", "Hopper", "grace@example.com", Password)).ToString());
        Browser = new TestBrowser().Register(App.BaseAddress, App.CreateHandler()).Register(Emulator.Authority, Emulator.CreateHandler());

        await SignInOnTheLoginPageAsync(await ChallengeWithAsync(""), "GRACE@example.com", Password);
        HasSignInCookie().Should().BeTrue();

        var again = await (await Browser.GetAsync((await ChallengeWithAsync("view_type=register&prompt=login")).ToString())).Content.ReadAsStringAsync();
        var refused = await Browser.SendAsync(HttpMethod.Post, Emulator.Authority + "/users-srv/register", RegistrationForm(again, "Grace", "Hopper", "grace@example.com", Password));
        refused.StatusCode.Should().Be(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("exists already");
        Emulator.RegisteredUsers.Should().ContainSingle();
    }

    [Theory]
    [InlineData("", "Hopper", "grace@example.com", Password, "given name")]
    [InlineData("Grace", "Hopper", "not-an-address", Password, "valid e-mail address")]
    [InlineData("Grace", "Hopper", "grace@example.com", "short", "password of 8")]
    public async Task The_registration_page_refuses_incomplete_entries_and_creates_no_user(string given, string family, string email, string password, string expected)
    {
        await StartAppAsync();
        var html = await (await Browser.GetAsync((await ChallengeWithAsync("view_type=register")).ToString())).Content.ReadAsStringAsync();

        var response = await Browser.SendAsync(HttpMethod.Post, Emulator.Authority + "/users-srv/register", RegistrationForm(html, given, family, email, password));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain(expected).And.Contain("id=\"register-form\"").And.NotContain("value=\"" + password + "\"", "a password is never written back into the page");
        Emulator.RegisteredUsers.Should().BeEmpty();
    }

    [Theory]
    [InlineData("view_type=signup")]
    [InlineData("max_age=-1")]
    [InlineData("max_age=soon")]
    [InlineData("ui_locales=de_DE")]
    [InlineData("prompt=none%20login")]
    [InlineData("login_hint=a%0Ab")]
    public async Task The_emulator_answers_invalid_challenge_values_with_invalid_request(string parameter)
    {
        using var client = Emulator.CreateClient();
        var response = await client.GetAsync(
            "/authz-srv/authz?client_id=demo-client&response_type=code&scope=openid&state=s1&nonce=n"
            + "&redirect_uri=http%3A%2F%2Flocalhost%2Fsignin-cidaas&" + parameter);

        response.StatusCode.Should().Be(HttpStatusCode.Found);
        var query = QueryOf(response.Headers.Location!);
        query["error"].Should().Be("invalid_request");
        query["state"].Should().Be("s1");
    }

    private async Task<Uri> ChallengeWithAsync(string query)
    {
        var response = await Browser.GetAsync(App.BaseAddress + "/challenge?" + query);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!;
    }

    /// <summary>Opens the login page of the authorization URL, signs in, and follows the callback into the app.</summary>
    private async Task SignInOnTheLoginPageAsync(Uri authorizationUrl, string username, string password)
    {
        var page = await Browser.GetAsync(authorizationUrl.ToString());
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.Should().Be(HttpStatusCode.OK, html);
        var login = await Browser.SendAsync(HttpMethod.Post, Emulator.Authority + "/login-srv/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["request_id"] = RequestId(html),
            ["username"] = username,
            ["password"] = password,
            ["action"] = "login",
        }));
        login.StatusCode.Should().Be(HttpStatusCode.Redirect, await login.Content.ReadAsStringAsync());
        var afterCallback = await Browser.GetAsync(login.Headers.Location!.ToString());
        afterCallback.StatusCode.Should().Be(HttpStatusCode.Redirect, await afterCallback.Content.ReadAsStringAsync());
    }

    private async Task<Uri> RegisterAsync(string registrationPage, string given, string family, string email, string password)
    {
        var response = await Browser.SendAsync(HttpMethod.Post, Emulator.Authority + "/users-srv/register", RegistrationForm(registrationPage, given, family, email, password));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.AbsolutePath.Should().Be("/signin-cidaas");
        return response.Headers.Location!;
    }

    private static FormUrlEncodedContent RegistrationForm(string page, string given, string family, string email, string password) => new(new Dictionary<string, string>
    {
        ["request_id"] = RequestId(page),
        ["given_name"] = given,
        ["family_name"] = family,
        ["email"] = email,
        ["password"] = password,
        ["action"] = "register",
    });

    private static string RequestId(string html) => RequestIdPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"request_id\" value=\"([^\"]+)\"")]
    private static partial Regex RequestIdPattern();

    private static string BuildUrl(CidaasOptions options, AuthenticationProperties properties, out AuthenticationProperties state)
    {
        options.ClientId = "client";
        options.AuthorizationEndpoint = "https://cidaas.test/authz-srv/authz";
        var format = new CidaasStateDataFormat(new EphemeralDataProtectionProvider().CreateProtector("test"));
        options.StateDataFormat = format;
        var url = CidaasAuthorizationRequestBuilder.Build(options, properties, "https://app.test/signin-cidaas", DateTimeOffset.UtcNow, NullLogger.Instance);
        state = format.Unprotect(QueryOf(new Uri(url))["state"])!;
        return url;
    }
}
