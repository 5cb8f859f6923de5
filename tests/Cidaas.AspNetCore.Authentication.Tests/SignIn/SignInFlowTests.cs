using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

public sealed class SignInFlowTests(ITestOutputHelper output) : SignInTestBase(output)
{
    [Fact]
    public async Task Challenge_redirects_to_the_authorization_endpoint_with_every_parameter()
    {
        await StartAppAsync();

        var location = await ChallengeAsync();
        var query = QueryOf(location);

        query.Should().ContainKey("response_type").WhoseValue.Should().Be("code");
        query.Should().ContainKey("client_id").WhoseValue.Should().Be(TestClients.ClientId);
        query.Should().ContainKey("redirect_uri").WhoseValue.Should().Be("https://app.test/signin-cidaas");
        query.Should().ContainKey("scope").WhoseValue.Split(' ').Should().BeEquivalentTo("openid", "profile", "email");
        query.Should().ContainKey("state").WhoseValue.Should().NotBeNullOrEmpty();
        query.Should().ContainKey("code_challenge").WhoseValue.Should().MatchRegex("^[A-Za-z0-9_-]{43}$");
        query.Should().ContainKey("code_challenge_method").WhoseValue.Should().Be("S256");
        query.Should().ContainKey("nonce").WhoseValue.Should().MatchRegex("^[A-Za-z0-9_-]{43}$");
        query.Keys.Should().BeEquivalentTo("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "nonce");
        Browser.HasCookie(TestApp.Origin, ".AspNetCore.Correlation.").Should().BeTrue();
        Emulator.Requests.Should().BeEmpty("the challenge needs no discovery when the endpoints are known");
    }

    [Fact]
    public async Task Challenge_adds_additional_and_per_challenge_parameters_but_never_replaces_protocol_ones()
    {
        await StartAppAsync(o =>
        {
            o.AdditionalAuthorizationParameters["view_type"] = "login";
            o.AdditionalAuthorizationParameters["ui_locales"] = "de";
        });
        var browserResponse = await Browser.GetAsync(TestApp.Origin + "/login?returnUrl=/protected");
        browserResponse.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var defaults = QueryOf(browserResponse.Headers.Location!);
        defaults["view_type"].Should().Be("login");
        defaults["ui_locales"].Should().Be("de");

        var properties = new Microsoft.AspNetCore.Authentication.AuthenticationProperties();
        properties.SetParameter("prompt", "login");
        properties.SetParameter("login_hint", "bob");
        properties.SetParameter("ui_locales", "fr");
        properties.SetParameter("acr_values", "2fa");
        properties.SetParameter("client_id", "evil");
        properties.SetParameter("redirect_uri", "https://evil.example/cb");
        properties.SetParameter("scope", new[] { "openid", "roles" });
        var url = await ChallengeThroughHandlerAsync(properties);
        var query = QueryOf(url);
        query["prompt"].Should().Be("login");
        query["login_hint"].Should().Be("bob");
        query["ui_locales"].Should().Be("fr", "a per-challenge value wins over the options");
        query["acr_values"].Should().Be("2fa");
        query["client_id"].Should().Be(TestClients.ClientId);
        query["redirect_uri"].Should().Be("https://app.test/signin-cidaas");
        query["scope"].Should().Be("openid roles");
    }

    [Fact]
    public async Task Full_sign_in_lands_on_the_protected_page_signed_in()
    {
        await StartAppAsync();

        var page = await SignInAsync("/protected?x=1");

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.RequestMessage!.RequestUri!.PathAndQuery.Should().Be("/protected?x=1");
        HasSignInCookie().Should().BeTrue();
        Browser.HasCookie(TestApp.Origin, ".AspNetCore.Correlation.").Should().BeFalse("the correlation cookie is single use");
        TokenRequests.Should().Be(1);
        UserInfoRequests.Should().Be(1);
        App.Failures.Should().BeEmpty();
    }

    public static TheoryData<string, string> AliceClaims => new()
    {
        { ClaimTypes.NameIdentifier, "SUB" },
        { "sub", "SUB" },
        { ClaimTypes.Name, "Alice Anderson" },
        { ClaimTypes.GivenName, "Alice" },
        { ClaimTypes.Surname, "Anderson" },
        { ClaimTypes.Email, "alice@example.com" },
        { CidaasClaimTypes.EmailVerified, "true" },
        { ClaimTypes.MobilePhone, "+4915112345678" },
        { ClaimTypes.Role, "admin" },
        { ClaimTypes.Role, "user" },
        { CidaasClaimTypes.Group, "engineering" },
        { CidaasClaimTypes.GroupRole, "engineering:lead" },
        { CidaasClaimTypes.GroupRole, "engineering:member" },
        { CidaasClaimTypes.CustomFieldPrefix + "department", "Engineering" },
    };

    [Theory]
    [MemberData(nameof(AliceClaims))]
    public async Task Signed_in_user_has_the_claim(string type, string value)
    {
        await StartAppAsync(o => o.Scope.Add("phone"));
        var alice = EmulatorOptions.Users.Single(u => u.Username == "alice");
        if (value == "SUB")
        {
            value = alice.Sub;
        }

        var page = await SignInAsync();
        var claims = (await page.Content.ReadAsStringAsync()).Split('\n');

        claims.Should().Contain(type + "|" + value);
    }

    [Fact]
    public async Task Token_request_carries_the_verifier_whose_S256_hash_is_the_challenge()
    {
        await StartAppAsync();

        var authorization = await ChallengeAsync();
        var challenge = QueryOf(authorization)["code_challenge"];
        await Browser.GetAsync((await AuthorizeAsync(authorization)).ToString());

        var tokenRequest = Emulator.Requests.Single(r => r.Path == CidaasDefaults.TokenPath);
        tokenRequest.Form.Should().ContainKey("code_verifier");
        var verifier = tokenRequest.Form["code_verifier"];
        verifier.Should().MatchRegex("^[A-Za-z0-9_~.-]{43,128}$");
        Pkce.S256Challenge(verifier).Should().Be(challenge);
        tokenRequest.Form["grant_type"].Should().Be("authorization_code");
        tokenRequest.Form["redirect_uri"].Should().Be("https://app.test/signin-cidaas");
        tokenRequest.Form["client_id"].Should().Be(TestClients.ClientId);
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Without_PKCE_neither_challenge_nor_verifier_is_sent()
    {
        await StartAppAsync(o => o.UsePkce = false);

        var authorization = await ChallengeAsync();
        QueryOf(authorization).Keys.Should().NotContain(["code_challenge", "code_challenge_method"]);
        await Browser.GetAsync((await AuthorizeAsync(authorization)).ToString());

        Emulator.Requests.Single(r => r.Path == CidaasDefaults.TokenPath).Form.Keys.Should().NotContain("code_verifier");
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Client_secret_post_sends_the_secret_in_the_form_only()
    {
        await StartAppAsync(o => o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretPost);

        await SignInAsync();

        var tokenRequest = Emulator.Requests.Single(r => r.Path == CidaasDefaults.TokenPath);
        tokenRequest.Form["client_secret"].Should().Be(TestClients.ClientSecret);
        tokenRequest.Headers.Keys.Should().NotContain("Authorization");
        HasSignInCookie().Should().BeTrue();
        Browser.Hops.Should().NotContain(h => h.Headers.Location != null && h.Headers.Location.ToString().Contains(Uri.EscapeDataString(TestClients.ClientSecret), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_secret_basic_form_url_encodes_id_and_secret_before_base64()
    {
        await StartAppAsync(o => o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretBasic);

        await SignInAsync();

        var tokenRequest = Emulator.Requests.Single(r => r.Path == CidaasDefaults.TokenPath);
        tokenRequest.Form.Keys.Should().NotContain("client_secret");
        var header = AuthenticationHeaderValue.Parse(tokenRequest.Headers["Authorization"]);
        header.Scheme.Should().Be("Basic");
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter!));
        var separator = decoded.IndexOf(':', StringComparison.Ordinal);
        WebUtility.UrlDecode(decoded[..separator]).Should().Be(TestClients.ClientId);
        WebUtility.UrlDecode(decoded[(separator + 1)..]).Should().Be(TestClients.ClientSecret);
        decoded[(separator + 1)..].Should().NotContain(":", "a ':' inside the secret is percent-encoded");
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Saved_tokens_are_available_to_the_app()
    {
        await StartAppAsync();
        await SignInAsync();

        var tokens = await (await Browser.GetAsync(TestApp.Origin + "/tokens")).Content.ReadAsStringAsync();

        tokens.Split('\n').Should().Contain(["access_token", "id_token", "token_type", "expires_at"]);
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example/steal")]
    [InlineData("javascript:alert(1)")]
    public async Task A_non_local_return_url_falls_back_to_the_site_root(string returnUrl)
    {
        await StartAppAsync();

        var response = await Browser.GetAsync(TestApp.Origin + "/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var callback = await AuthorizeAsync(response.Headers.Location!);
        var afterCallback = await Browser.GetAsync(callback.ToString());

        afterCallback.StatusCode.Should().Be(HttpStatusCode.Redirect);
        afterCallback.Headers.Location!.ToString().Should().Be("/");
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Events_see_each_step_in_order()
    {
        var steps = new List<string>();
        await StartAppAsync(o =>
        {
            o.Events.OnRedirectToAuthorizationEndpoint = c => { steps.Add("redirect"); c.Response.Redirect(c.RedirectUri); return Task.CompletedTask; };
            o.Events.OnAuthorizationCodeReceived = _ => { steps.Add("code"); return Task.CompletedTask; };
            o.Events.OnTokenResponseReceived = _ => { steps.Add("tokens"); return Task.CompletedTask; };
            o.Events.OnTokenValidated = _ => { steps.Add("validated"); return Task.CompletedTask; };
            o.Events.OnUserInformationReceived = _ => { steps.Add("userinfo"); return Task.CompletedTask; };
            o.Events.OnCreatingTicket = c => { steps.Add("ticket"); c.Identity!.AddClaim(new Claim("added", "yes")); return Task.CompletedTask; };
            o.Events.OnTicketReceived = _ => { steps.Add("received"); return Task.CompletedTask; };
        });

        var page = await SignInAsync();

        steps.Should().Equal("redirect", "code", "tokens", "validated", "userinfo", "ticket", "received");
        (await page.Content.ReadAsStringAsync()).Should().Contain("added|yes");
    }

    [Fact]
    public async Task An_event_can_fail_the_sign_in_cleanly()
    {
        await StartAppAsync(o => o.Events.OnCreatingTicket = c =>
        {
            c.Fail("This user is not allowed here.");
            return Task.CompletedTask;
        });

        var callback = await AuthorizeAsync(await ChallengeAsync());
        var response = await Browser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        HasSignInCookie().Should().BeFalse();
        App.Failures.Should().ContainSingle().Which.Message.Should().Be("This user is not allowed here.");
    }

    [Fact]
    public async Task Remote_failure_handler_can_take_over_the_response()
    {
        await StartAppAsync(o => o.Events.OnRemoteFailure = c =>
        {
            c.Response.Redirect("/public?failed=1");
            c.HandleResponse();
            return Task.CompletedTask;
        });

        var response = await Browser.GetAsync(TestApp.Origin + "/signin-cidaas?code=abc");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/public?failed=1");
        TokenRequests.Should().Be(0);
    }

    private async Task<Uri> ChallengeThroughHandlerAsync(Microsoft.AspNetCore.Authentication.AuthenticationProperties properties)
    {
        using var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(App.Services);
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Scheme = "https";
        http.Request.Host = new Microsoft.AspNetCore.Http.HostString("app.test");
        http.Request.Path = "/any";
        await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.ChallengeAsync(http, CidaasDefaults.AuthenticationScheme, properties);
        return new Uri(http.Response.Headers.Location.ToString());
    }
}
