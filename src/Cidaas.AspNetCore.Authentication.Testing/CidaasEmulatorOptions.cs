using Microsoft.Extensions.Configuration;

namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// Configures a <see cref="CidaasEmulator"/>: its clients, users, token lifetimes and protocol switches.
/// </summary>
public sealed class CidaasEmulatorOptions
{
    /// <summary>The demo client id used by <see cref="CreateDefault"/>.</summary>
    public const string DemoClientId = "demo-client";

    /// <summary>The demo client secret used by <see cref="CreateDefault"/>.</summary>
    public const string DemoClientSecret = "demo-secret";

    /// <summary>
    /// The authority and issuer of the in-process emulator (<see cref="CidaasEmulator.CreateAsync(CidaasEmulatorOptions, CancellationToken)"/>).
    /// <see cref="CidaasEmulator.StartAsync(CidaasEmulatorOptions, int, CancellationToken)"/> ignores it and uses
    /// the address it is bound to.
    /// </summary>
    public string Issuer { get; set; } = "https://cidaas.test";

    /// <summary>The registered clients.</summary>
    public IList<CidaasEmulatorClient> Clients { get; init; } = new List<CidaasEmulatorClient>();

    /// <summary>The users who can sign in.</summary>
    public IList<CidaasEmulatorUser> Users { get; init; } = new List<CidaasEmulatorUser>();

    /// <summary>
    /// The <c>acr_values</c> the emulator can satisfy: an authorization request's first <c>acr_values</c> entry in this
    /// list becomes the id_token's <c>acr</c>; without a match the id_token has no <c>acr</c>, as cidaas's tokens mostly
    /// have none. Default empty. cidaas's app setting <c>default_acr_values</c> (e.g. <c>["default"]</c>) is the real counterpart.
    /// </summary>
    public IList<string> SupportedAcrValues { get; init; } = new List<string>();

    /// <summary>How long an authorization code can be redeemed.</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an access token is valid.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a refresh token is valid, counted from the sign-in: rotation keeps the first token's expiry. Default
    /// 15,780,000 seconds, cidaas's default <c>refresh_token_lifetime_in_seconds</c>.
    /// </summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromSeconds(15_780_000);

    /// <summary>How long an id_token is valid.</summary>
    public TimeSpan IdTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The clock for codes and tokens.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// <see langword="false"/>: the authorization endpoint signs a user in without showing a page
    /// (see <see cref="AutoSignInUsername"/>). <see langword="true"/>: it shows a login page and keeps an SSO session.
    /// </summary>
    public bool ShowLoginPage { get; set; }

    /// <summary>
    /// The username (or sub) that automatic sign-in picks. A <c>login_hint</c> that matches a user's
    /// username or sub wins over it; with neither, the first user is signed in.
    /// </summary>
    public string? AutoSignInUsername { get; set; }

    /// <summary>
    /// <see langword="false"/>: the JWKS holds a single key without <c>kid</c>, and tokens carry no <c>kid</c>.
    /// </summary>
    public bool PublishKeyIdInJwks { get; set; } = true;

    /// <summary>
    /// The handler the emulator POSTs back-channel logout tokens through (e.g. a TestServer's <c>CreateHandler()</c> for an
    /// app in-process); <see langword="null"/>: a new <see cref="SocketsHttpHandler"/> (real HTTP). The emulator does not
    /// dispose it.
    /// </summary>
    public HttpMessageHandler? BackchannelLogoutHandler { get; set; }

    /// <summary>How long a back-channel logout token stays valid (<c>exp</c> − <c>iat</c>). Default 2 minutes.</summary>
    public TimeSpan LogoutTokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether discovery advertises <c>authorization_response_iss_parameter_supported: true</c> (RFC 9207). Default
    /// <see langword="false"/>, as cidaas: its discovery document has no such member (see <c>docs/cidaas-compatibility.md</c>).
    /// Turn it on, with <see cref="SendIssInAuthorizationResponse"/>, to test a relying party's RFC 9207 check.
    /// </summary>
    public bool AdvertiseAuthorizationResponseIss { get; set; }

    /// <summary>
    /// Whether the authorization response carries <c>iss</c> (RFC 9207). Default <see langword="false"/>, as cidaas,
    /// which does not advertise the parameter.
    /// </summary>
    public bool SendIssInAuthorizationResponse { get; set; }

    /// <summary>
    /// The <c>issuer</c> the discovery document names, for every answer until changed (the tokens keep
    /// <see cref="CidaasEmulator.Authority"/>); <see langword="null"/>, the default, names the authority. A relying
    /// party must refuse a document whose issuer is not the one it expects.
    /// </summary>
    public string? DiscoveryIssuer { get; set; }

    /// <summary>
    /// How many of the latest requests <see cref="CidaasEmulator.Requests"/> keeps (they hold form bodies, so
    /// secrets and codes). Default 10,000; 0 records none, as a long-running development emulator should.
    /// </summary>
    public int MaxRecordedRequests { get; set; } = 10_000;

    /// <summary>
    /// A line shown under the emulator's login form, e.g. the demo users and their passwords (<see cref="CreateDefault"/>
    /// sets one); <see langword="null"/> shows none. It is part of the emulator's own page, never of the app.
    /// </summary>
    public string? LoginPageHint { get; set; }

    /// <summary>
    /// TEST-ONLY: serves <c>POST /emulator/test-token</c>, which mints tokens for a user without a browser (form
    /// <c>username</c> and <c>scope</c>, client authentication as at the token endpoint), for testing an API with
    /// <c>curl</c>. Off by default; real cidaas has no such endpoint.
    /// </summary>
    public bool EnableTestTokenEndpoint { get; set; }

    /// <summary>
    /// Endpoints (by path, e.g. <c>/token-srv/token</c>) that answer every request with the given HTTP status and a
    /// <c>temporarily_unavailable</c> error until removed, to see how an app behaves while cidaas is down. One-shot faults
    /// are arranged with <see cref="CidaasEmulatorNextAnswers.Fault(string, CidaasEmulatorFault)"/>.
    /// </summary>
    public IDictionary<string, int> FailingEndpoints { get; init; } = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

    // Pushed authorization requests (issue 16).

    /// <summary>
    /// Whether discovery names the PAR endpoint (<c>pushed_authorization_request_endpoint</c>, RFC 9126 §5). Default
    /// <see langword="false"/>, as the real cidaas discovery document seen (docs/cidaas-compatibility.md) names none; the
    /// endpoint <c>/authz-srv/par</c>, which cidaas documents, is served either way.
    /// </summary>
    public bool AdvertisePushedAuthorizationRequests { get; set; }

    /// <summary>
    /// Whether every client must push its authorization requests (as <see cref="CidaasEmulatorClient.RequirePushedAuthorizationRequests"/>
    /// for all clients); discovery then says <c>require_pushed_authorization_requests: true</c>. Default <see langword="false"/>.
    /// </summary>
    public bool RequirePushedAuthorizationRequests { get; set; }

    /// <summary>
    /// How long a <c>request_uri</c> of the PAR endpoint can be used (its <c>expires_in</c>). Default 90 seconds, as cidaas
    /// documents ("typically 90 seconds"). Each one can be used once.
    /// </summary>
    public TimeSpan PushedAuthorizationRequestLifetime { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Creates options with the demo client (<see cref="DemoClientId"/> / <see cref="DemoClientSecret"/>, any
    /// loopback redirect URI allowed) and two demo users: <c>alice</c> / <c>alice-password</c> and
    /// <c>bob</c> / <c>bob-password</c>.
    /// </summary>
    /// <returns>New options.</returns>
    public static CidaasEmulatorOptions CreateDefault()
    {
        var options = new CidaasEmulatorOptions();
        options.Clients.Add(new CidaasEmulatorClient
        {
            ClientId = DemoClientId,
            ClientSecret = DemoClientSecret,
            ClientName = "Demo App",
            AllowLoopbackRedirectUris = true,
        });
        options.Users.Add(new CidaasEmulatorUser
        {
            Sub = "7f3c2a9e-1b4d-4e8f-9a6b-0c5d2e1f3a4b",
            IdentityId = "0b6f1d2e-3c4a-4b5d-8e9f-a1b2c3d4e5f6",
            Username = "alice",
            Password = "alice-password",
            Email = "alice@example.com",
            EmailVerified = true,
            GivenName = "Alice",
            FamilyName = "Anderson",
            Name = "Alice Anderson",
            MobileNumber = "+4915112345678",
            Roles = { "admin", "user" },
            Groups = { new CidaasEmulatorGroup("engineering", "lead", "member") { GroupType = "department" } },
            CustomFields = { ["department"] = "Engineering" },
        });
        options.Users.Add(new CidaasEmulatorUser
        {
            Sub = "2d8e4b6a-5c1f-4a3e-8b7d-9f0a1c2e3d4f",
            IdentityId = "5e4d3c2b-1a0f-4e9d-8c7b-6a5f4e3d2c1b",
            Username = "bob",
            Password = "bob-password",
            Email = "bob@example.com",
            EmailVerified = true,
            GivenName = "Bob",
            FamilyName = "Brown",
            Name = "Bob Brown",
            MobileNumber = "+4915187654321",
            Roles = { "user" },
            Groups = { new CidaasEmulatorGroup("sales", "member") { GroupType = "department" } },
            CustomFields = { ["department"] = "Sales" },
        });
        options.LoginPageHint = "Demo users: alice / alice-password (admin), bob / bob-password (user).";
        return options;
    }

    /// <summary>
    /// Creates options bound from a configuration section with the shape of this class, e.g.
    /// <c>{ "Issuer": "...", "ShowLoginPage": true, "Clients": [ { "ClientId": "...", "RedirectUris": [ ... ] } ],
    /// "Users": [ { "Username": "...", "Password": "...", "Roles": [ ... ], "Groups": [ { "GroupId": "...", "Roles": [ ... ] } ] } ] }</c>.
    /// </summary>
    /// <param name="section">The configuration section.</param>
    /// <returns>New options.</returns>
    public static CidaasEmulatorOptions FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var options = new CidaasEmulatorOptions();
        section.Bind(options);
        return options;
    }
}
