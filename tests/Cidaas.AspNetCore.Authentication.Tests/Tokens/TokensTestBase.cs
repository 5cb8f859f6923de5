using System.Security.Cryptography;
using System.Text;
using Cidaas.AspNetCore.Authentication.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.Tokens;

/// <summary>
/// Tokens after sign-in: the sign-in test app with <c>offline_access</c>, one clock for the emulator and the app, and
/// <c>/token</c> (optionally <c>?force=true</c>, <c>?late=true</c> to ask after the response has started), which answers
/// "ok|{expiry}|{token fingerprint}" or "error|{message}".
/// </summary>
public abstract class TokensTestBase : SignInTestBase
{
    protected TokensTestBase(ITestOutputHelper output)
        : base(output)
    {
        EmulatorOptions.TimeProvider = Clock;
        EmulatorOptions.AccessTokenLifetime = TimeSpan.FromMinutes(10);
        EmulatorOptions.IdTokenLifetime = TimeSpan.FromMinutes(10);
    }

    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected CidaasEmulatorClient TestClient => EmulatorOptions.Clients.Single(c => c.ClientId == TestClients.ClientId);

    protected int RefreshRequests => Emulator.CountTokenRequests("refresh_token");

    /// <summary>The test's cidaas options: offline_access, the shared clock.</summary>
    protected void ConfigureTokens(CidaasOptions o)
    {
        o.Scope.Add("offline_access");
        o.TimeProvider = Clock;
    }

    /// <summary>Starts the app with <see cref="ConfigureTokens"/> and signs alice in.</summary>
    protected async Task SignInWithTokensAsync(Action<CidaasOptions>? configure = null, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        await StartAppAsync(o =>
        {
            ConfigureTokens(o);
            configure?.Invoke(o);
        }, configureBuilder);
        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    /// <summary>The refresh token the sign-in received (the app's token event recorded it last).</summary>
    protected string SignInRefreshToken => Remember(App.SeenSecrets.Last());

    protected async Task<TokenAnswer> GetTokenAsync(string query = "")
    {
        var response = await Browser.GetAsync(App.BaseAddress + "/token" + query);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return TokenAnswer.Parse(await response.Content.ReadAsStringAsync());
    }

    protected override void MapEndpoints(WebApplication app)
    {
        base.MapEndpoints(app);
        app.MapGet("/token", async (HttpContext context, bool? force, bool? late) =>
        {
            if (late == true)
            {
                context.Response.ContentType = "text/plain";
                await context.Response.StartAsync();
            }

            var token = await context.GetCidaasUserAccessTokenAsync(force == true, context.RequestAborted);
            await context.Response.WriteAsync(Describe(token));
        });
    }

    protected static string Fingerprint(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..16];

    private static string Describe(CidaasUserToken token) => token.Succeeded
        ? $"ok|{token.ExpiresAt:O}|{Fingerprint(token.AccessToken)}"
        : "error|" + token.Error;

    protected sealed record TokenAnswer(bool Succeeded, DateTimeOffset? ExpiresAt, string? Fingerprint, string? Error)
    {
        public static TokenAnswer Parse(string text)
        {
            var parts = text.Split('|');
            return parts[0] == "ok"
                ? new TokenAnswer(true, parts[1].Length == 0 ? null : DateTimeOffset.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2], null)
                : new TokenAnswer(false, null, null, text[(text.IndexOf('|', StringComparison.Ordinal) + 1)..]);
        }
    }
}
