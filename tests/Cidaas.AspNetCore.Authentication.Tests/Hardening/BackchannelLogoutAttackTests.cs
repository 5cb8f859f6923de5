using System.Text;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>Every rule of Back-Channel Logout 1.0 §2.6, broken one at a time: 400 with a JSON error, no session ended, never a 500.</summary>
public sealed class BackchannelLogoutAttackTests(ITestOutputHelper output) : SessionTestBase(output)
{
    [Theory]
    [InlineData(CidaasLogoutTokenDefect.AlgNone, "CIDAAS6002")]
    [InlineData(CidaasLogoutTokenDefect.UnknownSigningKey, "signed with a key that is not in the issuer's key set")]
    [InlineData(CidaasLogoutTokenDefect.BadSignature, "signature is not valid")]
    [InlineData(CidaasLogoutTokenDefect.WrongIssuer, "issuer ('iss')")]
    [InlineData(CidaasLogoutTokenDefect.WrongAudience, "audience ('aud')")]
    [InlineData(CidaasLogoutTokenDefect.MissingEvents, "no 'events' claim")]
    [InlineData(CidaasLogoutTokenDefect.EventNotAnObject, "with an object value")]
    [InlineData(CidaasLogoutTokenDefect.OtherEvent, "with an object value")]
    [InlineData(CidaasLogoutTokenDefect.NoncePresent, "'nonce'")]
    [InlineData(CidaasLogoutTokenDefect.NoSubjectNoSession, "neither a 'sub' nor a 'sid'")]
    [InlineData(CidaasLogoutTokenDefect.MissingJti, "no 'jti'")]
    [InlineData(CidaasLogoutTokenDefect.Expired, "expired")]
    [InlineData(CidaasLogoutTokenDefect.FutureIat, "'iat' claim lies in the future")]
    [InlineData(CidaasLogoutTokenDefect.TooOld, "too old")]
    [InlineData(CidaasLogoutTokenDefect.TypeJwt, "'logout+jwt'")]
    [InlineData(CidaasLogoutTokenDefect.Hs256WithPublicKey, "accepts only with the 'AcceptHs256IdTokens' option")]
    public async Task A_defective_logout_token_is_refused_and_ends_no_session(CidaasLogoutTokenDefect defect, string descriptionPart)
    {
        await StartAppAsync();
        await SignInAsync();

        var response = await PostLogoutAsync(LogoutToken(defect, SessionIdOfTheSignIn()));

        await ExpectLogoutRejectedAsync(response, descriptionPart);
        (await IsSignedInAsync()).Should().BeTrue("a refused logout token ends nothing");
    }

    [Fact]
    public async Task An_hs256_logout_token_keyed_with_the_issuers_published_key_is_refused_even_where_hs256_is_accepted()
    {
        EmulatorOptions.Clients.Single(c => c.ClientId == TestClients.ClientId).ClientSecret = ClientKeys.LongSecret;
        await StartAppAsync(o => o.AcceptHs256IdTokens = true);
        await SignInAsync();

        var response = await PostLogoutAsync(LogoutToken(CidaasLogoutTokenDefect.Hs256WithPublicKey, SessionIdOfTheSignIn()));

        await ExpectLogoutRejectedAsync(response, "its HS256 signature was not made with the client secret");
        (await IsSignedInAsync()).Should().BeTrue("a refused logout token ends nothing");
    }

    [Fact]
    public async Task A_replayed_logout_token_is_refused()
    {
        await StartAppAsync();
        var token = LogoutToken();
        (await PostLogoutAsync(token)).StatusCode.Should().Be(HttpStatusCode.OK);

        await ExpectLogoutRejectedAsync(await PostLogoutAsync(token), "CIDAAS6005");
    }

    [Fact]
    public async Task An_id_token_posted_as_a_logout_token_is_refused()
    {
        await StartAppAsync();
        var tokens = await Emulator.GetAccessTokenAsync("alice", "openid", TestClients.ClientId);
        Remember(tokens.AccessToken);

        await ExpectLogoutRejectedAsync(await PostLogoutAsync(Remember(tokens.IdToken!)), "CIDAAS6002");
        await ExpectLogoutRejectedAsync(await PostLogoutAsync(tokens.AccessToken), "CIDAAS6002");
    }

    [Fact]
    public async Task A_logout_token_returned_as_an_id_token_fails_the_sign_in()
    {
        await StartAppAsync();

        var callback = await CallbackAfterAsync(next => next.IdTokenMember("events", """{"http://schemas.openid.net/event/backchannel-logout":{}}"""));

        await ExpectFailureAsync(callback, "it is a logout token");
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public async Task A_request_other_than_POST_is_refused(string method)
    {
        await StartAppAsync();
        using var client = new HttpClient(App.CreateHandler());
        using var request = new HttpRequestMessage(new HttpMethod(method), App.BaseAddress + LogoutPath + "?logout_token=" + LogoutToken());

        await ExpectLogoutRejectedAsync(await client.SendAsync(request), "CIDAAS6001");
    }

    [Fact]
    public async Task A_body_that_is_not_form_encoded_is_refused()
    {
        await StartAppAsync();
        using var json = new StringContent("{\"logout_token\":\"" + LogoutToken() + "\"}", Encoding.UTF8, "application/json");
        await ExpectLogoutRejectedAsync(await PostLogoutAsync(json), "CIDAAS6001");

        using var multipart = new MultipartFormDataContent { { new StringContent(LogoutToken()), "logout_token" } };
        await ExpectLogoutRejectedAsync(await PostLogoutAsync(multipart), "CIDAAS6001");
    }

    [Fact]
    public async Task An_oversized_body_is_refused_without_being_read_whole()
    {
        await StartAppAsync();
        using var content = new FormUrlEncodedContent([new("logout_token", LogoutToken()), new("padding", new string('a', 64 * 1024))]);

        await ExpectLogoutRejectedAsync(await PostLogoutAsync(content), "CIDAAS6004");
    }

    [Fact]
    public async Task A_body_without_one_logout_token_is_refused()
    {
        await StartAppAsync();
        using var none = new FormUrlEncodedContent([new("token", LogoutToken())]);
        await ExpectLogoutRejectedAsync(await PostLogoutAsync(none), "CIDAAS6003");

        using var two = new FormUrlEncodedContent([new("logout_token", LogoutToken()), new("logout_token", LogoutToken())]);
        await ExpectLogoutRejectedAsync(await PostLogoutAsync(two), "CIDAAS6003");

        using var garbage = new FormUrlEncodedContent([new("logout_token", "not-a-jwt")]);
        await ExpectLogoutRejectedAsync(await PostLogoutAsync(garbage), "not a well-formed JWT");
    }

    [Fact]
    public async Task A_flood_of_tokens_with_made_up_key_ids_costs_at_most_one_key_refetch()
    {
        await StartAppAsync();
        (await PostLogoutAsync(LogoutToken())).StatusCode.Should().Be(HttpStatusCode.OK);
        var jwksBefore = JwksRequests;

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostLogoutAsync(LogoutToken(CidaasLogoutTokenDefect.UnknownSigningKey))));

        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.BadRequest);
        (JwksRequests - jwksBefore).Should().BeLessThanOrEqualTo(1);
        Output.WriteLine($"JWKS requests for 20 forged logout tokens: {JwksRequests - jwksBefore}");
    }
}
