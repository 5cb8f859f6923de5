using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Tests.TestKit;

/// <summary>
/// <see cref="CidaasEmulator.Next"/>: every arrangement shapes exactly one later answer of its kind, arrangements of one
/// kind queue up in order, and concurrent requests never share one.
/// </summary>
public sealed class EmulatorNextAnswersTests(ITestOutputHelper output) : SignInTestBase(output)
{
    [Fact]
    public async Task Faults_answer_one_request_each_in_the_order_they_were_arranged_and_only_at_their_path()
    {
        using var client = Emulator.CreateClient();
        Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "first"));
        Emulator.Next.Fault("/.WELL-KNOWN/openid-configuration", CidaasEmulatorFault.Status(502, "second"));

        var jwks = await client.GetAsync(CidaasDefaults.JwksPath);
        var first = await client.GetAsync(CidaasDefaults.DiscoveryPath);
        var second = await client.GetAsync(CidaasDefaults.DiscoveryPath);
        var third = await client.GetAsync(CidaasDefaults.DiscoveryPath);

        jwks.StatusCode.Should().Be(HttpStatusCode.OK, "a fault waits for a request to its own path");
        first.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await first.Content.ReadAsStringAsync()).Should().Be("first");
        second.StatusCode.Should().Be(HttpStatusCode.BadGateway, "paths are compared without regard to case");
        third.StatusCode.Should().Be(HttpStatusCode.OK, "each fault was used up by one request");
    }

    [Fact]
    public async Task Concurrent_requests_take_each_arranged_fault_exactly_once()
    {
        const int Faults = 50;
        for (var i = 0; i < Faults; i++)
        {
            Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));
        }

        using var client = Emulator.CreateClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 2 * Faults).Select(_ => Task.Run(async () =>
        {
            using var response = await client.GetAsync(CidaasDefaults.DiscoveryPath);
            return response.StatusCode;
        })));

        answers.Count(status => status == HttpStatusCode.ServiceUnavailable).Should().Be(Faults);
        answers.Count(status => status == HttpStatusCode.OK).Should().Be(Faults);
        (await client.GetAsync(CidaasDefaults.DiscoveryPath)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Id_token_arrangements_shape_the_next_id_tokens_in_order_and_then_none()
    {
        await StartAppAsync();
        Emulator.Next.IdToken(CidaasIdTokenDefect.WrongIssuer);
        Emulator.Next.IdTokenMember("iat", "\"1700000000\"");

        await ExpectFailureAsync(await CallbackAfterAsync(_ => { }), "CIDAAS3002");
        App.Failures.Clear();
        var second = await ExpectFailureAsync(await CallbackAfterAsync(_ => { }), "CIDAAS3002");
        App.Failures.Clear();
        var third = await CallbackAfterAsync(_ => { });

        second.Message.Should().Contain("'iat'");
        third.StatusCode.Should().Be(HttpStatusCode.Redirect, await third.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Tokens_issued_without_the_token_endpoint_leave_the_arrangements_for_it()
    {
        await StartAppAsync();
        Emulator.Next.IdToken(CidaasIdTokenDefect.WrongIssuer);
        Emulator.Next.TokenResponse(CidaasTokenResponseDefect.MissingAccessToken);

        var tokens = await Emulator.GetAccessTokenAsync("alice", "openid");

        Remember(tokens.AccessToken);
        new JsonWebToken(Remember(tokens.IdToken!)).Issuer.Should().Be(Emulator.Authority);
        await ExpectFailureAsync(await CallbackAfterAsync(_ => { }), "CIDAAS2004");
        Emulator.Requests.Should().NotContain(r => r.Path == CidaasDefaults.UserInformationPath);
    }

    [Fact]
    public async Task Userinfo_subject_and_authorization_response_issuer_are_one_shot()
    {
        SendAuthorizationResponseIssuer(EmulatorOptions);
        await StartAppAsync();
        Emulator.Next.AuthorizationResponseIssuer("https://evil-idp.example");
        var rejected = await AuthorizeAsync(await ChallengeAsync());
        var accepted = await AuthorizeAsync(await ChallengeAsync());

        CallbackUrl.Parameter(rejected, "iss").Should().Be("https://evil-idp.example");
        CallbackUrl.Parameter(accepted, "iss").Should().Be(Emulator.Authority);

        Emulator.Next.UserInfoSubject("someone-else");
        await ExpectFailureAsync(await CallbackAfterAsync(_ => { }), "CIDAAS2012");
        App.Failures.Clear();
        (await CallbackAfterAsync(_ => { })).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Clear_forgets_every_arrangement_not_yet_taken()
    {
        await StartAppAsync();
        Emulator.Next.Fault(CidaasDefaults.TokenPath, CidaasEmulatorFault.Status(500, "boom"));
        Emulator.Next.AuthorizationResponseIssuer(null);
        Emulator.Next.TokenResponse(CidaasTokenResponseDefect.WrongTokenType);
        Emulator.Next.IdToken(CidaasIdTokenDefect.BadSignature);
        Emulator.Next.UserInfoSubject("someone-else");

        Emulator.Next.Clear();
        var page = await SignInAsync();

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        App.Failures.Should().BeEmpty();
    }

    [Fact]
    public void Id_token_member_must_be_JSON_text()
    {
        Emulator.Invoking(e => e.Next.IdTokenMember("iat", "not json")).Should().Throw<ArgumentException>().WithParameterName("json");
        Emulator.Invoking(e => e.Next.IdTokenMember("", "1")).Should().Throw<ArgumentException>();
        Emulator.Invoking(e => e.Next.Fault("", CidaasEmulatorFault.DropConnection())).Should().Throw<ArgumentException>();
    }
}
