using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>
/// Sign-in tests: an app with cookies plus cidaas (client <see cref="TestClients.ClientId"/>, <c>SaveTokens</c> on) and
/// <c>/protected</c> (any signed-in user; answers the claims as "type|value" lines), <c>/admin</c> (role admin),
/// <c>/login</c>, <c>/signout</c>, <c>/tokens</c> and <c>/public</c>; the app records every remote failure and every token
/// it saw. The helpers walk the front channel with <see cref="CidaasTestBase{TOptions}.Browser"/>.
/// </summary>
public abstract class SignInTestBase(ITestOutputHelper output) : CidaasTestBase<CidaasOptions>(output, CidaasDefaults.AuthenticationScheme)
{
    /// <summary>A second cidaas scheme, "CidaasB", with the test client on /signin-cidaas-b, against this test's emulator or another one.</summary>
    protected void AddSecondScheme(AuthenticationBuilder authentication) => AddSecondScheme(authentication, Emulator);

    protected static void AddSecondScheme(AuthenticationBuilder authentication, CidaasEmulator emulator)
        => authentication.AddCidaas("CidaasB", "cidaas B", o => ConfigureSecondScheme(o, emulator));

    /// <summary>The options of a second scheme: this test's emulator and the test client, on /signin-cidaas-b.</summary>
    protected void ConfigureSecondScheme(CidaasOptions o) => ConfigureSecondScheme(o, Emulator);

    private static void ConfigureSecondScheme(CidaasOptions o, CidaasEmulator emulator)
    {
        emulator.ConfigureClient(o, TestClients.ClientId);
        o.CallbackPath = "/signin-cidaas-b";
        o.SignedOutCallbackPath = "/signout-callback-cidaas-b";
    }

    /// <summary>
    /// Makes the emulator advertise and send RFC 9207's <c>iss</c>, which real cidaas does not (docs/cidaas-compatibility.md),
    /// for the tests of the package's mix-up defence.
    /// </summary>
    protected static void SendAuthorizationResponseIssuer(CidaasEmulatorOptions options)
    {
        options.AdvertiseAuthorizationResponseIss = true;
        options.SendIssInAuthorizationResponse = true;
    }

    /// <summary>Requests a protected page and stops at the redirect to the authorization endpoint.</summary>
    protected async Task<Uri> ChallengeAsync(string path = "/protected")
    {
        var response = await Browser.GetAsync(App.BaseAddress + path);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = response.Headers.Location!;
        location.GetLeftPart(UriPartial.Path).Should().Be(Emulator.Authority + CidaasDefaults.AuthorizationPath);
        return location;
    }

    /// <summary>Sends the browser to the emulator and returns the callback URL it redirects back to (not yet followed).</summary>
    protected async Task<Uri> AuthorizeAsync(Uri authorizationUrl)
    {
        var response = await Browser.GetAsync(authorizationUrl.ToString());
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!;
    }

    /// <summary>Starts the app, then a sign-in, and stops at the callback URL the emulator sends the browser back to (not yet followed).</summary>
    protected async Task<Uri> StartAppAndAuthorizeAsync(Action<CidaasOptions>? configure = null)
    {
        await StartAppAsync(configure);
        return await AuthorizeAsync(await ChallengeAsync());
    }

    /// <summary>
    /// Challenges and authorizes, then arranges the emulator's next answers and follows the callback, so that the code
    /// exchange and what comes after it meet the arrangement.
    /// </summary>
    protected async Task<HttpResponseMessage> CallbackAfterAsync(Action<CidaasEmulatorNextAnswers> arrange)
    {
        var callback = await AuthorizeAsync(await ChallengeAsync());
        arrange(Emulator.Next);
        return await Browser.GetAsync(callback.ToString());
    }

    /// <summary>The whole sign-in: protected page → emulator → callback → back to the page, signed in.</summary>
    protected async Task<HttpResponseMessage> SignInAsync(string path = "/protected")
    {
        var callback = await AuthorizeAsync(await ChallengeAsync(path));
        var afterCallback = await Browser.GetAsync(callback.ToString());
        afterCallback.StatusCode.Should().Be(HttpStatusCode.Redirect, await afterCallback.Content.ReadAsStringAsync());
        return await Browser.FollowAsync(new Uri(new Uri(App.BaseAddress), afterCallback.Headers.Location!).ToString());
    }

    /// <summary>
    /// Redeems the code the handler received at the emulator's token endpoint before the handler does, as a thief who
    /// stole it would: the test client's id and secret and the code's <c>redirect_uri</c>, but no PKCE verifier.
    /// </summary>
    /// <param name="received">The context of <c>OnAuthorizationCodeReceived</c>, with the code and its redirect URI.</param>
    /// <returns>The token endpoint's answer (body).</returns>
    protected async Task<string> RedeemCodeWithoutVerifierAsync(CidaasAuthorizationCodeReceivedContext received)
    {
        using var client = Emulator.CreateClient();
        using var response = await client.PostAsync(CidaasDefaults.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = received.Code,
            ["redirect_uri"] = received.RedirectUri,
            ["client_id"] = TestClients.ClientId,
            ["client_secret"] = TestClients.ClientSecret,
        }));
        return await response.Content.ReadAsStringAsync();
    }

    protected bool HasSignInCookie() => Browser.HasCookie(App.BaseAddress, ".AspNetCore.Cookies");

    /// <summary>Asserts the failure the app recorded and that it ended in a clean 400 page.</summary>
    protected async Task<CidaasProtocolException> ExpectFailureAsync(HttpResponseMessage callbackResponse, string messagePart)
    {
        var body = await callbackResponse.Content.ReadAsStringAsync();
        callbackResponse.StatusCode.Should().Be(HttpStatusCode.BadRequest, body);
        body.Should().Contain(messagePart);
        body.Should().NotContain(" at ", "no stack trace is shown");
        App.Failures.Should().ContainSingle();
        var failure = App.Failures.Single().Should().BeOfType<CidaasProtocolException>().Subject;
        failure.Message.Should().Contain(messagePart);
        HasSignInCookie().Should().BeFalse();
        return failure;
    }

    /// <summary>Asserts the failure as <see cref="ExpectFailureAsync"/> does, and that no code reached the token endpoint.</summary>
    protected async Task<CidaasProtocolException> ExpectRejectedWithoutTokenRequestAsync(HttpResponseMessage callbackResponse, string messagePart)
    {
        var failure = await ExpectFailureAsync(callbackResponse, messagePart);
        TokenRequests.Should().Be(0);
        return failure;
    }

    /// <summary>
    /// Starts the app and a sign-in, lets <paramref name="alter"/> rewrite the callback URL as an attacker would, follows
    /// it, and expects a clean failure naming <paramref name="messagePart"/>, with no token request.
    /// </summary>
    protected async Task<CidaasProtocolException> ExpectAlteredCallbackRejectedAsync(
        Func<Uri, string> alter, string messagePart, Action<CidaasOptions>? configure = null)
    {
        var callback = await StartAppAndAuthorizeAsync(configure);

        var response = await Browser.GetAsync(alter(callback));

        return await ExpectRejectedWithoutTokenRequestAsync(response, messagePart);
    }

    // ASP.NET Core's own request lines (Hosting.Diagnostics events 1 and 2) print every request URL, the callback's
    // single-use code included; that is the host's logging, documented in the README. Every other line, ours above
    // all, is held to the rule.
    protected override bool IsScanned(string logLine)
        => !logLine.Contains("Microsoft.AspNetCore.Hosting.Diagnostics[1]:", StringComparison.Ordinal)
        && !logLine.Contains("Microsoft.AspNetCore.Hosting.Diagnostics[2]:", StringComparison.Ordinal);

    protected override AuthenticationBuilder AddScheme(IServiceCollection services, TestApp<CidaasOptions> app, CidaasEmulator emulator, Action<CidaasOptions>? configure)
    {
        var authentication = services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = CidaasDefaults.AuthenticationScheme;
            })
            .AddCookie(o => o.AccessDeniedPath = "/forbidden")
            .AddCidaas(o =>
            {
                emulator.ConfigureClient(o, TestClients.ClientId);
                o.SaveTokens = true;
                configure?.Invoke(o);
            });

        // Record failures and tokens of every cidaas scheme, whatever the test configured.
        services.AddSingleton<IPostConfigureOptions<CidaasOptions>>(new RecordingPostConfigure(app));
        services.AddAuthorization();
        return authentication;
    }

    protected override void MapEndpoints(WebApplication app)
    {
        app.MapGet("/public", () => "public");
        app.MapGet("/protected", (ClaimsPrincipal user) => string.Join('\n', user.Claims.Select(c => c.Type + "|" + c.Value)))
            .RequireAuthorization();
        app.MapGet("/admin", () => "admin area").RequireAuthorization(p => p.RequireRole("admin"));
        app.MapGet("/forbidden", () => Results.Text("forbidden", statusCode: 403));
        app.MapGet("/tokens", async (HttpContext context) =>
        {
            var result = await context.AuthenticateAsync();
            return string.Join('\n', result.Properties?.GetTokens().Select(t => t.Name) ?? []);
        });
        app.MapGet("/login", (string? returnUrl, string? scheme) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [scheme ?? CidaasDefaults.AuthenticationScheme]));
        app.MapGet("/signout", (string? returnUrl) =>
            Results.SignOut(new AuthenticationProperties { RedirectUri = returnUrl }, [CidaasDefaults.AuthenticationScheme]));
    }

    private sealed class RecordingPostConfigure(TestApp<CidaasOptions> app) : IPostConfigureOptions<CidaasOptions>
    {
        public void PostConfigure(string? name, CidaasOptions options)
        {
            var onFailure = options.Events.OnRemoteFailure;
            options.Events.OnRemoteFailure = context =>
            {
                app.Failures.Enqueue(context.Failure!);
                return onFailure(context);
            };

            var onTokens = options.Events.OnTokenResponseReceived;
            options.Events.OnTokenResponseReceived = context =>
            {
                foreach (var token in new[] { context.TokenResponse.AccessToken, context.TokenResponse.IdToken, context.TokenResponse.RefreshToken })
                {
                    if (!string.IsNullOrEmpty(token))
                    {
                        app.SeenSecrets.Enqueue(token);
                    }
                }

                return onTokens(context);
            };
        }
    }
}
