namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

/// <summary>
/// The emulator answers the back channel badly on purpose: every case is a remote failure with the cause (and the
/// OAuth error, when there was one) in the failure, a clean 400 page, no cookie, and no retry of the code exchange.
/// </summary>
public sealed class BackchannelFailureTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private Task<HttpResponseMessage> CallbackWithFaultAsync(string path, CidaasEmulatorFault fault)
        => CallbackAfterAsync(next => next.Fault(path, fault));

    [Fact]
    public async Task Token_endpoint_invalid_grant_puts_the_OAuth_error_in_the_failure()
    {
        await StartAppAsync();

        var response = await CallbackWithFaultAsync(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(
            400, """{"error":"invalid_grant","error_description":"The code has expired."}""", "application/json"));

        var failure = await ExpectFailureAsync(response, "CIDAAS2001");
        failure.Data["error"].Should().Be("invalid_grant");
        failure.Data["error_description"].Should().Be("The code has expired.");
        failure.StatusCode.Should().Be(400);
        TokenRequests.Should().Be(1);
        UserInfoRequests.Should().Be(0);
    }

    [Fact]
    public async Task Redeeming_a_code_twice_is_refused_by_the_emulator_and_fails_cleanly()
    {
        // Burn the code first, as an attacker who stole it would.
        await StartAppAsync(o => o.Events.OnAuthorizationCodeReceived = RedeemCodeWithoutVerifierAsync);
        var callback = await AuthorizeAsync(await ChallengeAsync());

        var failure = await ExpectFailureAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS2001");

        failure.Data["error"].Should().Be("invalid_grant");
    }

    [Fact]
    public async Task Token_endpoint_500_is_a_failure_and_the_exchange_is_not_retried()
    {
        await StartAppAsync();

        var response = await CallbackWithFaultAsync(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(500, "boom"));

        var failure = await ExpectFailureAsync(response, "CIDAAS2002");
        failure.StatusCode.Should().Be(500);
        TokenRequests.Should().Be(1, "a code is single use: the exchange is never retried");
    }

    [Fact]
    public async Task Token_endpoint_502_with_html_is_a_failure()
    {
        await StartAppAsync();

        var response = await CallbackWithFaultAsync(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(502, "<html><body>Bad gateway</body></html>", "text/html"));

        (await ExpectFailureAsync(response, "CIDAAS2002")).StatusCode.Should().Be(502);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("""["access_token"]""")]
    [InlineData("""{"access_token":""")]
    [InlineData("")]
    public async Task Token_endpoint_body_that_is_not_a_json_object_is_a_failure(string body)
    {
        await StartAppAsync();

        var response = await CallbackWithFaultAsync(CidaasDefaults.TokenPath, CidaasEmulatorFault.Body(body));

        await ExpectFailureAsync(response, "CIDAAS2003");
        UserInfoRequests.Should().Be(0);
    }

    [Fact]
    public async Task Token_endpoint_200_with_an_error_member_is_a_failure()
    {
        await StartAppAsync();

        var response = await CallbackWithFaultAsync(CidaasDefaults.TokenPath, CidaasEmulatorFault.Body("""{"error":"server_error"}"""));

        (await ExpectFailureAsync(response, "CIDAAS2001")).Data["error"].Should().Be("server_error");
    }

    [Fact]
    public async Task Token_response_without_access_token_is_a_failure()
    {
        await StartAppAsync();

        await ExpectFailureAsync(await CallbackAfterAsync(next => next.TokenResponse(CidaasTokenResponseDefect.MissingAccessToken)), "CIDAAS2004");
        UserInfoRequests.Should().Be(0);
    }

    [Fact]
    public async Task Token_response_of_another_type_than_bearer_is_a_failure()
    {
        await StartAppAsync();

        await ExpectFailureAsync(await CallbackAfterAsync(next => next.TokenResponse(CidaasTokenResponseDefect.WrongTokenType)), "CIDAAS2005");
    }

    [Fact]
    public async Task Token_response_without_expires_in_still_signs_in()
    {
        await StartAppAsync();

        (await CallbackAfterAsync(next => next.TokenResponse(CidaasTokenResponseDefect.MissingExpiresIn))).StatusCode.Should().Be(HttpStatusCode.Redirect);
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Token_endpoint_slower_than_the_backchannel_timeout_is_a_failure()
    {
        await StartAppAsync(o => o.BackchannelTimeout = TimeSpan.FromSeconds(2));

        var response = await CallbackWithFaultAsync(CidaasDefaults.TokenPath, CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(5)));

        await ExpectFailureAsync(response, "CIDAAS2006");
        TokenRequests.Should().Be(1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Token_endpoint_answer_larger_than_the_cap_is_a_failure(bool chunked)
    {
        await StartAppAsync(o => o.MaxBackchannelResponseSize = 64 * 1024);

        var response = await CallbackWithFaultAsync(CidaasDefaults.TokenPath, CidaasEmulatorFault.Oversized(256 * 1024, chunked));

        await ExpectFailureAsync(response, "CIDAAS2008");
    }

    [Fact]
    public async Task Token_endpoint_dropping_the_connection_is_a_failure()
    {
        await StartAppAsync();

        var response = await CallbackWithFaultAsync(CidaasDefaults.TokenPath, CidaasEmulatorFault.DropConnection());

        await ExpectFailureAsync(response, "CIDAAS2007");
    }

    [Theory]
    [InlineData(401)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Userinfo_error_status_is_a_failure(int status)
    {
        await StartAppAsync();

        var response = await CallbackWithFaultAsync(CidaasDefaults.UserInformationPath, CidaasEmulatorFault.Status(status, "nope"));

        (await ExpectFailureAsync(response, "CIDAAS2009")).StatusCode.Should().Be(status);
    }

    [Fact]
    public async Task Userinfo_that_is_not_json_is_a_failure()
    {
        await StartAppAsync();

        var response = await CallbackWithFaultAsync(CidaasDefaults.UserInformationPath, CidaasEmulatorFault.Body("<html/>", "text/html"));

        await ExpectFailureAsync(response, "CIDAAS2010");
    }

    [Fact]
    public async Task Userinfo_slower_than_the_backchannel_timeout_is_a_failure()
    {
        await StartAppAsync(o => o.BackchannelTimeout = TimeSpan.FromSeconds(2));

        var response = await CallbackWithFaultAsync(CidaasDefaults.UserInformationPath, CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(5)));

        await ExpectFailureAsync(response, "CIDAAS2006");
    }

    [Fact]
    public async Task Discovery_down_at_the_first_sign_in_is_a_clear_failure()
    {
        await StartAppAsync();

        // IdentityModel's document retriever tries a 503 once more by itself, so "down" is two answers long.
        Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));
        var response = await CallbackWithFaultAsync(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS3003");
    }

    [Fact]
    public async Task The_next_sign_in_works_after_a_failure()
    {
        await StartAppAsync();
        await CallbackWithFaultAsync(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(500, "boom"));

        var page = await SignInAsync();

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        HasSignInCookie().Should().BeTrue();
    }
}
