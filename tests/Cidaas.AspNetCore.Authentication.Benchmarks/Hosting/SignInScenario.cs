using Cidaas.AspNetCore.Authentication.Benchmarks.Floor;
using Cidaas.AspNetCore.Authentication.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.Net.Http.Headers;

namespace Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;

/// <summary>
/// Both handlers configured for the same flow (code flow, PKCE S256, <c>openid profile email</c>, query response
/// mode, userinfo on, cookies as sign-in scheme, <c>SaveTokens</c> on) in the same host, plus the floor handler.
/// <para>
/// Setup does one real sign-in with Microsoft's handler against the cidaas emulator, which mints real RS256 tokens,
/// and records the back-channel answers (discovery, JWKS, token, userinfo). Both hosts then answer the back channel
/// from memory with those same bytes. Microsoft's callback request is the genuine one of that sign-in (its state,
/// correlation and nonce cookies); the cidaas callback request carries a state from the cidaas handler's own
/// challenge whose nonce is set to the id_token's, protected again with the cidaas scheme's key.
/// </para>
/// </summary>
internal sealed class SignInScenario : IDisposable
{
    public const string ClientId = "bench-client";
    public const string ClientSecret = "bench-secret-0123456789";
    public const string MicrosoftScheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string FloorScheme = "Floor";

    private readonly CidaasEmulator _emulator;

    private SignInScenario(CidaasEmulator emulator)
    {
        _emulator = emulator;
        MicrosoftBackchannel = new Backchannel(emulator.CreateHandler());
        CidaasBackchannel = new Backchannel(emulator.CreateHandler());
        MicrosoftHost = BenchmarkHost.Create(MicrosoftScheme, a => a.AddOpenIdConnect(o => ConfigureMicrosoft(o, emulator.Authority, MicrosoftBackchannel)));
        CidaasHost = BenchmarkHost.Create(CidaasDefaults.AuthenticationScheme, a => a.AddCidaas(o => ConfigureCidaas(o, emulator.Authority, CidaasBackchannel)));
        FloorHost = BenchmarkHost.Create(FloorScheme, a =>
        {
            a.AddRemoteScheme<FloorOptions, FloorHandler>(FloorScheme, FloorScheme, o => o.RequestPrefix =
                $"{emulator.Authority}{CidaasDefaults.AuthorizationPath}?response_type=code&client_id={ClientId}&scope=openid%20profile%20email&code_challenge_method=S256");
            a.Services.AddOptions<FloorOptions>(FloorScheme).Configure<IDataProtectionProvider>((o, dataProtection) =>
                o.StateDataFormat = new PropertiesDataFormat(dataProtection.CreateProtector(typeof(FloorHandler).FullName!, FloorScheme, "v1")));
        });
    }

    public BenchmarkHost MicrosoftHost { get; }

    public BenchmarkHost CidaasHost { get; }

    public BenchmarkHost FloorHost { get; }

    public Backchannel MicrosoftBackchannel { get; }

    public Backchannel CidaasBackchannel { get; }

    public CallbackRequest MicrosoftCallback { get; private set; }

    public CallbackRequest CidaasCallback { get; private set; }

    /// <summary>The back-channel answers of the recorded sign-in, by path.</summary>
    public IReadOnlyDictionary<string, byte[]> Recorded { get; private set; } = new Dictionary<string, byte[]>();

    /// <summary>The access token of the recorded sign-in: a real RS256 JWT of the emulator, for this client.</summary>
    public string AccessToken { get; private set; } = "";

    /// <summary>The emulator's authority (the issuer).</summary>
    public string Authority => _emulator.Authority;

    /// <summary>The cidaas handler's state of one challenge, serialized but not protected (for the raw crypto reference).</summary>
    public byte[] CidaasSerializedState { get; private set; } = [];

    public static async Task<SignInScenario> CreateAsync()
    {
        var options = CidaasEmulatorOptions.CreateDefault();
        options.Issuer = "https://cidaas.test";
        options.AutoSignInUsername = "alice";
        options.Clients.Add(new CidaasEmulatorClient
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientName = "Benchmark app",
            RedirectUris = { BenchmarkHost.Origin + CidaasDefaults.CallbackPath, BenchmarkHost.Origin + "/signin-oidc" },
        });

        var scenario = new SignInScenario(await CidaasEmulator.CreateAsync(options));
        try
        {
            await scenario.PrepareAsync();
            return scenario;
        }
        catch
        {
            scenario.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        MicrosoftHost.Dispose();
        CidaasHost.Dispose();
        FloorHost.Dispose();
        MicrosoftBackchannel.Dispose();
        CidaasBackchannel.Dispose();
        _emulator.Dispose();
    }

    private static void ConfigureMicrosoft(OpenIdConnectOptions o, string authority, HttpMessageHandler backchannel)
    {
        o.Authority = authority;
        o.ClientId = ClientId;
        o.ClientSecret = ClientSecret;
        o.ResponseType = OpenIdConnectResponseType.Code;
        o.ResponseMode = OpenIdConnectResponseMode.Query;
        o.UsePkce = true;
        o.Scope.Clear();
        o.Scope.Add("openid");
        o.Scope.Add("profile");
        o.Scope.Add("email");
        o.GetClaimsFromUserInfoEndpoint = true;
        o.SaveTokens = true;

        // cidaas publishes no pushed authorization endpoint; pinned so that both handlers run the same flow.
        o.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
        o.BackchannelHttpHandler = backchannel;
    }

    private static void ConfigureCidaas(CidaasOptions o, string authority, HttpMessageHandler backchannel)
    {
        // PKCE, 'openid profile email' and userinfo are the defaults.
        o.Authority = authority;
        o.ClientId = ClientId;
        o.ClientSecret = ClientSecret;
        o.SaveTokens = true;
        o.BackchannelHttpHandler = backchannel;
    }

    private async Task PrepareAsync()
    {
        using var browser = new HttpClient(_emulator.CreateHandler()) { BaseAddress = new Uri(_emulator.Authority) };

        // 1. A real sign-in with Microsoft's handler against the emulator, recording the back channel.
        var challenge = await MicrosoftHost.GetWithHeadersAsync("/protected", "", null);
        Expect(challenge.Status == 302 && challenge.Location.StartsWith(_emulator.Authority + CidaasDefaults.AuthorizationPath, StringComparison.Ordinal), "Microsoft's challenge did not redirect to the authorization endpoint.");
        var nonce = QueryHelpers.ParseQuery(new Uri(challenge.Location).Query)["nonce"].ToString();
        var callbackUrl = await AuthorizeAsync(browser, challenge.Location);
        MicrosoftCallback = new CallbackRequest(callbackUrl.AbsolutePath, callbackUrl.Query, CookieHeader(challenge.SetCookies));
        await ExpectSignInAsync(MicrosoftHost, MicrosoftCallback, "Microsoft's callback against the emulator");
        var recorded = new Dictionary<string, byte[]>(MicrosoftBackchannel.Recorded, StringComparer.Ordinal);
        Expect(recorded.Count == 4, "The sign-in did not use discovery, JWKS, token and userinfo.");
        Recorded = recorded;
        using (var tokens = System.Text.Json.JsonDocument.Parse(recorded[CidaasDefaults.TokenPath]))
        {
            AccessToken = tokens.RootElement.GetProperty("access_token").GetString()!;
        }

        // 2. A real sign-in with the cidaas handler against the emulator: the configuration works.
        var cidaasChallenge = await CidaasHost.GetWithHeadersAsync("/protected", "", null);
        var cidaasCallbackUrl = await AuthorizeAsync(browser, cidaasChallenge.Location);
        await ExpectSignInAsync(CidaasHost, new CallbackRequest(cidaasCallbackUrl.AbsolutePath, cidaasCallbackUrl.Query, CookieHeader(cidaasChallenge.SetCookies)), "The cidaas callback against the emulator");

        // 3. From now on both answer from memory with the bytes of step 1.
        MicrosoftBackchannel.Replay(recorded);
        CidaasBackchannel.Replay(recorded);
        await ExpectSignInAsync(MicrosoftHost, MicrosoftCallback, "Microsoft's callback from memory");

        // 4. The cidaas callback: a fresh challenge, its nonce set to the one the recorded id_token carries.
        cidaasChallenge = await CidaasHost.GetWithHeadersAsync("/protected", "", null);
        var cidaasQuery = QueryHelpers.ParseQuery(new Uri(cidaasChallenge.Location).Query);
        var format = CidaasHost.Services.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(CidaasDefaults.AuthenticationScheme).StateDataFormat;
        var properties = format.Unprotect(cidaasQuery["state"].ToString()) ?? throw new InvalidOperationException("The cidaas state could not be read.");
        CidaasSerializedState = PropertiesSerializer.Default.Serialize(properties);
        var nonceKey = properties.Items.Single(item => item.Value == cidaasQuery["nonce"].ToString()).Key;
        properties.Items[nonceKey] = nonce;
        var callbackQuery = QueryString.Create(new KeyValuePair<string, string?>[]
        {
            new("code", QueryHelpers.ParseQuery(callbackUrl.Query)["code"].ToString()),
            new("state", format.Protect(properties)),
            new("iss", _emulator.Authority),
        }).Value!;
        CidaasCallback = new CallbackRequest(CidaasDefaults.CallbackPath, callbackQuery, CookieHeader(cidaasChallenge.SetCookies));
        await ExpectSignInAsync(CidaasHost, CidaasCallback, "The cidaas callback from memory");

        // 5. The floor handler challenges like the others.
        var floor = await FloorHost.GetWithHeadersAsync("/protected", "", null);
        Expect(floor.Status == 302 && floor.SetCookies.Length == 1, "The floor handler did not challenge.");
    }

    private static async Task<Uri> AuthorizeAsync(HttpClient browser, string authorizationUrl)
    {
        using var response = await browser.GetAsync(new Uri(authorizationUrl));
        Expect(response.StatusCode == System.Net.HttpStatusCode.Redirect, $"The emulator did not redirect back: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!;
    }

    private static async Task ExpectSignInAsync(BenchmarkHost host, CallbackRequest callback, string what)
    {
        var result = await host.GetWithHeadersAsync(callback.Path, callback.Query, callback.Cookie);
        Expect(
            result.Status == 302 && result.Location == "/protected" && result.SetCookies.Any(c => c.StartsWith(".AspNetCore.Cookies", StringComparison.Ordinal)),
            $"{what} did not sign the user in (status {result.Status}, location {result.Location}).");
    }

    private static string CookieHeader(IEnumerable<string> setCookies)
        => string.Join("; ", setCookies.Select(c => SetCookieHeaderValue.Parse(c)).Select(c => $"{c.Name}={c.Value}"));

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}

/// <summary>A callback request: path, query and Cookie header.</summary>
internal readonly record struct CallbackRequest(string Path, string Query, string Cookie);
