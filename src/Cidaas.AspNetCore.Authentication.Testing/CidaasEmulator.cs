using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
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
/// issuing RS256 tokens. Runs in-process on a <see cref="TestServer"/> (<see cref="Create(CidaasEmulatorOptions)"/>)
/// or on Kestrel at a loopback address (<see cref="StartAsync(CidaasEmulatorOptions, int, CancellationToken)"/>).
/// </summary>
public sealed class CidaasEmulator : IAsyncDisposable, IDisposable
{
    private readonly Lock _requestsLock = new();
    private readonly Queue<CidaasEmulatorRequest> _requests = new();
    private readonly Lock _idTokenMembersLock = new();
    private WebApplication? _app;
    private TestServer? _testServer;
    private int _nextIdTokenDefect;
    private List<KeyValuePair<string, JsonElement?>>? _nextIdTokenMembers;
    private int _nextTokenResponseDefect;
    private StrongBox<string?>? _nextAuthorizationResponseIssuer;
    private string? _nextUserInfoSubject;
    private int _disposed;

    private CidaasEmulator(CidaasEmulatorOptions options, string authority)
    {
        Options = options;
        Authority = authority;
        TokenIssuer = new TokenIssuer(this);
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

    /// <summary>When set, the discovery document's <c>issuer</c> is this value (the tokens keep <see cref="Authority"/>).</summary>
    public string? DiscoveryIssuerOverride { get; set; }

    /// <summary>Faults to inject into the next requests to a path.</summary>
    public CidaasEmulatorFaults Faults { get; } = new();

    internal SigningKeyRing Keys { get; } = new();

    internal TokenStore Tokens { get; } = new();

    internal TokenIssuer TokenIssuer { get; }

    internal SessionStore Sessions { get; } = new();

    internal PasswordHasher Passwords { get; } = new();

    /// <summary>Starts an emulator in-process on a <see cref="TestServer"/> whose base address is <see cref="CidaasEmulatorOptions.Issuer"/>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    public static CidaasEmulator Create(CidaasEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out _))
        {
            throw new ArgumentException($"{nameof(CidaasEmulatorOptions.Issuer)} must be an absolute URL.", nameof(options));
        }

        var emulator = new CidaasEmulator(options, options.Issuer.TrimEnd('/'));
        var builder = CreateBuilder();
        builder.WebHost.UseTestServer();
        var app = emulator.Build(builder);

        // TestServer starts synchronously in effect; Task.Run keeps a caller's synchronization context out of it.
        Task.Run(() => app.StartAsync()).GetAwaiter().GetResult();
        emulator._testServer = app.GetTestServer();
        emulator._testServer.BaseAddress = new Uri(emulator.Authority + "/");
        return emulator;
    }

    /// <summary>Starts an emulator on Kestrel at <c>http://127.0.0.1:{port}</c>; <see cref="Authority"/> is that address.</summary>
    /// <param name="options">The options (<see cref="CidaasEmulatorOptions.Issuer"/> is ignored).</param>
    /// <param name="port">The TCP port, or 0 for any free port.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop it.</returns>
    public static async Task<CidaasEmulator> StartAsync(CidaasEmulatorOptions options, int port = 0, CancellationToken cancellationToken = default)
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
        var app = emulator.Build(builder);
        try
        {
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            emulator.Authority = $"http://127.0.0.1:{new Uri(address).Port}";
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
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

    /// <summary>Makes the id_token of the next token response defective in the given way (one-shot).</summary>
    /// <param name="defect">The defect.</param>
    public void IssueNextIdTokenWith(CidaasIdTokenDefect defect) => Interlocked.Exchange(ref _nextIdTokenDefect, (int)defect);

    /// <summary>
    /// Gives the next id_token (one-shot) the payload member <paramref name="name"/> with the raw JSON value
    /// <paramref name="json"/>, e.g. <c>253402300800</c>, <c>"1700000000"</c> (a string) or <c>[1]</c>; a
    /// <see langword="null"/> value leaves the member out. The token is otherwise correct and correctly signed, so the
    /// relying party's check of that member alone decides. Several calls before the next token add up, and a defect of
    /// <see cref="IssueNextIdTokenWith(CidaasIdTokenDefect)"/> applies as well.
    /// </summary>
    /// <param name="name">The payload member, e.g. <c>iat</c>.</param>
    /// <param name="json">Its value as JSON text, or <see langword="null"/> to leave it out.</param>
    public void IssueNextIdTokenWithMember(string name, string? json)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        JsonElement? value = null;
        if (json is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                value = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new ArgumentException("The value must be JSON text, e.g. 42, \"text\" or [1, 2].", nameof(json), ex);
            }
        }

        lock (_idTokenMembersLock)
        {
            (_nextIdTokenMembers ??= []).Add(new(name, value));
        }
    }

    /// <summary>Makes the next successful token response defective in the given way (one-shot).</summary>
    /// <param name="defect">The defect.</param>
    public void IssueNextTokenResponseWith(CidaasTokenResponseDefect defect) => Interlocked.Exchange(ref _nextTokenResponseDefect, (int)defect);

    /// <summary>Overrides the <c>iss</c> of the next authorization response (one-shot); <see langword="null"/> leaves it out.</summary>
    /// <param name="iss">The issuer to send, or <see langword="null"/>.</param>
    public void NextAuthorizationResponseIssuer(string? iss) => Interlocked.Exchange(ref _nextAuthorizationResponseIssuer, new StrongBox<string?>(iss));

    /// <summary>Makes the next userinfo answer carry this <c>sub</c> (one-shot).</summary>
    /// <param name="sub">The subject to answer with.</param>
    public void NextUserInfoSubject(string sub)
    {
        ArgumentNullException.ThrowIfNull(sub);
        Interlocked.Exchange(ref _nextUserInfoSubject, sub);
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
                refreshToken.Revoked = true;
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
            || (!string.IsNullOrEmpty(user.Email) && string.Equals(user.Email, login, StringComparison.OrdinalIgnoreCase)));

    internal CidaasIdTokenDefect TakeIdTokenDefect() => (CidaasIdTokenDefect)Interlocked.Exchange(ref _nextIdTokenDefect, 0);

    internal IReadOnlyList<KeyValuePair<string, JsonElement?>> TakeIdTokenMembers()
    {
        lock (_idTokenMembersLock)
        {
            var members = _nextIdTokenMembers;
            _nextIdTokenMembers = null;
            return members ?? [];
        }
    }

    internal CidaasTokenResponseDefect TakeTokenResponseDefect() => (CidaasTokenResponseDefect)Interlocked.Exchange(ref _nextTokenResponseDefect, 0);

    internal string? TakeAuthorizationResponseIssuer()
    {
        var overridden = Interlocked.Exchange(ref _nextAuthorizationResponseIssuer, null);
        if (overridden is not null)
        {
            return overridden.Value;
        }

        return Options.SendIssInAuthorizationResponse ? Authority : null;
    }

    internal string? TakeUserInfoSubject() => Interlocked.Exchange(ref _nextUserInfoSubject, null);

    private CidaasEmulatorUser? FindUserByNameOrSub(string value) =>
        Options.Users.FirstOrDefault(user => string.Equals(user.Username, value, StringComparison.OrdinalIgnoreCase))
        ?? Options.Users.FirstOrDefault(user => user.Sub == value);

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

    private WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.Run(context => EmulatorPipeline.HandleAsync(context, this));
        _app = app;
        return app;
    }
}
