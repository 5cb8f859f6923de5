using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>Many users at once: nothing of one sign-in leaks into another, and a code still counts once.</summary>
public sealed class ConcurrencyTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const string Origin = TestApp.Origin;

    [Fact]
    public async Task Two_hundred_concurrent_sign_ins_of_twenty_users_each_end_with_their_own_users_claims()
    {
        var users = Enumerable.Range(0, 20).Select(i => new CidaasEmulatorUser
        {
            Sub = $"user-{i:D2}-{Guid.NewGuid():N}",
            Username = $"user{i:D2}",
            Email = $"user{i:D2}@example.com",
            EmailVerified = true,
            Name = $"User {i:D2}",
            Roles = { $"role-{i:D2}" },
            Groups = { new CidaasEmulatorGroup($"group-{i:D2}", "member") },
        }).ToList();
        foreach (var user in users)
        {
            EmulatorOptions.Users.Add(user);
        }

        await StartAppAsync();

        var sessions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => SignInAsAsync(users[i % users.Count]))));

        App.Failures.Should().BeEmpty();
        TokenRequests.Should().Be(200);
        UserInfoRequests.Should().Be(200);
        foreach (var (user, status, claims) in sessions)
        {
            status.Should().Be(HttpStatusCode.OK);
            claims.Should().Contain($"{ClaimTypes.NameIdentifier}|{user.Sub}")
                .And.Contain($"{ClaimTypes.Email}|{user.Email}")
                .And.Contain($"{ClaimTypes.Role}|{user.Roles[0]}")
                .And.Contain($"{CidaasClaimTypes.Group}|{user.Groups[0].GroupId}");
            claims.Where(c => c.StartsWith(ClaimTypes.NameIdentifier + "|", StringComparison.Ordinal)).Should().ContainSingle();
            claims.Where(c => c.StartsWith(ClaimTypes.Role + "|", StringComparison.Ordinal)).Should().ContainSingle("no other user's role may slip in");
        }

        sessions.GroupBy(s => s.User.Sub).Should().HaveCount(20).And.OnlyContain(g => g.Count() == 10);
    }

    [Fact]
    public async Task Parallel_replays_of_one_callback_sign_in_at_most_once_and_never_answer_500()
    {
        var callback = await StartAppAndAuthorizeAsync();
        var cookieHeader = Browser.Cookies.GetCookieHeader(callback);
        using var invoker = new HttpMessageInvoker(App.CreateHandler());

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, callback);
            request.Headers.Add("Cookie", cookieHeader);
            return await invoker.SendAsync(request, CancellationToken.None);
        })));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Redirect || r.StatusCode == HttpStatusCode.BadRequest);
        responses.Count(SetsSignInCookie).Should().BeLessThanOrEqualTo(1, "a code signs in at most one session");
        responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest).Should().BeGreaterThanOrEqualTo(19);
        App.Failures.Should().OnlyContain(f => f is CidaasProtocolException);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Fifty_concurrent_sign_ins_right_after_a_key_rotation_refetch_the_keys_once()
    {
        await StartAppAsync();
        await App.GetOptions().ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
        Emulator.RotateSigningKey(keepPreviousKeyPublished: false);
        var jwksBefore = Emulator.CountRequests(CidaasDefaults.JwksPath);
        var pending = new List<(TestBrowser Browser, Uri Callback)>();
        for (var i = 0; i < 50; i++)
        {
            pending.Add(await StartSignInAsync());
        }

        var responses = await Task.WhenAll(pending.Select(p => Task.Run(() => p.Browser.GetAsync(p.Callback.ToString()))));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.Redirect);
        App.Failures.Should().BeEmpty();
        Emulator.CountRequests(CidaasDefaults.JwksPath).Should().Be(jwksBefore + 1, "one single-flight refetch serves every waiting sign-in");
    }

    [Fact]
    public async Task Sign_in_that_failed_with_the_old_keys_while_another_refetched_them_retries_with_the_new_keys_without_a_second_fetch()
    {
        // Request A is held between its failed validation (old keys) and its call for a refresh, while request B
        // refetches the keys and signs in. A must then take the keys B fetched: no throttle refusal, no second fetch.
        var gate = new TestGate();
        await StartAppAsync(o => o.TokenHandler = new HoldingTokenHandler(gate));
        await App.GetOptions().ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
        Emulator.RotateSigningKey(keepPreviousKeyPublished: false);
        var a = await StartSignInAsync();
        var b = await StartSignInAsync();
        var jwksBefore = Emulator.CountRequests(CidaasDefaults.JwksPath);

        var responseA = Task.Run(() => a.Browser.GetAsync(a.Callback.ToString()));
        HttpResponseMessage responseB;
        try
        {
            await gate.Reached;
            responseB = await b.Browser.GetAsync(b.Callback.ToString());
        }
        finally
        {
            gate.Release();
        }

        responseB.StatusCode.Should().Be(HttpStatusCode.Redirect, await responseB.Content.ReadAsStringAsync());
        var afterA = await responseA;
        afterA.StatusCode.Should().Be(HttpStatusCode.Redirect, await afterA.Content.ReadAsStringAsync());
        App.Failures.Should().BeEmpty();
        Emulator.CountRequests(CidaasDefaults.JwksPath).Should().Be(jwksBefore + 1, "A reuses the keys B fetched");
    }

    private async Task<(TestBrowser Browser, Uri Callback)> StartSignInAsync()
    {
        var browser = CreateBrowser();
        var authorization = (await browser.GetAsync(Origin + "/protected")).Headers.Location!;
        return (browser, (await browser.GetAsync(authorization.ToString())).Headers.Location!);
    }

    private async Task<(CidaasEmulatorUser User, HttpStatusCode Status, string[] Claims)> SignInAsAsync(CidaasEmulatorUser user)
    {
        var browser = CreateBrowser();
        var authorization = (await browser.GetAsync(Origin + "/protected")).Headers.Location!;
        var callback = (await browser.GetAsync(authorization + "&login_hint=" + user.Username)).Headers.Location!;
        var afterCallback = await browser.GetAsync(callback.ToString());
        var page = await browser.FollowAsync(new Uri(new Uri(Origin), afterCallback.Headers.Location!).ToString());
        return (user, page.StatusCode, (await page.Content.ReadAsStringAsync()).Split('\n'));
    }

    private TestBrowser CreateBrowser() => new TestBrowser()
        .Register(Origin, App.CreateHandler())
        .Register(Emulator.Authority, Emulator.CreateHandler());

    private static bool SetsSignInCookie(HttpResponseMessage response)
        => response.Headers.TryGetValues("Set-Cookie", out var cookies)
           && cookies.Any(c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal) && !c.StartsWith(".AspNetCore.Cookies=;", StringComparison.Ordinal));

    /// <summary>Validates like the default handler, but holds the first id_token whose key is unknown at the gate.</summary>
    private sealed class HoldingTokenHandler : JsonWebTokenHandler
    {
        private readonly TestGate _gate;

        public HoldingTokenHandler(TestGate gate)
        {
            _gate = gate;
            MapInboundClaims = false;
        }

        public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            var result = await base.ValidateTokenAsync(token, validationParameters);
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                await _gate.WaitAsync();
            }

            return result;
        }
    }
}
