using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

/// <summary>
/// Pushed authorization requests (RFC 9126) against the emulator's <c>/authz-srv/par</c>: the challenge pushes every
/// authorization parameter with the client's authentication and redirects with only <c>client_id</c> and
/// <c>request_uri</c>; every unusable answer fails the challenge closed (502 page, <c>OnRemoteFailure</c>, no redirect).
/// </summary>
public sealed class PushedAuthorizationTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const string RequestUriPrefix = "urn:ietf:params:oauth:request_uri:";

    private int PushRequests => Emulator.CountRequests(CidaasDefaults.PushedAuthorizationPath);

    private static void UseIfAvailable(CidaasOptions o) => o.PushedAuthorizationBehavior = CidaasPushedAuthorizationBehavior.UseIfAvailable;

    /// <summary>Starts the app with PAR used when available, against an emulator whose discovery names the PAR endpoint.</summary>
    private Task StartWithAdvertisedParAsync(Action<CidaasOptions>? configure = null)
    {
        Emulator.Options.AdvertisePushedAuthorizationRequests = true;
        return StartAppAsync(o =>
        {
            UseIfAvailable(o);
            configure?.Invoke(o);
        });
    }

    private CidaasEmulatorRequest LastPush() => Emulator.Requests.Last(r => r.Path == CidaasDefaults.PushedAuthorizationPath);

    private async Task<CidaasProtocolException> ExpectChallengeFailureAsync(string messagePart)
    {
        var response = await Browser.GetAsync(App.BaseAddress + "/protected");
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway, body);
        response.Headers.Location.Should().BeNull("a challenge that could not push does not redirect");
        body.Should().Contain(messagePart).And.NotContain(" at ", "no stack trace is shown");
        App.Failures.Should().ContainSingle();
        var failure = App.Failures.Single().Should().BeOfType<CidaasProtocolException>().Subject;
        failure.Message.Should().Contain(messagePart);
        Emulator.CountRequests(CidaasDefaults.AuthorizationPath).Should().Be(0);
        HasSignInCookie().Should().BeFalse();
        return failure;
    }

    [Fact]
    public async Task Sign_in_with_PAR_pushes_every_parameter_and_redirects_with_only_client_id_and_request_uri()
    {
        await StartWithAdvertisedParAsync();

        var authorization = await ChallengeAsync();

        var query = QueryOf(authorization);
        query.Keys.Should().BeEquivalentTo("client_id", "request_uri");
        query["client_id"].Should().Be(TestClients.ClientId);
        query["request_uri"].Should().StartWith(RequestUriPrefix);
        var push = LastPush();
        push.Method.Should().Be("POST");
        push.Form.Keys.Should().BeEquivalentTo("response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "nonce", "client_secret");
        push.Form["response_type"].Should().Be("code");
        push.Form["redirect_uri"].Should().Be(TestApp.Origin + "/signin-cidaas");
        push.Form["code_challenge_method"].Should().Be("S256");
        push.Form["code_challenge"].Should().MatchRegex("^[A-Za-z0-9_-]{43}$");
        push.Form["nonce"].Should().MatchRegex("^[A-Za-z0-9_-]{43}$");
        push.Form["client_secret"].Should().Be(TestClients.ClientSecret, "client_secret_post, as at the token endpoint");
        Remember(push.Form["state"]);

        var callback = await AuthorizeAsync(authorization);
        var afterCallback = await Browser.GetAsync(callback.ToString());
        afterCallback.StatusCode.Should().Be(HttpStatusCode.Redirect, await afterCallback.Content.ReadAsStringAsync());
        var page = await Browser.FollowAsync(new Uri(new Uri(App.BaseAddress), afterCallback.Headers.Location!).ToString());

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).Should().Contain("alice@example.com");
        App.Failures.Should().BeEmpty();
        Output.WriteLine($"requests of one sign-in with PAR: discovery {Emulator.CountRequests(CidaasDefaults.DiscoveryPath)}, par {PushRequests}, authz {Emulator.CountRequests(CidaasDefaults.AuthorizationPath)}, token {TokenRequests}, userinfo {UserInfoRequests}, jwks {JwksRequests}");
        PushRequests.Should().Be(1);
        TokenRequests.Should().Be(1);
    }

    [Fact]
    public async Task Additional_and_per_challenge_parameters_are_pushed_and_not_put_in_the_URL()
    {
        await StartWithAdvertisedParAsync(o => o.AdditionalAuthorizationParameters["view_type"] = "register");

        var response = await Browser.GetAsync(App.BaseAddress + "/login?returnUrl=/protected");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);

        QueryOf(response.Headers.Location!).Keys.Should().BeEquivalentTo("client_id", "request_uri");
        LastPush().Form.Should().Contain("view_type", "register");
    }

    [Fact]
    public async Task A_request_uri_given_as_an_additional_parameter_is_never_sent()
    {
        await StartWithAdvertisedParAsync(o => o.AdditionalAuthorizationParameters["request_uri"] = RequestUriPrefix + "planted");

        var query = QueryOf(await ChallengeAsync());

        query["request_uri"].Should().NotEndWith("planted");
        LastPush().Form.Should().NotContainKey("request_uri");
        App.Logs.Lines.Should().Contain(line => line.Contains("request_uri", StringComparison.Ordinal) && line.Contains("ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_client_secret_basic_the_push_authenticates_with_a_Basic_header()
    {
        await StartWithAdvertisedParAsync(o => o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretBasic);

        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);

        var push = LastPush();
        push.Headers["Authorization"].Should().StartWith("Basic ");
        push.Form.Should().NotContainKey("client_secret");
        push.Form["client_id"].Should().Be(TestClients.ClientId);
    }

    [Fact]
    public async Task UseIfAvailable_without_an_advertised_endpoint_redirects_with_the_parameters_in_the_URL()
    {
        await StartAppAsync(UseIfAvailable);

        var authorization = await ChallengeAsync();

        QueryOf(authorization).Keys.Should().Contain(["response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "nonce"]);
        PushRequests.Should().Be(0);
        Emulator.CountRequests(CidaasDefaults.DiscoveryPath).Should().Be(1, "UseIfAvailable reads the discovery document to learn whether cidaas offers PAR");
        (await Browser.GetAsync((await AuthorizeAsync(authorization)).ToString())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        App.Failures.Should().BeEmpty();
    }

    [Fact]
    public async Task UseIfAvailable_with_the_discovery_document_down_fails_the_challenge_before_the_user_reaches_cidaas()
    {
        await StartAppAsync(UseIfAvailable);

        // IdentityModel's document retriever tries a 503 once more by itself, so "down" is two answers long.
        Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));
        Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));

        await ExpectChallengeFailureAsync("CIDAAS3003");
        PushRequests.Should().Be(0);
    }

    [Fact]
    public async Task The_default_Disable_never_pushes_and_reads_no_discovery_at_the_challenge()
    {
        Emulator.Options.AdvertisePushedAuthorizationRequests = true;
        await StartAppAsync();
        App.GetOptions().PushedAuthorizationBehavior.Should().Be(CidaasPushedAuthorizationBehavior.Disable);

        var authorization = await ChallengeAsync();

        QueryOf(authorization).Should().ContainKey("state").And.NotContainKey("request_uri");
        PushRequests.Should().Be(0);
        Emulator.CountRequests(CidaasDefaults.DiscoveryPath).Should().Be(0);
    }

    [Fact]
    public async Task A_configured_PAR_endpoint_is_used_without_reading_the_discovery_document()
    {
        await StartAppAsync(o =>
        {
            UseIfAvailable(o);
            o.PushedAuthorizationEndpoint = Emulator.Authority + CidaasDefaults.PushedAuthorizationPath;
        });

        var authorization = await ChallengeAsync();

        QueryOf(authorization).Keys.Should().BeEquivalentTo("client_id", "request_uri");
        PushRequests.Should().Be(1);
        Emulator.CountRequests(CidaasDefaults.DiscoveryPath).Should().Be(0, "the discovery document does not name the endpoint, the options do");
    }

    [Fact]
    public async Task Require_with_a_configured_endpoint_pushes_without_reading_the_discovery_document()
    {
        await StartAppAsync(o =>
        {
            o.PushedAuthorizationBehavior = CidaasPushedAuthorizationBehavior.Require;
            o.PushedAuthorizationEndpoint = Emulator.Authority + CidaasDefaults.PushedAuthorizationPath;
        });

        var authorization = await ChallengeAsync();

        QueryOf(authorization).Keys.Should().BeEquivalentTo("client_id", "request_uri");
        PushRequests.Should().Be(1);
        Emulator.CountRequests(CidaasDefaults.DiscoveryPath).Should().Be(0);
    }

    [Fact]
    public async Task Require_without_a_known_endpoint_fails_the_challenge_closed()
    {
        await StartAppAsync(o => o.PushedAuthorizationBehavior = CidaasPushedAuthorizationBehavior.Require);

        await ExpectChallengeFailureAsync("CIDAAS8005");

        PushRequests.Should().Be(0);
    }

    [Fact]
    public async Task A_discovery_that_requires_PAR_without_naming_the_endpoint_fails_the_challenge_closed()
    {
        Emulator.Options.RequirePushedAuthorizationRequests = true;
        await StartAppAsync(UseIfAvailable);

        await ExpectChallengeFailureAsync("CIDAAS8006");
    }

    [Fact]
    public async Task A_discovery_naming_a_plain_http_PAR_endpoint_gets_no_client_credentials()
    {
        var discovered = await Emulator.CreateClient().GetStringAsync(CidaasDefaults.DiscoveryPath);
        var configuration = new Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration(discovered)
        {
            PushedAuthorizationRequestEndpoint = "http://par.example.com/authz-srv/par",
        };
        await StartAppAsync(o =>
        {
            UseIfAvailable(o);
            o.Configuration = configuration;
        });

        await ExpectChallengeFailureAsync("CIDAAS8007");
    }

    [Fact]
    public async Task Disable_with_a_client_that_must_push_surfaces_cidaas_error_cleanly()
    {
        EmulatorOptions.Clients.Single(c => c.ClientId == TestClients.ClientId).RequirePushedAuthorizationRequests = true;
        await StartAppAsync(o => o.PushedAuthorizationBehavior = CidaasPushedAuthorizationBehavior.Disable);

        var callback = await AuthorizeAsync(await ChallengeAsync());
        var failure = await ExpectRejectedWithoutTokenRequestAsync(await Browser.GetAsync(callback.ToString()), "CIDAAS1012");

        failure.Error.Should().Be("invalid_request");
        PushRequests.Should().Be(0);
    }

    [Fact]
    public async Task A_client_that_must_push_signs_in_with_PAR()
    {
        EmulatorOptions.Clients.Single(c => c.ClientId == TestClients.ClientId).RequirePushedAuthorizationRequests = true;
        await StartWithAdvertisedParAsync();

        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);
        PushRequests.Should().Be(1);
    }

    public static TheoryData<string, Func<CidaasEmulatorFault>, string> BadAnswers => new()
    {
        { "OAuth error", () => CidaasEmulatorFault.Status(400, """{"error":"invalid_request","error_description":"AUTH10043: origin not allowed"}""", "application/json"), "CIDAAS8001" },
        { "client refused", () => CidaasEmulatorFault.Status(401, """{"error":"invalid_client","error_description":"Client authentication failed"}""", "application/json"), "CIDAAS8001" },
        { "PAR not enabled", () => CidaasEmulatorFault.Status(403, """{"error":"unauthorized_client","error_description":"par is not enabled for this tenant","error_code":"AUTH10053"}""", "application/json"), "CIDAAS8001" },
        { "no request_uri", () => CidaasEmulatorFault.Status(201, """{"expires_in":90}""", "application/json"), "CIDAAS8003" },
        { "empty request_uri", () => CidaasEmulatorFault.Status(201, """{"request_uri":"","expires_in":90}""", "application/json"), "CIDAAS8003" },
        { "request_uri not a string", () => CidaasEmulatorFault.Status(201, """{"request_uri":42,"expires_in":90}""", "application/json"), "CIDAAS8003" },
        { "no expires_in", () => CidaasEmulatorFault.Status(201, """{"request_uri":"urn:ietf:params:oauth:request_uri:x"}""", "application/json"), "CIDAAS8004" },
        { "short expires_in", () => CidaasEmulatorFault.Status(201, """{"request_uri":"urn:ietf:params:oauth:request_uri:x","expires_in":5}""", "application/json"), "CIDAAS8004" },
        { "zero expires_in", () => CidaasEmulatorFault.Status(201, """{"request_uri":"urn:ietf:params:oauth:request_uri:x","expires_in":0}""", "application/json"), "CIDAAS8004" },
        { "negative expires_in", () => CidaasEmulatorFault.Status(201, """{"request_uri":"urn:ietf:params:oauth:request_uri:x","expires_in":-90}""", "application/json"), "CIDAAS8004" },
        { "fractional expires_in", () => CidaasEmulatorFault.Status(201, """{"request_uri":"urn:ietf:params:oauth:request_uri:x","expires_in":90.5}""", "application/json"), "CIDAAS8004" },
        { "text expires_in", () => CidaasEmulatorFault.Status(201, """{"request_uri":"urn:ietf:params:oauth:request_uri:x","expires_in":"soon"}""", "application/json"), "CIDAAS8004" },
        { "not JSON", () => CidaasEmulatorFault.Status(201, "<html>maintenance</html>", "text/html"), "CIDAAS2003" },
        { "JSON array", () => CidaasEmulatorFault.Status(201, "[]", "application/json"), "CIDAAS2003" },
        { "500 without error", () => CidaasEmulatorFault.Status(500, "boom"), "CIDAAS8002" },
        { "503 HTML", () => CidaasEmulatorFault.Status(503, "<html>down</html>", "text/html"), "CIDAAS8002" },
        { "oversized", () => CidaasEmulatorFault.Oversized(256 * 1024, chunked: true), "CIDAAS2008" },
        { "oversized with length", () => CidaasEmulatorFault.Oversized(256 * 1024, chunked: false), "CIDAAS2008" },
        { "dropped connection", () => CidaasEmulatorFault.DropConnection(), "CIDAAS2007" },
    };

    [Theory]
    [MemberData(nameof(BadAnswers))]
    public async Task An_unusable_PAR_answer_fails_the_challenge_closed(string answer, Func<CidaasEmulatorFault> fault, string expected)
    {
        _ = answer;
        await StartWithAdvertisedParAsync(o => o.MaxBackchannelResponseSize = 64 * 1024);
        Emulator.Next.Fault(CidaasDefaults.PushedAuthorizationPath, fault());

        await ExpectChallengeFailureAsync(expected);

        PushRequests.Should().Be(1, "a push is never retried");
    }

    [Fact]
    public async Task A_PAR_error_answer_carries_the_OAuth_error_in_the_failure()
    {
        await StartWithAdvertisedParAsync();
        Emulator.Next.Fault(CidaasDefaults.PushedAuthorizationPath, CidaasEmulatorFault.Status(
            403, """{"error":"invalid_request","error_description":"AUTH10043: The origin is not allowed."}""", "application/json"));

        var failure = await ExpectChallengeFailureAsync("CIDAAS8001");

        failure.Error.Should().Be("invalid_request");
        failure.ErrorDescription.Should().Be("AUTH10043: The origin is not allowed.");
        failure.StatusCode.Should().Be(403);
    }

    [Fact]
    public async Task A_PAR_slower_than_the_backchannel_timeout_fails_the_challenge_closed()
    {
        await StartWithAdvertisedParAsync(o => o.BackchannelTimeout = TimeSpan.FromSeconds(2));
        Emulator.Next.Fault(CidaasDefaults.PushedAuthorizationPath, CidaasEmulatorFault.Delay(TimeSpan.FromSeconds(5)));

        await ExpectChallengeFailureAsync("CIDAAS2006");
    }

    [Fact]
    public async Task A_PAR_error_that_quotes_the_state_nonce_or_secret_back_is_redacted()
    {
        await StartWithAdvertisedParAsync(o => o.BackchannelHttpHandler = new QuotingParHandler(Emulator.CreateHandler(), Remember));

        var failure = await ExpectChallengeFailureAsync("CIDAAS8001");

        failure.ErrorDescription.Should().Contain("[redacted]");
        failure.Message.Should().NotContain(TestClients.ClientSecret);
        Secrets.Should().HaveCount(2, "the handler saw the pushed state and nonce; the base class checks no log line or page shows them");
    }

    [Fact]
    public async Task A_push_is_measured_as_a_back_channel_call_of_the_par_endpoint()
    {
        await StartWithAdvertisedParAsync();
        using var durations = new MetricCollector<double>(
            App.Services.GetRequiredService<IMeterFactory>(), "Cidaas.AspNetCore.Authentication", "cidaas.backchannel.duration");

        await ChallengeAsync();
        Emulator.Next.Fault(CidaasDefaults.PushedAuthorizationPath, CidaasEmulatorFault.Status(400, """{"error":"invalid_request"}""", "application/json"));
        await ExpectChallengeFailureAsync("CIDAAS8001");

        var pushes = durations.GetMeasurementSnapshot().Where(m => (string?)m.Tags["cidaas.endpoint"] == "par").ToList();
        pushes.Should().HaveCount(2);
        pushes[0].Tags.Should().Contain("cidaas.outcome", "success").And.Contain("http.response.status_code", 201).And.NotContainKey("error.type");
        pushes[1].Tags.Should().Contain("cidaas.outcome", "failure").And.Contain("http.response.status_code", 400).And.Contain("error.type", "400");
    }

    [Fact]
    public async Task A_challenge_failure_can_be_handled_by_OnRemoteFailure()
    {
        await StartAppAsync(o =>
        {
            o.PushedAuthorizationBehavior = CidaasPushedAuthorizationBehavior.Require;
            o.Events.OnRemoteFailure = context =>
            {
                context.Properties!.RedirectUri.Should().Be("/protected");
                context.Response.Redirect("/public?error=" + Uri.EscapeDataString(context.Failure!.Message[..10]));
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });

        var response = await Browser.GetAsync(App.BaseAddress + "/protected");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/public?error=CIDAAS8005");
    }

    [Fact]
    public async Task A_request_uri_is_single_use_at_the_emulator()
    {
        await StartWithAdvertisedParAsync();
        var authorization = await ChallengeAsync();
        (await Browser.GetAsync(authorization.ToString())).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var again = await Browser.GetAsync(authorization.ToString());

        again.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await again.Content.ReadAsStringAsync()).Should().Contain("already used");
    }

    [Fact]
    public async Task An_expired_request_uri_is_refused_by_the_emulator()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Emulator.Options.TimeProvider = clock;
        await StartWithAdvertisedParAsync();
        var authorization = await ChallengeAsync();
        QueryOf(authorization)["request_uri"].Should().StartWith(RequestUriPrefix);
        LastPush().Should().NotBeNull();

        clock.Advance(TimeSpan.FromSeconds(91));
        var response = await Browser.GetAsync(authorization.ToString());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("expired");
    }

    [Fact]
    public async Task The_emulator_answers_201_with_the_documented_lifetime_and_refuses_a_request_uri_of_another_client()
    {
        Emulator.Options.PushedAuthorizationRequestLifetime = TimeSpan.FromSeconds(60);
        using var client = Emulator.CreateClient();
        using var pushed = await client.PostAsync(CidaasDefaults.PushedAuthorizationPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = TestClients.ClientId,
            ["client_secret"] = TestClients.ClientSecret,
            ["response_type"] = "code",
            ["redirect_uri"] = TestApp.Origin + "/signin-cidaas",
            ["scope"] = "openid",
        }));
        var body = await pushed.Content.ReadAsStringAsync();
        pushed.StatusCode.Should().Be(HttpStatusCode.Created, body);
        using var answer = System.Text.Json.JsonDocument.Parse(body);
        answer.RootElement.GetProperty("expires_in").GetInt32().Should().Be(60);
        var requestUri = answer.RootElement.GetProperty("request_uri").GetString()!;
        requestUri.Should().StartWith(RequestUriPrefix);

        using var foreign = await client.GetAsync($"{CidaasDefaults.AuthorizationPath}?client_id={CidaasEmulatorOptions.DemoClientId}&request_uri={Uri.EscapeDataString(requestUri)}");

        foreign.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await foreign.Content.ReadAsStringAsync()).Should().Contain("another client");
    }

    public static TheoryData<string, Dictionary<string, string>, HttpStatusCode, string> RefusedPushes => new()
    {
        { "wrong secret", new() { ["client_id"] = TestClients.ClientId, ["client_secret"] = "wrong", ["response_type"] = "code", ["redirect_uri"] = TestApp.Origin + "/signin-cidaas" }, HttpStatusCode.Unauthorized, "invalid_client" },
        { "request_uri pushed", new() { ["client_id"] = TestClients.ClientId, ["client_secret"] = TestClients.ClientSecret, ["response_type"] = "code", ["redirect_uri"] = TestApp.Origin + "/signin-cidaas", ["request_uri"] = RequestUriPrefix + "x" }, HttpStatusCode.BadRequest, "invalid_request" },
        { "unregistered redirect_uri", new() { ["client_id"] = TestClients.ClientId, ["client_secret"] = TestClients.ClientSecret, ["response_type"] = "code", ["redirect_uri"] = "https://evil.test/cb" }, HttpStatusCode.BadRequest, "invalid_request" },
        { "token response type", new() { ["client_id"] = TestClients.ClientId, ["client_secret"] = TestClients.ClientSecret, ["response_type"] = "token", ["redirect_uri"] = TestApp.Origin + "/signin-cidaas" }, HttpStatusCode.BadRequest, "unsupported_response_type" },
        { "bad code_challenge", new() { ["client_id"] = TestClients.ClientId, ["client_secret"] = TestClients.ClientSecret, ["response_type"] = "code", ["redirect_uri"] = TestApp.Origin + "/signin-cidaas", ["code_challenge"] = "short" }, HttpStatusCode.BadRequest, "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(RefusedPushes))]
    public async Task The_emulator_refuses_a_push_the_authorization_endpoint_would_refuse(string push, Dictionary<string, string> form, HttpStatusCode status, string error)
    {
        _ = push;
        using var client = Emulator.CreateClient();

        using var response = await client.PostAsync(CidaasDefaults.PushedAuthorizationPath, new FormUrlEncodedContent(form));

        response.StatusCode.Should().Be(status);
        (await response.Content.ReadAsStringAsync()).Should().Contain($"\"error\":\"{error}\"");
        Emulator.CountRequests(CidaasDefaults.PushedAuthorizationPath).Should().Be(1);
    }

    [Fact]
    public async Task Query_parameters_beside_the_request_uri_are_ignored_by_the_emulator()
    {
        string? grantedScope = null;
        await StartWithAdvertisedParAsync(o => o.Events.OnTokenResponseReceived = c =>
        {
            var accessToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(c.TokenResponse.AccessToken);
            grantedScope = string.Join(' ', accessToken.Claims.Where(claim => claim.Type == "scopes").Select(claim => claim.Value));
            return Task.CompletedTask;
        });
        var authorization = await ChallengeAsync();

        // An attacker in the browser widens the scope and swaps the redirect: only the pushed parameters count.
        var tampered = authorization + "&scope=openid%20roles%20groups&redirect_uri=" + Uri.EscapeDataString("https://evil.test/cb");
        var callback = await AuthorizeAsync(new Uri(tampered));

        callback.GetLeftPart(UriPartial.Path).Should().Be(TestApp.Origin + "/signin-cidaas");
        (await Browser.GetAsync(callback.ToString())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        App.Failures.Should().BeEmpty();
        grantedScope!.Split(' ').Should().BeEquivalentTo("openid", "profile", "email");
    }

    [Fact]
    public async Task With_PAR_a_tampered_state_is_still_rejected_on_the_callback()
    {
        await StartWithAdvertisedParAsync();
        var callback = await AuthorizeAsync(await ChallengeAsync());
        var query = QueryOf(callback);

        var response = await Browser.GetAsync($"{TestApp.Origin}/signin-cidaas?code={Uri.EscapeDataString(query["code"])}&state={Uri.EscapeDataString(query["state"][..^4] + "AAAA")}");

        await ExpectRejectedWithoutTokenRequestAsync(response, "CIDAAS1002");
    }

    [Fact]
    public async Task With_PAR_the_nonce_is_still_checked_in_the_id_token()
    {
        await StartWithAdvertisedParAsync();

        var response = await CallbackAfterAsync(next => next.IdToken(CidaasIdTokenDefect.WrongNonce));

        await ExpectFailureAsync(response, "CIDAAS3002");
    }

    [Fact]
    public async Task With_PAR_the_pushed_PKCE_challenge_binds_the_code()
    {
        string? withoutVerifier = null;
        await StartWithAdvertisedParAsync(o => o.Events.OnAuthorizationCodeReceived = async c =>
        {
            // Redeem the code as a thief would, without the verifier: the pushed challenge must refuse it.
            withoutVerifier = await RedeemCodeWithoutVerifierAsync(c);
        });

        await CallbackAfterAsync(_ => { });

        withoutVerifier.Should().Contain("invalid_grant");
    }

    [Fact]
    public void An_unknown_behavior_is_named_by_the_validation()
    {
        var options = new CidaasOptions
        {
            Authority = "https://tenant.cidaas.eu",
            ClientId = "id",
            ClientSecret = "secret-value",
            SignInScheme = "Cookies",
            PushedAuthorizationBehavior = (CidaasPushedAuthorizationBehavior)(-1),
            PushedAuthorizationEndpoint = "http://tenant.cidaas.eu/authz-srv/par",
        };

        var message = options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.Message;

        message.Should().Contain("'PushedAuthorizationBehavior' option must be UseIfAvailable, Disable or Require");
        message.Should().Contain("'PushedAuthorizationEndpoint' option must use https");
    }

    [Fact]
    public void The_options_are_bound_from_the_configuration_section()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:Cidaas:Authority"] = "https://tenant.cidaas.eu",
            ["Authentication:Schemes:Cidaas:ClientId"] = "configured-id",
            ["Authentication:Schemes:Cidaas:ClientSecret"] = "configured-secret",
            ["Authentication:Schemes:Cidaas:PushedAuthorizationBehavior"] = "require",
            ["Authentication:Schemes:Cidaas:PushedAuthorizationEndpoint"] = "https://tenant.cidaas.eu/authz-srv/par",
        });
        builder.Services.AddAuthentication().AddCookie().AddCidaas();
        using var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(CidaasDefaults.AuthenticationScheme);

        options.PushedAuthorizationBehavior.Should().Be(CidaasPushedAuthorizationBehavior.Require);
        options.PushedAuthorizationEndpoint.Should().Be("https://tenant.cidaas.eu/authz-srv/par");
    }

    [Fact]
    public async Task A_misspelt_behavior_in_configuration_stops_the_start_with_its_key()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:Cidaas:Authority"] = "https://tenant.cidaas.eu",
            ["Authentication:Schemes:Cidaas:ClientId"] = "configured-id",
            ["Authentication:Schemes:Cidaas:ClientSecret"] = "configured-secret",
            ["Authentication:Schemes:Cidaas:PushedAuthorizationBehavior"] = "Always",
        });
        builder.Services.AddAuthentication().AddCookie().AddCidaas();
        using var app = builder.Build();

        var thrown = await app.Invoking(a => a.StartAsync()).Should().ThrowAsync<ArgumentException>();

        thrown.Which.Message.Should().Contain("configuration key 'Authentication:Schemes:Cidaas:PushedAuthorizationBehavior'");
    }

    /// <summary>Answers a push with an error that quotes the pushed state, nonce and client secret back, as a careless server might.</summary>
    private sealed class QuotingParHandler(HttpMessageHandler inner, Func<string, string> remember) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath != CidaasDefaults.PushedAuthorizationPath)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(await request.Content!.ReadAsStringAsync(cancellationToken));
            var state = remember(form["state"].ToString());
            var nonce = remember(form["nonce"].ToString());
            var description = $"bad state {state}, nonce {nonce}, secret {TestClients.ClientSecret}";
            var json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = "invalid_request", ["error_description"] = description });
            return new HttpResponseMessage(HttpStatusCode.BadRequest)
            {
                Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
        }
    }
}
