using Microsoft.Extensions.DependencyInjection;


namespace Cidaas.AspNetCore.Authentication.Tests.Tokens;

/// <summary>
/// <c>HttpContext.GetCidaasUserAccessTokenAsync</c>: the saved access token while it is good, renewed with the refresh
/// token when it is due, written back to the cookie; a refusal ends the session, a failure to reach cidaas does not.
/// </summary>
public sealed class UserAccessTokenTests(ITestOutputHelper output) : TokensTestBase(output)
{
    [Fact]
    public async Task Valid_token_is_returned_without_calling_the_token_endpoint()
    {
        await SignInWithTokensAsync();
        var tokenRequests = TokenRequests;

        var answer = await GetTokenAsync();

        answer.Succeeded.Should().BeTrue(answer.Error);
        answer.ExpiresAt.Should().BeCloseTo(Clock.GetUtcNow() + TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        TokenRequests.Should().Be(tokenRequests);
    }

    [Fact]
    public async Task Short_token_lifetime_triggers_a_refresh_whose_tokens_are_written_back_to_the_cookie()
    {
        await SignInWithTokensAsync();
        var before = await GetTokenAsync();

        Clock.Advance(TimeSpan.FromMinutes(9.5));
        var renewed = await GetTokenAsync();
        var again = await GetTokenAsync();

        renewed.Succeeded.Should().BeTrue(renewed.Error);
        renewed.Fingerprint.Should().NotBe(before.Fingerprint);
        renewed.ExpiresAt.Should().BeCloseTo(Clock.GetUtcNow() + TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1));
        again.Should().Be(renewed, "the cookie carries the renewed token");
        RefreshRequests.Should().Be(1);
        var refresh = Emulator.Requests.Single(r => r.Form.GetValueOrDefault("grant_type") == "refresh_token");
        refresh.Form.Should().ContainKey("client_secret", "the refresh authenticates the client as the code exchange does (client_secret_post)");
        var saved = await (await Browser.GetAsync(App.BaseAddress + "/tokens")).Content.ReadAsStringAsync();
        saved.Should().Contain("refresh_token").And.Contain("id_token");
    }

    [Fact]
    public async Task Refresh_with_client_secret_basic_authenticates_like_the_code_exchange()
    {
        await SignInWithTokensAsync(o => o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretBasic);

        Clock.Advance(TimeSpan.FromMinutes(9.5));
        (await GetTokenAsync()).Succeeded.Should().BeTrue();

        var refresh = Emulator.Requests.Single(r => r.Form.GetValueOrDefault("grant_type") == "refresh_token");
        refresh.Headers["Authorization"].Should().StartWith("Basic ");
        refresh.Form.Should().NotContainKey("client_secret");
    }

    [Fact]
    public async Task Rotated_refresh_token_is_never_used_again()
    {
        await SignInWithTokensAsync();
        var first = SignInRefreshToken;

        Clock.Advance(TimeSpan.FromMinutes(9.5));
        (await GetTokenAsync()).Succeeded.Should().BeTrue();
        Clock.Advance(TimeSpan.FromMinutes(9.5));
        var second = await GetTokenAsync();

        second.Succeeded.Should().BeTrue(second.Error);
        RefreshRequests.Should().Be(2);
        var sent = Emulator.Requests.Where(r => r.Form.GetValueOrDefault("grant_type") == "refresh_token").Select(r => r.Form["refresh_token"]).ToList();
        sent[0].Should().Be(first);
        sent[1].Should().NotBe(first, "the rotated token replaced the first one in the session");
    }

    [Fact]
    public async Task Refresh_without_a_new_refresh_token_keeps_the_old_one()
    {
        TestClient.RotateRefreshTokens = false;
        await SignInWithTokensAsync();
        var first = SignInRefreshToken;

        Clock.Advance(TimeSpan.FromMinutes(9.5));
        (await GetTokenAsync()).Succeeded.Should().BeTrue();
        Clock.Advance(TimeSpan.FromMinutes(9.5));
        var second = await GetTokenAsync();

        second.Succeeded.Should().BeTrue(second.Error);
        Emulator.Requests.Where(r => r.Form.GetValueOrDefault("grant_type") == "refresh_token").Select(r => r.Form["refresh_token"])
            .Should().Equal(first, first);
    }

    [Fact]
    public async Task Reuse_detection_ends_the_session_cleanly()
    {
        await SignInWithTokensAsync();

        // Someone else redeems the session's refresh token first: cidaas rotates it, so the app's copy is a reuse.
        using (var attacker = Emulator.CreateClient())
        {
            using var stolen = await attacker.PostAsync(CidaasDefaults.TokenPath, new FormUrlEncodedContent([
                KeyValuePair.Create("grant_type", "refresh_token"), KeyValuePair.Create("refresh_token", SignInRefreshToken),
                KeyValuePair.Create("client_id", TestClients.ClientId), KeyValuePair.Create("client_secret", TestClients.ClientSecret)]));
            stolen.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        Clock.Advance(TimeSpan.FromMinutes(9.5));
        var answer = await GetTokenAsync();

        answer.Succeeded.Should().BeFalse();
        answer.Error.Should().StartWith("CIDAAS7004");
        HasSignInCookie().Should().BeFalse("the local session is ended");
        var page = await Browser.GetAsync(App.BaseAddress + "/protected");
        page.StatusCode.Should().Be(HttpStatusCode.Redirect, "the next protected request challenges again");
        page.Headers.Location!.GetLeftPart(UriPartial.Path).Should().Be(Emulator.Authority + CidaasDefaults.AuthorizationPath);
    }

    [Fact]
    public async Task Revoked_refresh_token_ends_the_session_when_the_token_is_due()
    {
        await SignInWithTokensAsync();
        Emulator.RevokeToken(SignInRefreshToken);

        Clock.Advance(TimeSpan.FromMinutes(9.5));
        var answer = await GetTokenAsync();

        answer.Error.Should().StartWith("CIDAAS7004");
        HasSignInCookie().Should().BeFalse();
    }

    [Fact]
    public async Task Token_endpoint_failure_keeps_the_session_and_the_still_valid_token()
    {
        await SignInWithTokensAsync();
        var before = await GetTokenAsync();

        Clock.Advance(TimeSpan.FromMinutes(9.5));
        Emulator.Next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(503));
        var duringOutage = await GetTokenAsync();
        var afterOutage = await GetTokenAsync();

        duringOutage.Should().Be(before, "the token has not expired yet, so it is still good to use");
        afterOutage.Succeeded.Should().BeTrue();
        afterOutage.Fingerprint.Should().NotBe(before.Fingerprint, "the next call tries again");
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Token_endpoint_failure_after_expiry_is_an_error_but_the_session_stays()
    {
        await SignInWithTokensAsync();

        Clock.Advance(TimeSpan.FromMinutes(11));
        Emulator.Next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(502, "{\"error\":\"server_error\"}", "application/json"));
        var answer = await GetTokenAsync();

        answer.Succeeded.Should().BeFalse();
        answer.Error.Should().StartWith("CIDAAS7005");
        HasSignInCookie().Should().BeTrue();
        (await Browser.GetAsync(App.BaseAddress + "/protected")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await GetTokenAsync()).Succeeded.Should().BeTrue("the next call renews");
    }

    [Fact]
    public async Task Forced_refresh_renews_a_valid_token()
    {
        await SignInWithTokensAsync();
        var before = await GetTokenAsync();

        var forced = await GetTokenAsync("?force=true");

        forced.Succeeded.Should().BeTrue(forced.Error);
        forced.Fingerprint.Should().NotBe(before.Fingerprint);
        RefreshRequests.Should().Be(1);
    }

    [Fact]
    public async Task Finished_refreshes_are_kept_for_the_grace_period_and_then_dropped()
    {
        await SignInWithTokensAsync();
        var coordinator = App.Services.GetRequiredService<Cidaas.AspNetCore.Authentication.Tokens.CidaasRefreshCoordinator>();

        for (var i = 0; i < 150; i++)
        {
            (await GetTokenAsync("?force=true")).Succeeded.Should().BeTrue();
        }

        var withinGrace = coordinator.FlightCount;
        Clock.Advance(Cidaas.AspNetCore.Authentication.Tokens.CidaasRefreshCoordinator.Grace + TimeSpan.FromSeconds(1));
        for (var i = 0; i < 150; i++)
        {
            (await GetTokenAsync("?force=true")).Succeeded.Should().BeTrue();
        }

        withinGrace.Should().Be(150, "each finished refresh serves late requests with the old token for a minute");
        coordinator.FlightCount.Should().Be(150, "the refreshes older than the grace period were dropped");
        RefreshRequests.Should().Be(300);
    }

    [Fact]
    public async Task Refresh_whose_id_token_repeats_the_nonce_of_the_sign_in_is_accepted()
    {
        // OpenID Connect Core §12.2 asks the provider to leave the nonce out of a refreshed id_token; some copy the
        // sign-in's nonce instead. That token answers no authorization request: the refresh must not fail over it.
        await SignInWithTokensAsync();
        var authorize = Emulator.Requests.Last(r => r.Path == CidaasDefaults.AuthorizationPath);
        var nonce = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(authorize.QueryString)["nonce"].ToString();
        nonce.Should().NotBeEmpty();
        Emulator.Next.IdTokenMember("nonce", System.Text.Json.JsonSerializer.Serialize(nonce));

        var forced = await GetTokenAsync("?force=true");

        forced.Succeeded.Should().BeTrue(forced.Error);
        RefreshRequests.Should().Be(1);
    }

    [Fact]
    public async Task Refresh_whose_id_token_is_for_another_audience_is_not_used_and_keeps_the_session()
    {
        await SignInWithTokensAsync();
        var before = await GetTokenAsync();
        Emulator.Next.IdTokenMember("aud", "\"another-client\"");

        var forced = await GetTokenAsync("?force=true");
        var after = await GetTokenAsync();

        forced.Succeeded.Should().BeFalse();
        forced.Error.Should().Contain("CIDAAS7005").And.Contain("CIDAAS3002");
        after.Should().Be(before, "the refused answer changed nothing in the session");
    }

    [Fact]
    public async Task Refresh_whose_id_token_names_another_subject_is_not_used()
    {
        await SignInWithTokensAsync();
        var before = await GetTokenAsync();
        Emulator.Next.IdTokenMember("sub", "\"someone-else\"");

        var forced = await GetTokenAsync("?force=true");
        var after = await GetTokenAsync();

        forced.Succeeded.Should().BeFalse();
        forced.Error.Should().Contain("CIDAAS7008");
        after.Should().Be(before);
    }

    [Fact]
    public async Task After_the_response_started_the_renewed_token_serves_the_request_and_the_next_request_reuses_the_result()
    {
        await SignInWithTokensAsync();

        Clock.Advance(TimeSpan.FromMinutes(9.5));
        var late = await GetTokenAsync("?late=true");
        var next = await GetTokenAsync();

        late.Succeeded.Should().BeTrue(late.Error);
        next.Should().Be(late, "the next request with the old cookie gets the same renewed tokens from the grace entry");
        RefreshRequests.Should().Be(1, "the old refresh token is not sent twice");
        App.Logs.Lines.Should().Contain(l => l.Contains("SessionNotUpdated", StringComparison.Ordinal) || l.Contains("could not be updated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hundred_concurrent_requests_that_need_a_refresh_cause_one_token_call()
    {
        await SignInWithTokensAsync();
        var cookie = Browser.Cookies.GetCookieHeader(new Uri(App.BaseAddress));

        Clock.Advance(TimeSpan.FromMinutes(9.5));
        using var client = new HttpClient(App.CreateHandler()) { BaseAddress = new Uri(App.BaseAddress) };
        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/token");
            request.Headers.Add("Cookie", cookie);
            using var response = await client.SendAsync(request);
            return TokenAnswer.Parse(await response.Content.ReadAsStringAsync());
        }));

        Output.WriteLine($"100 concurrent requests: {RefreshRequests} refresh_token call(s), {answers.Count(a => !a.Succeeded)} failure(s)");
        answers.Should().OnlyContain(a => a.Succeeded);
        answers.Select(a => a.Fingerprint).Distinct().Should().ContainSingle();
        RefreshRequests.Should().Be(1);
    }

    [Fact]
    public async Task Without_a_signed_in_user_there_is_no_token_and_no_exception()
    {
        await StartAppAsync(ConfigureTokens);

        var answer = await GetTokenAsync();

        answer.Succeeded.Should().BeFalse();
        answer.Error.Should().StartWith("CIDAAS7001");
    }

    [Fact]
    public async Task Without_SaveTokens_the_error_says_what_to_turn_on()
    {
        await SignInWithTokensAsync(o => o.SaveTokens = false);

        var answer = await GetTokenAsync();

        answer.Error.Should().StartWith("CIDAAS7002").And.Contain("SaveTokens");
    }

    [Fact]
    public async Task Expired_token_without_a_refresh_token_is_an_error_that_names_offline_access()
    {
        await StartAppAsync(o => o.TimeProvider = Clock);
        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);

        Clock.Advance(TimeSpan.FromMinutes(11));
        var answer = await GetTokenAsync();

        answer.Error.Should().StartWith("CIDAAS7003").And.Contain("offline_access");
        TokenRequests.Should().Be(1, "only the code exchange");
    }

    [Fact]
    public async Task Token_lifetime_shorter_than_twice_RefreshBeforeExpiry_is_renewed_at_half_its_lifetime()
    {
        TestClient.AccessTokenLifetime = TimeSpan.FromSeconds(60);
        await SignInWithTokensAsync();

        Clock.Advance(TimeSpan.FromSeconds(20));
        (await GetTokenAsync()).Succeeded.Should().BeTrue();
        RefreshRequests.Should().Be(0, "a 60 s token is not renewed on every request");
        Clock.Advance(TimeSpan.FromSeconds(11));
        (await GetTokenAsync()).Succeeded.Should().BeTrue();
        RefreshRequests.Should().Be(1);
        (await GetTokenAsync()).Succeeded.Should().BeTrue();
        RefreshRequests.Should().Be(1);
    }
}
