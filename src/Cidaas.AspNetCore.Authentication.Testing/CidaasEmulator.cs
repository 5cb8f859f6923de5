using System.Net;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// A real OAuth 2.0 / OpenID Connect identity provider shaped like cidaas: discovery, JWKS, authorization
/// (with PKCE, a login page and SSO sessions), token, userinfo, end-session, introspection and revocation endpoints,
/// issuing RS256 tokens. Runs in-process on a <see cref="TestServer"/> (<see cref="CreateAsync(CidaasEmulatorOptions, CancellationToken)"/>)
/// or on Kestrel at a loopback address (<see cref="StartAsync(CidaasEmulatorOptions, int, CancellationToken)"/>).
/// <para>
/// For tests: <see cref="ConfigureClient(AuthenticationSchemeOptions, string?)"/> points a handler's options at it,
/// <see cref="GetAccessTokenAsync(string, string, string?, CancellationToken)"/> hands out a real access token, and
/// <see cref="Next"/> arranges one-shot misbehaviour (faults, defective tokens) of its next answers.
/// </para>
/// </summary>
public sealed class CidaasEmulator : IAsyncDisposable, IDisposable
{
    private readonly Lock _requestsLock = new();
    private readonly Queue<CidaasEmulatorRequest> _requests = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _grantCounters = new(StringComparer.Ordinal);
    private WebApplication? _app;
    private TestServer? _testServer;
    private int _disposed;

    private CidaasEmulator(CidaasEmulatorOptions options, string authority)
    {
        Options = options;
        Authority = authority;
        TokenIssuer = new TokenIssuer(this);
        Logouts = new BackchannelLogoutSender(this);
    }

    /// <summary>The base URL of the emulator and the issuer of its tokens, without a trailing slash.</summary>
    public string Authority { get; private set; }

    /// <summary>The options the emulator runs with; clients and users may be added while it runs.</summary>
    public CidaasEmulatorOptions Options { get; }

    /// <summary>Every request received so far, in order of arrival (a snapshot).</summary>
    public IReadOnlyList<CidaasEmulatorRequest> Requests
    {
        get
        {
            lock (_requestsLock)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>
    /// Arranges one-shot behaviour of the next answers: a fault for the next request to a path, a defective id_token or
    /// token response, another <c>iss</c> or userinfo <c>sub</c>. Each arrangement shapes exactly one answer.
    /// </summary>
    public CidaasEmulatorNextAnswers Next { get; } = new();

    internal SigningKeyRing Keys { get; } = new();

    internal TokenStore Tokens { get; } = new();

    internal TokenIssuer TokenIssuer { get; }

    internal SessionStore Sessions { get; } = new();

    internal PushedRequestStore PushedRequests { get; } = new();

    internal BackchannelLogoutSender Logouts { get; }

    /// <summary>Every back-channel logout the emulator POSTed so far, in order (a snapshot).</summary>
    public IReadOnlyList<CidaasEmulatorLogoutDelivery> BackchannelLogouts => Logouts.Deliveries;

    internal PasswordHasher Passwords { get; } = new();

    /// <summary>Starts an emulator in-process on a <see cref="TestServer"/> whose base address is <see cref="CidaasEmulatorOptions.Issuer"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    public static Task<CidaasEmulator> CreateAsync(CidaasEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"{nameof(CidaasEmulatorOptions.Issuer)} must be an absolute URL.", nameof(options));
        }

        var emulator = new CidaasEmulator(options, options.Issuer.TrimEnd('/'));
        var builder = CreateBuilder();
        builder.WebHost.UseTestServer();
        return emulator.RunAsync(builder, app =>
        {
            emulator._testServer = app.GetTestServer();
            emulator._testServer.BaseAddress = new Uri(emulator.Authority + "/");
        }, cancellationToken);
    }

    /// <summary>Starts an emulator on Kestrel at <c>http://127.0.0.1:{port}</c>; <see cref="Authority"/> is that address.</summary>
    /// <param name="options">The options (<see cref="CidaasEmulatorOptions.Issuer"/> is ignored).</param>
    /// <param name="port">The TCP port, or 0 for any free port.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    public static Task<CidaasEmulator> StartAsync(CidaasEmulatorOptions options, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);

        var emulator = new CidaasEmulator(options, $"http://127.0.0.1:{port}");
        var builder = CreateBuilder();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        return emulator.RunAsync(builder, app =>
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            emulator.Authority = $"http://127.0.0.1:{new Uri(address).Port}";
        }, cancellationToken);
    }

    /// <summary>
    /// Creates a handler that reaches the emulator (the <see cref="TestServer"/> handler in-process, a
    /// <see cref="SocketsHttpHandler"/> on Kestrel). It does not follow redirects and keeps no cookies.
    /// </summary>
    /// <returns>A new handler; the caller owns it.</returns>
    public HttpMessageHandler CreateHandler()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return _testServer is not null
            ? _testServer.CreateHandler()
            : new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false };
    }

    /// <summary>Creates a client for the emulator with <see cref="HttpClient.BaseAddress"/> set to the authority; it does not follow redirects.</summary>
    /// <returns>A new client; the caller owns it.</returns>
    public HttpClient CreateClient() =>
        new(CreateHandler(), disposeHandler: true) { BaseAddress = new Uri(Authority + "/") };

    /// <summary>Counts the received requests to a path (e.g. <c>/token-srv/token</c>; case-insensitive).</summary>
    /// <param name="path">The path relative to the authority.</param>
    /// <returns>The number of requests.</returns>
    public int CountRequests(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        lock (_requestsLock)
        {
            return _requests.Count(request => string.Equals(request.Path, path, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>
    /// Counts the requests to the token endpoint with a <c>grant_type</c> (e.g. <c>refresh_token</c>,
    /// <c>client_credentials</c>), answered or not, since the emulator started; independent of
    /// <see cref="CidaasEmulatorOptions.MaxRecordedRequests"/> and <see cref="ClearRequests"/>.
    /// </summary>
    /// <param name="grantType">The grant type (ordinal).</param>
    /// <returns>The number of requests.</returns>
    public int CountTokenRequests(string grantType)
    {
        ArgumentNullException.ThrowIfNull(grantType);
        return _grantCounters.TryGetValue(grantType, out var count) ? count : 0;
    }

    /// <summary>Forgets the recorded requests.</summary>
    public void ClearRequests()
    {
        lock (_requestsLock)
        {
            _requests.Clear();
        }
    }

    /// <summary>Creates a new RSA signing key with a new <c>kid</c> and signs with it from now on.</summary>
    /// <param name="keepPreviousKeyPublished"><see langword="true"/>: the JWKS keeps the previous keys; <see langword="false"/>: it holds only the new key.</param>
    public void RotateSigningKey(bool keepPreviousKeyPublished = true) => Keys.Rotate(keepPreviousKeyPublished);

    /// <summary>
    /// Points the options of an authentication handler at this emulator, as one of its clients: the
    /// <c>Authority</c> and the <c>BackchannelHttpHandler</c> (<see cref="CreateHandler"/>), and the client's
    /// <c>ClientId</c> and <c>ClientSecret</c>. Use it for <c>AddCidaas</c> and <c>AddCidaasBearer</c>, and for
    /// Microsoft's <c>AddOpenIdConnect</c> and <c>AddJwtBearer</c> as well.
    /// </summary>
    /// <remarks>
    /// The emulator references none of these handler packages, and their options types share no base that declares
    /// these members, so it goes by a documented convention: it sets each public settable property of the options type
    /// with one of these names and a matching type, and leaves out the ones the type does not have.
    /// <list type="bullet">
    /// <item><c>Authority</c> (string, required): <see cref="Authority"/>.</item>
    /// <item><c>BackchannelHttpHandler</c> (<see cref="HttpMessageHandler"/>, required): a new <see cref="CreateHandler"/>.</item>
    /// <item><c>ClientId</c>, <c>ClientSecret</c> (string): the client's (an empty secret becomes <see langword="null"/>).
    /// An API's options use them for introspection.</item>
    /// <item><c>Audience</c> (string, an API's options): the client id, the <c>aud</c> of the access tokens the emulator
    /// issues to that client, so that the API accepts them.</item>
    /// <item><c>RequireHttpsMetadata</c> (bool): <see langword="false"/> when the emulator runs on plain http
    /// (<see cref="StartAsync(CidaasEmulatorOptions, int, CancellationToken)"/>); untouched otherwise.</item>
    /// </list>
    /// Call it first in the configure delegate; anything set after it wins.
    /// </remarks>
    /// <param name="options">The handler options, e.g. <c>CidaasOptions</c>, <c>CidaasBearerOptions</c>, <c>OpenIdConnectOptions</c> or <c>JwtBearerOptions</c>.</param>
    /// <param name="clientId">The emulator client to act as; <see langword="null"/>: the first of <see cref="CidaasEmulatorOptions.Clients"/>.</param>
    /// <exception cref="ArgumentException">The options type has no <c>Authority</c> or <c>BackchannelHttpHandler</c>, or the client is unknown.</exception>
    public void ConfigureClient(AuthenticationSchemeOptions options, string? clientId = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ClientOptionsConvention.Apply(options, Authority, ResolveClient(clientId), CreateHandler);
    }

    /// <summary>
    /// Issues tokens to a user for a client without a browser, as if the user had signed in through the authorization
    /// code flow: the same issuer, signing key and claims as the token endpoint's, kept in the emulator's token store, so
    /// that userinfo, introspection and revocation know them. An access token always; an id_token for <c>openid</c>; a
    /// refresh token for <c>offline_access</c>. Arrangements of <see cref="Next"/> are left for the token endpoint, and
    /// no request is recorded.
    /// </summary>
    /// <param name="user">The user's username or <c>sub</c>.</param>
    /// <param name="scope">The granted scopes, space-separated as in the <c>scope</c> parameter.</param>
    /// <param name="clientId">The client the tokens are issued to; <see langword="null"/>: the first of <see cref="CidaasEmulatorOptions.Clients"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The tokens.</returns>
    /// <exception cref="ArgumentException">The user or the client is unknown, or the client may not ask for a scope.</exception>
    public Task<CidaasEmulatorTokens> GetAccessTokenAsync(string user, string scope = "openid", string? clientId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(scope);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        var account = FindUserByNameOrSub(user) ?? throw new ArgumentException($"The emulator has no user with the username or sub '{user}'.", nameof(user));
        var client = ResolveClient(clientId);
        var scopes = Scopes.Parse(scope);
        if (Scopes.FindForbidden(client, scopes) is { } forbidden)
        {
            throw new ArgumentException($"The client '{client.ClientId}' may not ask for the scope '{forbidden}'.", nameof(scope));
        }

        var grant = new AuthorizationGrant(client, account, scopes, RandomTokens.CreateId(), Options.TimeProvider.GetUtcNow());
        var issued = TokenIssuer.Issue(grant, nonce: null, IdTokenArrangement.None);
        return Task.FromResult(new CidaasEmulatorTokens
        {
            AccessToken = issued.AccessToken,
            IdToken = issued.IdToken,
            RefreshToken = issued.RefreshToken,
            ExpiresAt = issued.Record.ExpiresAt,
            Scopes = scopes,
        });
    }

    /// <summary>
    /// Ends every cidaas session of a user, as an administrator (or the user at another app) would: the user's SSO
    /// sessions are forgotten, and each client that received an id_token of one of those sessions and registered a
    /// <see cref="CidaasEmulatorClient.BackchannelLogoutUri"/> gets a signed logout token POSTed to it (through
    /// <see cref="CidaasEmulatorOptions.BackchannelLogoutHandler"/>). Returns when every delivery answered or failed.
    /// </summary>
    /// <param name="user">The user's username or <c>sub</c>.</param>
    /// <param name="cancellationToken">Cancels the deliveries.</param>
    /// <returns>The deliveries, also recorded in <see cref="BackchannelLogouts"/>.</returns>
    public async Task<IReadOnlyList<CidaasEmulatorLogoutDelivery>> EndSessionsOfAsync(string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var account = FindUserByNameOrSub(user) ?? throw new ArgumentException($"The emulator has no user with the username or sub '{user}'.", nameof(user));
        Sessions.EndAllOf(account);
        var deliveries = new List<CidaasEmulatorLogoutDelivery>();
        foreach (var sessionId in Logouts.SessionsOf(account))
        {
            deliveries.AddRange(await Logouts.EndAsync(sessionId, cancellationToken));
        }

        return deliveries;
    }

    /// <summary>
    /// Creates a logout token for a client, signed by the emulator, without sending it: correct, or with one deliberate
    /// <paramref name="defect"/> per validation rule, for a test to POST to an app itself.
    /// </summary>
    /// <param name="user">The user's username or <c>sub</c> (the token's <c>sub</c>).</param>
    /// <param name="sessionId">The token's <c>sid</c>; <see langword="null"/>: a new one.</param>
    /// <param name="clientId">The client (the token's <c>aud</c>); <see langword="null"/>: the first of <see cref="CidaasEmulatorOptions.Clients"/>.</param>
    /// <param name="defect">The defect.</param>
    /// <returns>The logout token.</returns>
    public string CreateLogoutToken(string user, string? sessionId = null, string? clientId = null, CidaasLogoutTokenDefect defect = CidaasLogoutTokenDefect.None)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var account = FindUserByNameOrSub(user) ?? throw new ArgumentException($"The emulator has no user with the username or sub '{user}'.", nameof(user));
        return TokenIssuer.CreateLogoutToken(ResolveClient(clientId), account, sessionId ?? RandomTokens.CreateId(), defect);
    }

    /// <summary>Revokes an access token (by its <c>jti</c>) or a refresh token the emulator issued; unknown tokens are ignored.</summary>
    /// <param name="token">The access or refresh token.</param>
    public void RevokeToken(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        RevokeToken(token, client: null);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _testServer?.Dispose();
        Keys.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    internal void RevokeToken(string token, CidaasEmulatorClient? client)
    {
        var refreshToken = Tokens.FindRefreshToken(token);
        if (refreshToken is not null)
        {
            if (client is null || refreshToken.Grant.Client.ClientId == client.ClientId)
            {
                Tokens.RevokeRefreshToken(token);
            }

            return;
        }

        string? tokenId;
        try
        {
            new JsonWebToken(token).TryGetPayloadValue("jti", out tokenId);
        }
        catch (ArgumentException)
        {
            return;
        }

        var accessToken = tokenId is null ? null : Tokens.FindAccessToken(tokenId);
        if (accessToken is not null && (client is null || accessToken.Grant.Client.ClientId == client.ClientId))
        {
            accessToken.Revoked = true;
        }
    }

    internal void Record(CidaasEmulatorRequest request)
    {
        if (string.Equals(request.Path, Endpoints.TokenEndpoint.Path, StringComparison.OrdinalIgnoreCase)
            && request.Form.TryGetValue("grant_type", out var grantType) && grantType.Length <= 100)
        {
            _grantCounters.AddOrUpdate(grantType, 1, static (_, count) => count + 1);
        }

        var limit = Options.MaxRecordedRequests;
        if (limit <= 0)
        {
            return;
        }

        lock (_requestsLock)
        {
            // Bounded, so that a long-running emulator (dotnet run) does not keep every form body forever.
            while (_requests.Count >= limit)
            {
                _requests.Dequeue();
            }

            _requests.Enqueue(request);
        }
    }

    /// <summary>Checks client assertions and remembers their <c>jti</c>s.</summary>
    internal ClientAssertionValidator ClientAssertions { get; } = new();

    internal CidaasEmulatorClient? FindClient(string clientId) =>
        Options.Clients.FirstOrDefault(client => client.ClientId == clientId);

    internal CidaasEmulatorUser? FindAutoSignInUser(string? loginHint)
    {
        var users = Options.Users;
        var hinted = loginHint is null ? null : FindUserByNameOrSub(loginHint);
        if (hinted is not null)
        {
            return hinted;
        }

        return Options.AutoSignInUsername is { } configured ? FindUserByNameOrSub(configured) : users.FirstOrDefault();
    }

    internal CidaasEmulatorUser? FindUserByLogin(string login) =>
        Options.Users.FirstOrDefault(user =>
            string.Equals(user.Username, login, StringComparison.OrdinalIgnoreCase)
            || (!string.IsNullOrEmpty(user.Email) && string.Equals(user.Email, login, StringComparison.OrdinalIgnoreCase)))
        ?? (_registeredUsers.TryGetValue(login, out var registered) ? registered : null);

    private CidaasEmulatorUser? FindUserByNameOrSub(string value) =>
        Options.Users.FirstOrDefault(user => string.Equals(user.Username, value, StringComparison.OrdinalIgnoreCase))
        ?? Options.Users.FirstOrDefault(user => user.Sub == value)
        ?? (_registeredUsers.TryGetValue(value, out var registered) ? registered : _registeredUsers.Values.FirstOrDefault(user => user.Sub == value));

    // Users who signed up on the registration page (view_type=register, issue 16), by login (their e-mail address). Kept
    // apart from Options.Users, a plain list that requests read without a lock.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CidaasEmulatorUser> _registeredUsers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The users who signed up on the emulator's registration page (an authorization request with <c>view_type=register</c>),
    /// in memory only, in no order. They sign in like the users of <see cref="CidaasEmulatorOptions.Users"/>.
    /// </summary>
    public IReadOnlyCollection<CidaasEmulatorUser> RegisteredUsers => [.. _registeredUsers.Values];

    /// <summary>Adds a user who signed up, unless a user with that login (e-mail address) exists; only one of two racing sign-ups wins.</summary>
    internal bool TryRegister(CidaasEmulatorUser user) => FindUserByLogin(user.Username) is null && _registeredUsers.TryAdd(user.Username, user);

    private static WebApplicationBuilder CreateBuilder()
    {
        // The empty builder reads no appsettings.json, environment or command line: a host app's Kestrel
        // or logging settings must not leak into the emulator.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(CidaasEmulator).Assembly.GetName().Name,
        });
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        return builder;
    }

    private CidaasEmulatorClient ResolveClient(string? clientId)
    {
        if (clientId is null)
        {
            return Options.Clients.FirstOrDefault() ?? throw new ArgumentException("The emulator has no client.", nameof(clientId));
        }

        return FindClient(clientId) ?? throw new ArgumentException($"The emulator has no client '{clientId}'.", nameof(clientId));
    }

    private async Task<CidaasEmulator> RunAsync(WebApplicationBuilder builder, Action<WebApplication> started, CancellationToken cancellationToken)
    {
        var app = builder.Build();
        app.Run(context => EmulatorPipeline.HandleAsync(context, this));
        _app = app;
        try
        {
            await app.StartAsync(cancellationToken);
            started(app);
            return this;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }
}
