using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// cidaas misbehaves: every fault is a remote failure naming its cause, the code is redeemed at most once, and the
/// next sign-in works as soon as cidaas does. (BackchannelFailureTests checks each fault's message; these check what
/// happens around it.)
/// </summary>
public sealed class FaultTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const string Origin = TestApp.Origin;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static TheoryData<string> TokenEndpointFaults => ["timeout", "500", "503 with Retry-After", "502 with HTML", "200 with HTML", "200 not JSON", "200 truncated JSON", "200 nested too deep", "oversized with length", "oversized chunked", "dropped connection"];

    [Theory]
    [MemberData(nameof(TokenEndpointFaults))]
    public async Task Token_endpoint_fault_fails_once_without_a_retry_and_the_next_sign_in_works(string fault)
    {
        await StartAppAsync(ConfigureLimits);
        var (injected, expected) = TokenFault(fault);

        await ExpectFailureAsync(await CallbackAfterAsync(next => next.Fault(CidaasDefaults.TokenPath, injected)), expected);

        TokenRequests.Should().Be(1, "a code is single use: the exchange is never retried");
        UserInfoRequests.Should().Be(0);
        await ExpectNextSignInToWorkAsync();
    }

    [Fact]
    public async Task Token_endpoint_refusing_connections_is_a_clear_failure_and_the_next_sign_in_works()
    {
        using var router = new RefusingRouter(Emulator.CreateHandler()) { RefuseTokenRequests = true };
        var callback = await StartAppAndAuthorizeAsync(o => o.BackchannelHttpHandler = router);

        var failure = await ExpectFailureAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS2007");

        failure.InnerException.Should().BeOfType<HttpRequestException>().Which.HttpRequestError.Should().Be(HttpRequestError.ConnectionError);
        router.RefusedRequests.Should().Be(1, "the exchange is not retried");
        UserInfoRequests.Should().Be(0);
        router.RefuseTokenRequests = false;
        await ExpectNextSignInToWorkAsync();
    }

    public static TheoryData<string> UserInfoFaults => ["timeout", "401", "500", "503", "200 with HTML", "200 not JSON", "200 JSON array", "oversized chunked", "dropped connection"];

    [Theory]
    [MemberData(nameof(UserInfoFaults))]
    public async Task Userinfo_fault_fails_without_redeeming_the_code_again_and_the_next_sign_in_works(string fault)
    {
        await StartAppAsync(ConfigureLimits);
        var (injected, expected) = UserInfoFault(fault);

        await ExpectFailureAsync(await CallbackAfterAsync(next => next.Fault(CidaasDefaults.UserInformationPath, injected)), expected);

        TokenRequests.Should().Be(1);
        UserInfoRequests.Should().Be(1, "userinfo is not retried either");
        await ExpectNextSignInToWorkAsync();
    }

    [Fact]
    public async Task Userinfo_with_hostile_member_shapes_signs_in_without_an_exception()
    {
        await StartAppAsync();
        var alice = EmulatorOptions.Users.Single(u => u.Username == "alice");
        var callback = await AuthorizeAsync(await ChallengeAsync());
        Emulator.Next.Fault(CidaasDefaults.UserInformationPath, CidaasEmulatorFault.Body(
            $$"""{"sub":"{{alice.Sub}}","roles":5,"groups":"admins","customFields":[1,2],"email":{"x":1},"name":null,"mobile_number":true,"email_verified":"yes"}"""));

        var response = await Browser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        App.Failures.Should().BeEmpty();
        var claims = await (await Browser.FollowAsync(Origin + "/protected")).Content.ReadAsStringAsync();
        claims.Should().Contain("sub|" + alice.Sub).And.NotContain("cidaas:group|");
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("1000000000000")]
    [InlineData("300000000000")]
    [InlineData("\"99999999999999999999\"")]
    [InlineData("-1")]
    [InlineData("1e400")]
    public async Task Absurd_expires_in_signs_in_without_an_expiry_instead_of_throwing(string expiresIn)
    {
        // Without openid there is no id_token to forge, so the emulator's answers can be replaced wholesale.
        await StartAppAsync(o =>
        {
            o.Scope.Clear();
            o.Scope.Add("profile");
        });
        var callback = await AuthorizeAsync(await ChallengeAsync());
        Emulator.Next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Body($$"""{"access_token":"opaque-access-token-1234","token_type":"Bearer","expires_in":{{expiresIn}}}"""));
        Emulator.Next.Fault(CidaasDefaults.UserInformationPath, CidaasEmulatorFault.Body("""{"sub":"someone"}"""));

        var response = await Browser.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        App.Failures.Should().BeEmpty();
        var tokens = await (await Browser.GetAsync(Origin + "/tokens")).Content.ReadAsStringAsync();
        tokens.Split('\n').Should().Contain("access_token").And.NotContain("expires_at");
    }

    [Fact]
    public async Task Discovery_down_at_the_first_sign_in_is_a_clear_failure_and_sign_ins_recover_once_it_is_back()
    {
        await StartAppAsync();
        for (var i = 0; i < 4; i++)
        {
            Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));
        }

        var callback = await AuthorizeAsync(await ChallengeAsync());
        var failure = await ExpectFailureAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS3003");
        failure.Message.Should().Contain(Emulator.Authority + CidaasDefaults.DiscoveryPath);
        TokenRequests.Should().Be(0, "no code is redeemed without the issuer's metadata");

        Emulator.Next.Clear();
        await ExpectNextSignInToWorkAsync();
    }

    [Fact]
    public async Task Discovery_down_after_it_had_worked_keeps_the_cached_metadata()
    {
        await StartAppAsync();
        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);
        var fetched = Emulator.CountRequests(CidaasDefaults.DiscoveryPath);
        for (var i = 0; i < 20; i++)
        {
            Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));
            Emulator.Next.Fault(CidaasDefaults.JwksPath, CidaasEmulatorFault.Status(503, "down"));
        }

        App.GetOptions().ConfigurationManager!.RequestRefresh();
        var during = await SignInInAFreshBrowserAsync();
        await WaitUntilAsync(() => Emulator.CountRequests(CidaasDefaults.DiscoveryPath) > fetched);
        var after = await SignInInAFreshBrowserAsync();

        during.StatusCode.Should().Be(HttpStatusCode.OK, await during.Content.ReadAsStringAsync());
        after.StatusCode.Should().Be(HttpStatusCode.OK, await after.Content.ReadAsStringAsync());
        App.Failures.Should().BeEmpty();
    }

    [Theory]
    [InlineData("<html>maintenance</html>", "CIDAAS3003")]
    [InlineData("[]", "CIDAAS3003")]
    [InlineData("{}", "CIDAAS3010")]
    public async Task Discovery_answering_garbage_is_a_clear_failure_and_sign_ins_recover(string body, string expected)
    {
        await StartAppAsync();
        for (var i = 0; i < 4; i++)
        {
            Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Body(body));
        }

        var callback = await AuthorizeAsync(await ChallengeAsync());
        await ExpectFailureAsync(await Browser.GetAsync(callback.ToString()), expected);
        TokenRequests.Should().Be(0);

        Emulator.Next.Clear();
        App.GetOptions().ConfigurationManager!.RequestRefresh();
        await ExpectNextSignInToWorkAsync();
    }

    [Fact]
    public async Task JWKS_garbage_at_the_first_sign_in_is_a_clear_failure_and_sign_ins_recover()
    {
        await StartAppAsync();
        for (var i = 0; i < 4; i++)
        {
            Emulator.Next.Fault(CidaasDefaults.JwksPath, CidaasEmulatorFault.Body("""{"keys":"not a key set"}"""));
        }

        var callback = await AuthorizeAsync(await ChallengeAsync());
        await ExpectRejectedWithoutTokenRequestAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS3003");

        Emulator.Next.Clear();
        await ExpectNextSignInToWorkAsync();
    }

    public static TheoryData<string> JwksFaults => ["not JSON", "JSON array", "keys not an array", "empty key set", "key without material", "key with broken modulus", "500", "oversized chunked", "dropped connection", "timeout"];

    [Theory]
    [MemberData(nameof(JwksFaults))]
    public async Task JWKS_fault_at_a_key_refetch_is_a_clear_failure_before_userinfo_and_the_next_sign_in_works(string fault)
    {
        // The default SigningKeyRefreshInterval (1 min): a failed refetch only holds back the next one for 1 s.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartAppAsync(o =>
        {
            ConfigureLimits(o);
            o.TimeProvider = clock;
        });
        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);
        Emulator.RotateSigningKey(keepPreviousKeyPublished: false);
        var (injected, expected) = JwksFault(fault);
        Emulator.Next.Fault(CidaasDefaults.JwksPath, injected);

        var other = CreateBrowser();
        var callback = (await other.GetAsync((await other.GetAsync(Origin + "/login")).Headers.Location!.ToString())).Headers.Location!;
        var response = await other.GetAsync(callback.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        App.Failures.Should().ContainSingle().Which.Should().BeOfType<CidaasProtocolException>().Which.Message.Should().StartWith(expected);
        UserInfoRequests.Should().Be(1, "only the first sign-in reached userinfo");
        App.Failures.Clear();
        clock.Advance(TimeSpan.FromSeconds(1));
        (await SignInInAFreshBrowserAsync()).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    public static TheoryData<string> JwksOutages => ["503", "dropped connection"];

    [Theory]
    [MemberData(nameof(JwksOutages))]
    public async Task After_a_failed_key_refetch_the_new_key_signs_in_once_the_one_second_backoff_is_over_and_unknown_keys_still_cost_one_fetch_per_interval(string fault)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartAppAsync(o => o.TimeProvider = clock);
        var interval = App.GetOptions().SigningKeyRefreshInterval;
        interval.Should().Be(TimeSpan.FromMinutes(1), "the default is what users run with");
        (await SignInInAFreshBrowserAsync()).StatusCode.Should().Be(HttpStatusCode.OK);
        Emulator.RotateSigningKey(keepPreviousKeyPublished: false);
        Emulator.Next.Fault(CidaasDefaults.JwksPath, fault == "503" ? CidaasEmulatorFault.Status(503, "down") : CidaasEmulatorFault.DropConnection());
        var jwksBefore = JwksRequests;

        // The refetch for the new key meets the outage.
        await ExpectFailureAsync(await Browser.GetAsync((await AuthorizeAsync(await ChallengeAsync())).ToString()), fault == "503" ? "CIDAAS3002" : "CIDAAS2007");
        JwksRequests.Should().Be(jwksBefore + 1);

        // cidaas is healthy again, but the 1 s backoff is not over: refused without asking cidaas.
        App.Failures.Clear();
        clock.Advance(TimeSpan.FromMilliseconds(999));
        await ExpectFailureAsync(await Browser.GetAsync((await AuthorizeAsync(await ChallengeAsync())).ToString()), "not in the issuer's key set");
        JwksRequests.Should().Be(jwksBefore + 1);

        // The backoff is over: one refetch, and the new key signs in.
        App.Failures.Clear();
        clock.Advance(TimeSpan.FromMilliseconds(1));
        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);
        App.Failures.Should().BeEmpty();
        JwksRequests.Should().Be(jwksBefore + 2);

        // Made-up key ids after that successful refetch, one every 12 s for two minutes: one refetch in all.
        var refetchedAt = clock.GetUtcNow();
        for (var second = 0; second < 120; second += 12)
        {
            clock.SetUtcNow(refetchedAt + TimeSpan.FromSeconds(second));
            Emulator.Next.IdToken(CidaasIdTokenDefect.UnknownSigningKey);
            var other = CreateBrowser();
            var callback = (await other.GetAsync((await other.GetAsync(Origin + "/login")).Headers.Location!.ToString())).Headers.Location!;
            var response = await other.GetAsync(callback.ToString());
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
            Output.WriteLine($"made-up kid at +{second} s: {JwksRequests - jwksBefore - 2} refetch(es) since the successful one");
        }

        App.Failures.Should().HaveCount(10).And.OnlyContain(f => f.Message.Contains("not in the issuer's key set", StringComparison.Ordinal));
        JwksRequests.Should().Be(jwksBefore + 3, "one refetch at the start of the second minute, none in the first");
    }

    private static void ConfigureLimits(CidaasOptions options)
    {
        options.BackchannelTimeout = Timeout;
        options.MaxBackchannelResponseSize = 64 * 1024;
    }

    private static (CidaasEmulatorFault Fault, string Expected) TokenFault(string name) => name switch
    {
        "timeout" => (CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(30)), "CIDAAS2006"),
        "500" => (CidaasEmulatorFault.Status(500, "boom"), "CIDAAS2002"),
        "503 with Retry-After" => (CidaasEmulatorFault.Status(503, "later", headers: new Dictionary<string, string> { ["Retry-After"] = "1" }), "CIDAAS2002"),
        "502 with HTML" => (CidaasEmulatorFault.Status(502, "<html><body>Bad gateway</body></html>", "text/html"), "CIDAAS2002"),
        "200 with HTML" => (CidaasEmulatorFault.Body("<html><body>Login</body></html>", "text/html"), "CIDAAS2003"),
        "200 not JSON" => (CidaasEmulatorFault.Body("access_token=abc&token_type=Bearer", "application/x-www-form-urlencoded"), "CIDAAS2003"),
        "200 truncated JSON" => (CidaasEmulatorFault.Body("""{"access_token":"abc","token_"""), "CIDAAS2003"),
        "200 nested too deep" => (CidaasEmulatorFault.Body(new string('[', 200) + new string(']', 200)), "CIDAAS2003"),
        "oversized with length" => (CidaasEmulatorFault.Oversized(1024 * 1024, chunked: false), "CIDAAS2008"),
        "oversized chunked" => (CidaasEmulatorFault.Oversized(1024 * 1024, chunked: true), "CIDAAS2008"),
        "dropped connection" => (CidaasEmulatorFault.DropConnection(), "CIDAAS2007"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static (CidaasEmulatorFault Fault, string Expected) UserInfoFault(string name) => name switch
    {
        "timeout" => (CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(30)), "CIDAAS2006"),
        "401" => (CidaasEmulatorFault.Status(401, "", headers: new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer error=\"invalid_token\"" }), "CIDAAS2009"),
        "500" => (CidaasEmulatorFault.Status(500, "boom"), "CIDAAS2009"),
        "503" => (CidaasEmulatorFault.Status(503, "<html>down</html>", "text/html"), "CIDAAS2009"),
        "200 with HTML" => (CidaasEmulatorFault.Body("<html/>", "text/html"), "CIDAAS2010"),
        "200 not JSON" => (CidaasEmulatorFault.Body("sub=alice"), "CIDAAS2010"),
        "200 JSON array" => (CidaasEmulatorFault.Body("""[{"sub":"alice"}]"""), "CIDAAS2010"),
        "oversized chunked" => (CidaasEmulatorFault.Oversized(1024 * 1024, chunked: true), "CIDAAS2008"),
        "dropped connection" => (CidaasEmulatorFault.DropConnection(), "CIDAAS2007"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static (CidaasEmulatorFault Fault, string Expected) JwksFault(string name) => name switch
    {
        "not JSON" => (CidaasEmulatorFault.Body("<html>keys</html>", "text/html"), "CIDAAS3002"),
        "JSON array" => (CidaasEmulatorFault.Body("[]"), "CIDAAS3002"),
        "keys not an array" => (CidaasEmulatorFault.Body("""{"keys":"nope"}"""), "CIDAAS3002"),
        "empty key set" => (CidaasEmulatorFault.Body("""{"keys":[]}"""), "CIDAAS3002"),
        "key without material" => (CidaasEmulatorFault.Body("""{"keys":[{"kty":"RSA","use":"sig"}]}"""), "CIDAAS3002"),
        "key with broken modulus" => (CidaasEmulatorFault.Body("""{"keys":[{"kty":"RSA","kid":"k","n":"!!!","e":"AQAB"}]}"""), "CIDAAS3002"),
        "500" => (CidaasEmulatorFault.Status(500, "boom"), "CIDAAS3002"),
        "oversized chunked" => (CidaasEmulatorFault.Oversized(1024 * 1024, chunked: true), "CIDAAS2008"),
        "dropped connection" => (CidaasEmulatorFault.DropConnection(), "CIDAAS2007"),
        "timeout" => (CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(30)), "CIDAAS2006"),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private async Task ExpectNextSignInToWorkAsync()
    {
        App.Failures.Clear();
        var page = await SignInAsync("/login?returnUrl=/protected");
        page.StatusCode.Should().Be(HttpStatusCode.OK, await page.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
        App.Failures.Should().BeEmpty();
    }

    private TestBrowser CreateBrowser() => new TestBrowser()
        .Register(Origin, App.CreateHandler())
        .Register(Emulator.Authority, Emulator.CreateHandler());

    private async Task<HttpResponseMessage> SignInInAFreshBrowserAsync()
    {
        var browser = CreateBrowser();
        return await browser.FollowAsync(Origin + "/protected");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        condition().Should().BeTrue("the background refresh of the metadata should have run");
    }

    /// <summary>
    /// Sends everything to the emulator, except token requests while <see cref="RefuseTokenRequests"/> is set: those
    /// go to a loopback port nobody listens on, for a genuine "connection refused".
    /// </summary>
    private sealed class RefusingRouter(HttpMessageHandler emulator) : DelegatingHandler(emulator)
    {
        private readonly HttpMessageInvoker _sockets = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) });
        private readonly int _closedPort = FindClosedPort();
        private int _refused;

        public bool RefuseTokenRequests { get; set; }

        public int RefusedRequests => _refused;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (RefuseTokenRequests && request.RequestUri!.AbsolutePath == CidaasDefaults.TokenPath)
            {
                Interlocked.Increment(ref _refused);
                request.RequestUri = new Uri($"http://127.0.0.1:{_closedPort}{CidaasDefaults.TokenPath}");
                return _sockets.SendAsync(request, cancellationToken);
            }

            return base.SendAsync(request, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _sockets.Dispose();
            }

            base.Dispose(disposing);
        }

        private static int FindClosedPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }
}
