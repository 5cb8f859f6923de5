using Microsoft.Extensions.Time.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

/// <summary>OpenID Connect Core §3.1.3.7 and RFC 9207 checks: each rejection before userinfo, with no cookie.</summary>
public sealed class IdTokenValidationTests(ITestOutputHelper output) : SignInTestBase(output)
{
    [Fact]
    public async Task Valid_RS256_id_token_is_accepted()
    {
        await StartAppAsync();

        var page = await SignInAsync();

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task JWKS_with_a_single_key_and_no_kid_is_accepted()
    {
        EmulatorOptions.PublishKeyIdInJwks = false;
        await StartAppAsync();

        var page = await SignInAsync();

        page.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Key_rotated_between_two_sign_ins_is_accepted()
    {
        await StartAppAsync();
        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);

        Emulator.RotateSigningKey(keepPreviousKeyPublished: false);
        var second = new TestBrowser().Register(TestApp.Origin, App.CreateHandler()).Register(Emulator.Authority, Emulator.CreateHandler());
        var start = await second.GetAsync(TestApp.Origin + "/protected");
        var authorize = await second.GetAsync(start.Headers.Location!.ToString());
        var callback = await second.GetAsync(authorize.Headers.Location!.ToString());

        callback.StatusCode.Should().Be(HttpStatusCode.Redirect, await callback.Content.ReadAsStringAsync());
        second.HasCookie(TestApp.Origin, ".AspNetCore.Cookies").Should().BeTrue();
    }

    [Fact]
    public async Task Key_rotated_just_before_signing_is_accepted_in_the_same_request()
    {
        await StartAppAsync();
        var authorization = await ChallengeAsync();
        // Prime the handler's cache with the old key set, then rotate: the next id_token has an unknown kid.
        await App.GetOptions().ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
        Emulator.RotateSigningKey(keepPreviousKeyPublished: true);
        var jwksBefore = Emulator.CountRequests(CidaasDefaults.JwksPath);

        var callback = await AuthorizeAsync(authorization);
        var response = await Browser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
        Emulator.CountRequests(CidaasDefaults.JwksPath).Should().Be(jwksBefore + 1, "one refetch of the keys, in the same request");
    }

    [Fact]
    public async Task Key_rotated_just_before_signing_is_refetched_also_on_the_options_own_clock()
    {
        // An id_token without 'nbf' whose key is unknown: the lifetime check IdentityModel runs after the failed key
        // lookup must not overflow on the missing 'nbf' (DateTime.MinValue) and hide the unknown key.
        await StartAppAsync(o => o.TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow));
        var authorization = await ChallengeAsync();
        await App.GetOptions().ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
        Emulator.RotateSigningKey(keepPreviousKeyPublished: true);
        var jwksBefore = Emulator.CountRequests(CidaasDefaults.JwksPath);

        var response = await Browser.GetAsync((await AuthorizeAsync(authorization)).ToString());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        Emulator.CountRequests(CidaasDefaults.JwksPath).Should().Be(jwksBefore + 1);
    }

    public static TheoryData<CidaasIdTokenDefect, string> Defects => new()
    {
        { CidaasIdTokenDefect.BadSignature, "signature" },
        { CidaasIdTokenDefect.AlgNone, "CIDAAS3002" },
        { CidaasIdTokenDefect.Hs256WithPublicKey, "CIDAAS3030" },
        { CidaasIdTokenDefect.WrongIssuer, "issuer" },
        { CidaasIdTokenDefect.MissingAudience, "CIDAAS3002" },
        { CidaasIdTokenDefect.WrongAudience, "audience" },
        { CidaasIdTokenDefect.ExtraUntrustedAudience, "several audiences" },
        { CidaasIdTokenDefect.WrongAzp, "azp" },
        { CidaasIdTokenDefect.Expired, "expired" },
        { CidaasIdTokenDefect.MissingIat, "'iat'" },
        { CidaasIdTokenDefect.FutureIat, "future" },
        { CidaasIdTokenDefect.MissingSub, "'sub'" },
        { CidaasIdTokenDefect.MissingNonce, "no 'nonce'" },
        { CidaasIdTokenDefect.WrongNonce, "'nonce' claim is not the nonce" },
        { CidaasIdTokenDefect.Malformed, "well-formed" },
        { CidaasIdTokenDefect.UnknownSigningKey, "not in the issuer's key set" },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public async Task Defective_id_token_is_rejected_before_userinfo(CidaasIdTokenDefect defect, string reason)
    {
        await StartAppAsync();

        var response = await CallbackAfterAsync(next => next.IdToken(defect));

        // An HS256 token is refused before its key is looked at, with the id that names the cidaas app setting (issue 16).
        var failure = await ExpectFailureAsync(response, defect == CidaasIdTokenDefect.Hs256WithPublicKey ? "CIDAAS3030" : "CIDAAS3002");
        failure.Message.Should().Contain(reason);
        TokenRequests.Should().Be(1);
        UserInfoRequests.Should().Be(0);
    }

    [Fact]
    public async Task Missing_id_token_when_openid_was_requested_is_rejected()
    {
        await StartAppAsync();

        await ExpectFailureAsync(await CallbackAfterAsync(next => next.TokenResponse(CidaasTokenResponseDefect.MissingIdToken)), "CIDAAS3001");
        UserInfoRequests.Should().Be(0);
    }

    [Fact]
    public async Task Id_token_expiry_is_judged_with_the_clock_skew_on_the_options_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartAppAsync(o =>
        {
            o.TimeProvider = time;
            o.TokenValidationParameters.ClockSkew = TimeSpan.FromMinutes(1);
            o.RemoteAuthenticationTimeout = TimeSpan.FromHours(5);
        });
        var callback = await AuthorizeAsync(await ChallengeAsync());
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(2));

        var failure = await ExpectFailureAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS3002");

        failure.Message.Should().Contain("expired");
    }

    [Fact]
    public async Task Userinfo_subject_mismatch_is_rejected()
    {
        await StartAppAsync();

        await ExpectFailureAsync(await CallbackAfterAsync(next => next.UserInfoSubject("someone-else")), "CIDAAS2012");
    }

    [Fact]
    public async Task Callback_issuer_mismatch_is_rejected_before_the_token_request()
    {
        await StartAppAsync();
        var authorization = await ChallengeAsync();
        Emulator.Next.AuthorizationResponseIssuer("https://evil-idp.example");
        var callback = await AuthorizeAsync(authorization);

        await ExpectRejectedWithoutTokenRequestAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS1006");
    }

    [Fact]
    public async Task Missing_callback_issuer_is_rejected_when_cidaas_announces_it()
    {
        SendAuthorizationResponseIssuer(EmulatorOptions);
        await StartAppAsync();
        var authorization = await ChallengeAsync();
        Emulator.Next.AuthorizationResponseIssuer(null);
        var callback = await AuthorizeAsync(authorization);

        await ExpectRejectedWithoutTokenRequestAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS1007");
    }

    [Fact]
    public async Task Missing_callback_issuer_is_accepted_when_cidaas_does_not_announce_it()
    {
        EmulatorOptions.AdvertiseAuthorizationResponseIss = false;
        EmulatorOptions.SendIssInAuthorizationResponse = false;
        await StartAppAsync();

        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Discovery_issuer_mismatch_refuses_every_sign_in()
    {
        Emulator.Options.DiscoveryIssuer = "https://other-tenant.cidaas.eu";
        var callback = await StartAppAndAuthorizeAsync();

        await ExpectRejectedWithoutTokenRequestAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS3004");
    }

    [Fact]
    public async Task Discovery_is_fetched_once_for_100_concurrent_first_sign_ins()
    {
        await StartAppAsync();
        var browsers = new List<(TestBrowser Browser, Uri Callback)>();
        for (var i = 0; i < 100; i++)
        {
            var browser = new TestBrowser().Register(TestApp.Origin, App.CreateHandler()).Register(Emulator.Authority, Emulator.CreateHandler());
            var start = await browser.GetAsync(TestApp.Origin + "/protected");
            var authorize = await browser.GetAsync(start.Headers.Location!.ToString());
            browsers.Add((browser, authorize.Headers.Location!));
        }

        Emulator.CountRequests(CidaasDefaults.DiscoveryPath).Should().Be(0);
        var responses = await Task.WhenAll(browsers.Select(b => Task.Run(() => b.Browser.GetAsync(b.Callback.ToString()))));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Redirect);
        Emulator.CountRequests(CidaasDefaults.DiscoveryPath).Should().Be(1);
        Emulator.CountRequests(CidaasDefaults.JwksPath).Should().Be(1);
        browsers.Should().OnlyContain(b => b.Browser.HasCookie(TestApp.Origin, ".AspNetCore.Cookies"));
    }

    [Fact]
    public async Task Static_configuration_needs_no_discovery()
    {
        await StartAppAsync();
        var discovered = await App.GetOptions().ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
        await App.DisposeAsync();
        Emulator.ClearRequests();

        await StartAppAsync(o => o.Configuration = discovered);
        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);

        Emulator.CountRequests(CidaasDefaults.DiscoveryPath).Should().Be(0);
    }
}
