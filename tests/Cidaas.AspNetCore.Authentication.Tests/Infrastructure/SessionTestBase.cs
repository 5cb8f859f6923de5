using System.Text.Json;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>
/// Sessions tests: the sign-in app of <see cref="SignInTestBase"/>, with the test client registered at the emulator with
/// the app's back-channel logout URI, and the emulator's back channel pointed at the app (<see cref="ConnectBackchannelLogout"/>).
/// </summary>
public abstract class SessionTestBase(ITestOutputHelper output) : SignInTestBase(output)
{
    protected const string LogoutPath = CidaasDefaults.BackchannelLogoutPath;

    protected CidaasEmulatorUser Alice => Emulator.Options.Users.Single(u => u.Username == "alice");

    protected CidaasEmulatorClient TestClient => Emulator.Options.Clients.Single(c => c.ClientId == TestClients.ClientId);

    /// <summary>Registers the app's back-channel logout URI for the test client and lets the emulator reach <paramref name="app"/> (default: the test's app).</summary>
    protected void ConnectBackchannelLogout(TestApp<CidaasOptions>? app = null)
    {
        TestClient.BackchannelLogoutUri = TestApp.Origin + LogoutPath;
        TestClient.BackchannelLogoutSessionRequired = true;
        Emulator.Options.BackchannelLogoutHandler = (app ?? App).CreateHandler();
    }

    /// <summary>The <c>sid</c> of the id_token the app received at its one sign-in (read from the token the app saw).</summary>
    protected string SessionIdOfTheSignIn()
    {
        if (Emulator.Requests.Count(r => r.Path == CidaasDefaults.TokenPath) != 1)
        {
            throw new InvalidOperationException("one sign-in expected");
        }

        var idToken = App.SeenSecrets.Last(t => t.Count(c => c == '.') == 2 && new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(t).TryGetPayloadValue<string>("at_hash", out _));
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(idToken).TryGetPayloadValue<string>("sid", out var sid).Should().BeTrue();
        return sid!;
    }

    /// <summary>A logout token for the test client, remembered as a secret (it must appear in no log line).</summary>
    protected string LogoutToken(CidaasLogoutTokenDefect defect = CidaasLogoutTokenDefect.None, string? sessionId = null)
        => Remember(Emulator.CreateLogoutToken("alice", sessionId, TestClients.ClientId, defect));

    /// <summary>POSTs a form body to the app's back-channel logout endpoint, as cidaas would.</summary>
    protected Task<HttpResponseMessage> PostLogoutAsync(string logoutToken, TestApp<CidaasOptions>? app = null)
        => PostLogoutAsync(new FormUrlEncodedContent([new("logout_token", logoutToken)]), app ?? App);

    protected static async Task<HttpResponseMessage> PostLogoutAsync(HttpContent content, TestApp<CidaasOptions> app)
    {
        using var client = new HttpClient(app.CreateHandler());
        return await client.PostAsync(app.BaseAddress + LogoutPath, content);
    }

    protected Task<HttpResponseMessage> PostLogoutAsync(HttpContent content) => PostLogoutAsync(content, App);

    /// <summary>Asserts a 400 with a JSON <c>error</c>/<c>error_description</c> naming <paramref name="descriptionPart"/>, and no stack trace.</summary>
    protected static async Task ExpectLogoutRejectedAsync(HttpResponseMessage response, string descriptionPart)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("error").GetString().Should().Be("invalid_request");
        json.RootElement.GetProperty("error_description").GetString().Should().Contain(descriptionPart);
        body.Should().NotContain(" at ", "no stack trace is shown");
    }

    /// <summary>Whether the browser's next request to /protected is served (signed in) rather than challenged.</summary>
    protected async Task<bool> IsSignedInAsync()
    {
        var response = await Browser.GetAsync(App.BaseAddress + "/protected");
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return true;
        }

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "an anonymous user is challenged, nothing else");
        response.Headers.Location!.GetLeftPart(UriPartial.Path).Should().Be(Emulator.Authority + CidaasDefaults.AuthorizationPath);
        return false;
    }
}
