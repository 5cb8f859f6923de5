using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Cidaas.AspNetCore.Authentication.Tests.TestKit;

/// <summary>
/// <see cref="CidaasEmulator.ConfigureClient"/>: one call points the options of this package's handlers and of
/// Microsoft's at the emulator, and the handlers then work against it.
/// </summary>
public sealed class EmulatorClientOptionsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private CidaasEmulator _emulator = default!;

    public async Task InitializeAsync() => _emulator = await CidaasEmulator.CreateAsync(TestClients.CreateEmulatorOptions());

    public async Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        await _emulator.DisposeAsync();
    }

    [Fact]
    public void Sign_in_options_get_the_authority_the_back_channel_and_the_named_clients_credentials()
    {
        var options = new CidaasOptions();

        _emulator.ConfigureClient(options, TestClients.ClientId);

        options.Authority.Should().Be(_emulator.Authority);
        options.BackchannelHttpHandler.Should().NotBeNull();
        options.ClientId.Should().Be(TestClients.ClientId);
        options.ClientSecret.Should().Be(TestClients.ClientSecret);
        options.RequireHttpsMetadata.Should().BeTrue("the in-process emulator answers at https://cidaas.test");
    }

    [Fact]
    public void Api_options_get_the_first_client_as_their_audience()
    {
        var options = new CidaasBearerOptions();

        _emulator.ConfigureClient(options);

        options.Authority.Should().Be(_emulator.Authority);
        options.BackchannelHttpHandler.Should().NotBeNull();
        options.Audience.Should().Be(CidaasEmulatorOptions.DemoClientId);
        options.ClientId.Should().Be(CidaasEmulatorOptions.DemoClientId);
        options.ClientSecret.Should().Be(CidaasEmulatorOptions.DemoClientSecret);
    }

    [Fact]
    public void A_public_client_leaves_the_secret_unset()
    {
        _emulator.Options.Clients.Add(new CidaasEmulatorClient { ClientId = "spa", AllowLoopbackRedirectUris = true });
        var options = new OpenIdConnectOptions { ClientSecret = "left over" };

        _emulator.ConfigureClient(options, "spa");

        options.ClientId.Should().Be("spa");
        options.ClientSecret.Should().BeNull();
    }

    [Fact]
    public void Options_without_an_authority_or_an_unknown_client_are_refused()
    {
        _emulator.Invoking(e => e.ConfigureClient(new CookieAuthenticationOptions())).Should().Throw<ArgumentException>()
            .WithParameterName("options").WithMessage("*CookieAuthenticationOptions*Authority*");
        _emulator.Invoking(e => e.ConfigureClient(new CidaasOptions(), "unknown-client")).Should().Throw<ArgumentException>()
            .WithParameterName("clientId");
    }

    [Fact]
    public async Task Microsofts_JwtBearer_handler_accepts_the_emulators_access_token()
    {
        var api = await StartAsync<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, services => services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o => _emulator.ConfigureClient(o)));
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid orders:read");

        var response = await api.GetAsync("/protected", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await api.GetAsync("/protected", (await _emulator.GetAccessTokenAsync("alice", "openid", TestClients.ClientId)).AccessToken))
            .StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a token of another client has another audience");
    }

    [Fact]
    public async Task Microsofts_JwtBearer_handler_works_against_the_emulator_on_plain_http()
    {
        await using var kestrel = await CidaasEmulator.StartAsync(CidaasEmulatorOptions.CreateDefault());
        var api = await StartAsync<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, services => services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(o => kestrel.ConfigureClient(o)));

        var response = await api.GetAsync("/protected", (await kestrel.GetAccessTokenAsync("bob")).AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        api.GetOptions().RequireHttpsMetadata.Should().BeFalse("the emulator on Kestrel answers at http://127.0.0.1");
    }

    [Fact]
    public async Task Microsofts_OpenIdConnect_handler_signs_in_against_the_emulator()
    {
        var app = await StartAsync<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, services => services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie()
            .AddOpenIdConnect(o =>
            {
                _emulator.ConfigureClient(o, TestClients.ClientId);
                o.CallbackPath = CidaasDefaults.CallbackPath; // the redirect URI the test client registered
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.ResponseMode = OpenIdConnectResponseMode.Query; // cidaas answers in the query
                o.PushedAuthorizationBehavior = PushedAuthorizationBehavior.Disable;
            }));
        var browser = new TestBrowser().Register(app.BaseAddress, app.CreateHandler()).Register(_emulator.Authority, _emulator.CreateHandler());

        var page = await browser.FollowAsync(app.BaseAddress + "/protected");

        page.StatusCode.Should().Be(HttpStatusCode.OK, await page.Content.ReadAsStringAsync());
        (await page.Content.ReadAsStringAsync()).Should().Be(_emulator.Options.Users.Single(u => u.Username == "alice").Sub);
        _emulator.CountRequests(CidaasDefaults.TokenPath).Should().Be(1);
    }

    private async Task<TestApp<TOptions>> StartAsync<TOptions>(string scheme, Action<IServiceCollection> addAuthentication)
        where TOptions : AuthenticationSchemeOptions
    {
        var app = await TestApp<TOptions>.StartAsync(scheme, output, onKestrel: false, (builder, _) =>
        {
            addAuthentication(builder.Services);
            builder.Services.AddAuthorization();
        }, web => web.MapGet("/protected", (HttpContext context) => context.User.FindFirst("sub")?.Value
            ?? context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value).RequireAuthorization());
        _disposables.Add(app);
        return app;
    }
}
