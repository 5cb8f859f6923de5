using Microsoft.AspNetCore.Authentication;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

public sealed class SignOutTests(ITestOutputHelper output) : SignInTestBase(output)
{
    [Fact]
    public async Task Sign_out_round_trip_with_id_token_hint_ends_on_the_local_return_url()
    {
        await StartAppAsync();
        await SignInAsync();
        HasSignInCookie().Should().BeTrue();

        var signOut = await Browser.GetAsync(TestApp.Origin + "/signout?returnUrl=/public");
        signOut.StatusCode.Should().Be(HttpStatusCode.Redirect);
        HasSignInCookie().Should().BeFalse("the local cookie is signed out too");
        var endSession = signOut.Headers.Location!;
        endSession.GetLeftPart(UriPartial.Path).Should().Be(Emulator.Authority + CidaasDefaults.EndSessionPath);
        var query = QueryOf(endSession);
        query.Should().ContainKey("id_token_hint");
        query["post_logout_redirect_uri"].Should().Be("https://app.test/signout-callback-cidaas");
        query.Should().ContainKey("state");

        var back = await Browser.GetAsync(endSession.ToString());
        back.StatusCode.Should().Be(HttpStatusCode.Redirect, await back.Content.ReadAsStringAsync());
        back.Headers.Location!.GetLeftPart(UriPartial.Path).Should().Be("https://app.test/signout-callback-cidaas");
        QueryOf(back.Headers.Location!)["state"].Should().Be(query["state"]);

        var final = await Browser.GetAsync(back.Headers.Location!.ToString());
        final.StatusCode.Should().Be(HttpStatusCode.Redirect);
        final.Headers.Location!.ToString().Should().Be("/public");
        (await Browser.GetAsync(TestApp.Origin + "/protected")).StatusCode.Should().Be(HttpStatusCode.Redirect, "the user must sign in again");
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example")]
    public async Task Sign_out_ignores_a_foreign_return_url(string returnUrl)
    {
        await StartAppAsync();
        await SignInAsync();

        var signOut = await Browser.GetAsync(TestApp.Origin + "/signout?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var back = await Browser.GetAsync(signOut.Headers.Location!.ToString());
        var final = await Browser.GetAsync(back.Headers.Location!.ToString());

        final.Headers.Location!.ToString().Should().Be("/");
    }

    [Fact]
    public async Task Signed_out_callback_with_tampered_state_goes_to_the_default_page()
    {
        await StartAppAsync();

        var response = await Browser.GetAsync(TestApp.Origin + "/signout-callback-cidaas?state=tampered");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/");
    }

    [Fact]
    public async Task Signed_out_callback_refuses_a_sign_in_state()
    {
        await StartAppAsync();
        var authorization = await ChallengeAsync("/login?returnUrl=/public");
        var state = QueryOf(authorization)["state"];

        var response = await Browser.GetAsync(TestApp.Origin + "/signout-callback-cidaas?state=" + Uri.EscapeDataString(state));

        response.Headers.Location!.ToString().Should().Be("/", "a sign-in state does not steer the signed-out redirect");
    }

    [Fact]
    public async Task Sign_out_without_id_token_falls_back_to_the_access_token_hint()
    {
        await StartAppAsync(o => o.Events.OnCreatingTicket = c =>
        {
            var tokens = c.Properties.GetTokens().Where(t => t.Name != "id_token").ToList();
            c.Properties.StoreTokens(tokens);
            return Task.CompletedTask;
        });
        await SignInAsync();

        var signOut = await Browser.GetAsync(TestApp.Origin + "/signout");

        var query = QueryOf(signOut.Headers.Location!);
        query.Should().NotContainKey("id_token_hint");
        query.Should().ContainKey("access_token_hint");
    }

    [Fact]
    public async Task Sign_out_events_can_change_the_redirects()
    {
        var seenValidState = false;
        await StartAppAsync(o =>
        {
            o.Events.OnRedirectToIdentityProviderForSignOut = c =>
            {
                c.Response.Redirect(c.RedirectUri + "&ui_locales=de");
                return Task.CompletedTask;
            };
            o.Events.OnSignedOutCallbackRedirect = c =>
            {
                seenValidState = c.StateIsValid;
                c.RedirectUri = "/public?bye=1";
                return Task.CompletedTask;
            };
        });
        await SignInAsync();

        var signOut = await Browser.GetAsync(TestApp.Origin + "/signout");
        QueryOf(signOut.Headers.Location!)["ui_locales"].Should().Be("de");
        var back = await Browser.GetAsync(signOut.Headers.Location!.ToString());
        var final = await Browser.GetAsync(back.Headers.Location!.ToString());

        seenValidState.Should().BeTrue();
        final.Headers.Location!.ToString().Should().Be("/public?bye=1");
    }

    [Fact]
    public async Task Sign_out_without_SaveTokens_keeps_only_the_id_token_for_the_hint_and_comes_back_to_the_app()
    {
        // cidaas ignores post_logout_redirect_uri without a token hint ("Logout Endpoint (End-Session)" page).
        await StartAppAsync(o => o.SaveTokens = false);
        await SignInAsync();
        (await (await Browser.GetAsync(TestApp.Origin + "/tokens")).Content.ReadAsStringAsync()).Should().BeEmpty("no token is saved");

        var signOut = await Browser.GetAsync(TestApp.Origin + "/signout?returnUrl=/public");
        var query = QueryOf(signOut.Headers.Location!);
        query.Should().ContainKey("id_token_hint").And.NotContainKey("access_token_hint");
        App.SeenSecrets.Should().Contain(query["id_token_hint"], "the hint is the id_token of the sign-in");

        var back = await Browser.GetAsync(signOut.Headers.Location!.ToString());
        back.StatusCode.Should().Be(HttpStatusCode.Redirect, await back.Content.ReadAsStringAsync());
        var final = await Browser.GetAsync(back.Headers.Location!.ToString());
        final.Headers.Location!.ToString().Should().Be("/public");
    }

    [Fact]
    public async Task Sign_out_ends_the_cidaas_session_so_its_access_token_is_no_longer_active()
    {
        string? accessToken = null;
        await StartAppAsync(o => o.Events.OnTokenValidated = c =>
        {
            accessToken = c.TokenResponse.AccessToken;
            return Task.CompletedTask;
        });
        await SignInAsync();

        var signOut = await Browser.GetAsync(TestApp.Origin + "/signout");
        await Browser.GetAsync(signOut.Headers.Location!.ToString());

        using var client = Emulator.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, CidaasDefaults.IntrospectionPath.TrimStart('/'))
        {
            Content = new StringContent(new System.Text.Json.Nodes.JsonObject { ["token"] = accessToken }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, "the token of the ended session no longer authenticates anything");
    }
}
