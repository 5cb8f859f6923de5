using Microsoft.Extensions.Time.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

/// <summary>Every rejected callback: a clean 400 naming the cause, no token request, no sign-in cookie.</summary>
public sealed class CallbackRejectionTests(ITestOutputHelper output) : SignInTestBase(output)
{
    [Fact]
    public async Task Callback_without_state_is_rejected_without_calling_the_token_endpoint()
    {
        await ExpectAlteredCallbackRejectedAsync(callback => CallbackUrl.With(callback, ("state", null)), "CIDAAS1001");
    }

    [Fact]
    public async Task Callback_with_tampered_state_is_rejected_without_calling_the_token_endpoint()
    {
        var callback = await StartAppAndAuthorizeAsync();
        var state = QueryOf(callback)["state"];
        var tampered = state[..10] + (state[10] == 'A' ? 'B' : 'A') + state[11..];

        var response = await Browser.GetAsync(CallbackUrl.With(callback, ("state", tampered)));

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1002");
    }

    [Fact]
    public async Task Callback_with_state_from_another_browser_is_rejected_without_calling_the_token_endpoint()
    {
        var callback = await StartAppAndAuthorizeAsync();
        var otherBrowser = new TestBrowser().Register(TestApp.Origin, App.CreateHandler());

        var response = await otherBrowser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("CIDAAS1004");
        TokenRequests.Should().Be(0);
        otherBrowser.HasCookie(TestApp.Origin, ".AspNetCore.Cookies").Should().BeFalse();
    }

    [Fact]
    public async Task Replayed_callback_is_rejected_without_a_second_token_request()
    {
        var callback = await StartAppAndAuthorizeAsync();
        (await Browser.GetAsync(callback.ToString())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        TokenRequests.Should().Be(1);

        var replay = await Browser.GetAsync(callback.ToString());

        replay.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await replay.Content.ReadAsStringAsync()).Should().Contain("CIDAAS1004");
        TokenRequests.Should().Be(1);
    }

    [Fact]
    public async Task Callback_after_the_state_expired_is_rejected_without_calling_the_token_endpoint()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var callback = await StartAppAndAuthorizeAsync(o => o.TimeProvider = time);

        time.Advance(TimeSpan.FromMinutes(16));
        var response = await Browser.GetAsync(callback.ToString());

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1003");
    }

    [Fact]
    public async Task Access_denied_goes_to_the_access_denied_path_without_calling_the_token_endpoint()
    {
        var callback = await StartAppAndAuthorizeAsync(o => o.AccessDeniedPath = "/forbidden");

        var response = await Browser.GetAsync(CallbackUrl.With(callback, ("code", null), ("error", "access_denied"), ("error_description", "The user cancelled")));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.AbsolutePath.Should().Be("/forbidden");
        TokenRequests.Should().Be(0);
        HasSignInCookie().Should().BeFalse();
    }

    [Fact]
    public async Task Access_denied_without_an_access_denied_path_is_a_clean_failure()
    {
        await ExpectAlteredCallbackRejectedAsync(callback => CallbackUrl.With(callback, ("code", null), ("error", "access_denied")), "CIDAAS1011");
    }

    [Fact]
    public async Task Access_denied_event_sees_the_denial()
    {
        var denied = false;
        await StartAppAsync(o => o.Events.OnAccessDenied = c =>
        {
            denied = true;
            c.Response.Redirect("/public?denied=1");
            c.HandleResponse();
            return Task.CompletedTask;
        });
        var callback = await AuthorizeAsync(await ChallengeAsync());

        var response = await Browser.GetAsync(CallbackUrl.With(callback, ("code", null), ("error", "access_denied")));

        denied.Should().BeTrue();
        response.Headers.Location!.ToString().Should().Be("/public?denied=1");
        TokenRequests.Should().Be(0);
    }

    [Theory]
    [InlineData("server_error")]
    [InlineData("temporarily_unavailable")]
    [InlineData("invalid_scope")]
    [InlineData("login_required")]
    public async Task Other_authorization_errors_fail_with_the_error_in_the_failure_data(string error)
    {
        var callback = await StartAppAndAuthorizeAsync();

        var response = await Browser.GetAsync(CallbackUrl.With(callback, ("code", null), ("error", error), ("error_description", "<script>alert(1)</script>"), ("error_uri", "https://cidaas.test/help")));

        var failure = await ExpectFailureAsync(response, "CIDAAS1012");
        failure.Data["error"].Should().Be(error);
        failure.Data["error_description"].Should().Be("<script>alert(1)</script>");
        failure.Data["error_uri"].Should().Be("https://cidaas.test/help");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain", "an error description is never rendered as HTML");
        TokenRequests.Should().Be(0);
    }

    [Fact]
    public async Task Callback_without_code_is_rejected_without_calling_the_token_endpoint()
    {
        await ExpectAlteredCallbackRejectedAsync(callback => CallbackUrl.With(callback, ("code", null)), "CIDAAS1005");
    }

    [Theory]
    [InlineData("state")]
    [InlineData("code")]
    [InlineData("iss")]
    public async Task Callback_with_a_duplicated_parameter_is_rejected(string parameter)
    {
        SendAuthorizationResponseIssuer(EmulatorOptions);
        var callback = await StartAppAndAuthorizeAsync();
        var value = QueryOf(callback)[parameter];

        var response = await Browser.GetAsync(callback + "&" + parameter + "=" + Uri.EscapeDataString(value));

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1008");
    }

    [Fact]
    public async Task Callback_by_post_is_rejected()
    {
        var callback = await StartAppAndAuthorizeAsync();

        var response = await Browser.SendAsync(HttpMethod.Post, callback.ToString(), new FormUrlEncodedContent([]));

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1009");
    }

    [Fact]
    public async Task Callback_state_of_another_scheme_is_rejected()
    {
        await StartAppAsync(configureAuthentication: AddSecondScheme);
        var callback = await AuthorizeAsync(await ChallengeAsync());

        var response = await Browser.GetAsync(TestApp.Origin + "/signin-cidaas-b" + callback.Query);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("CIDAAS1002");
        TokenRequests.Should().Be(0);
        HasSignInCookie().Should().BeFalse();
    }
}
