using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>
/// Bearer tests: an API protected by <c>AddCidaasBearer</c> (pointed at the emulator as its first client, the demo
/// client, whose id is the accepted audience) with <c>/api/me</c> (any valid token; answers the claims as "type|value"
/// lines), <c>/api/orders</c> (<c>[Authorize(Policy = "orders.read")]</c>), <c>/api/orders/write</c> (scope
/// <c>orders:write</c>), <c>/api/admin</c> (role admin), <c>/api/engineering</c> (group), <c>/api/engineering/leads</c>
/// (group role lead). Call it with <see cref="TestApp{TOptions}.GetAsync"/>.
/// </summary>
public abstract class BearerTestBase(ITestOutputHelper output) : CidaasTestBase<CidaasBearerOptions>(output, CidaasDefaults.BearerAuthenticationScheme)
{
    /// <summary>A real access token of the emulator for the demo client; it is remembered as a secret.</summary>
    protected async Task<string> GetAccessTokenAsync(string user = "alice", string scope = "openid orders:read")
        => (await GetTokensAsync(user, scope)).AccessToken;

    /// <summary>Real tokens of the emulator for the demo client; each is remembered as a secret.</summary>
    protected async Task<CidaasEmulatorTokens> GetTokensAsync(string user = "alice", string scope = "openid orders:read")
    {
        var tokens = await Emulator.GetAccessTokenAsync(user, scope, BearerTokens.ClientId);
        foreach (var token in new[] { tokens.AccessToken, tokens.IdToken, tokens.RefreshToken })
        {
            if (token is not null)
            {
                Remember(token);
            }
        }

        return tokens;
    }

    /// <summary>A real access token of the emulator as if issued at <paramref name="issuedAt"/> (the emulator's clock is set back afterwards).</summary>
    protected async Task<string> GetAccessTokenIssuedAtAsync(DateTimeOffset issuedAt)
    {
        var clock = Emulator.Options.TimeProvider;
        Emulator.Options.TimeProvider = new FakeTimeProvider(issuedAt);
        try
        {
            return await GetAccessTokenAsync();
        }
        finally
        {
            Emulator.Options.TimeProvider = clock;
        }
    }

    /// <summary>Validates tokens at the emulator's introspection endpoint, authenticated as the given client (the demo client unless named).</summary>
    protected static void UseIntrospection(CidaasBearerOptions options, string clientId = BearerTokens.ClientId, string clientSecret = BearerTokens.ClientSecret)
    {
        options.TokenValidationMode = CidaasTokenValidationMode.Introspection;
        options.ClientId = clientId;
        options.ClientSecret = clientSecret;
    }

    /// <summary>The key under which the API's scheme caches the introspection answer for <paramref name="token"/>.</summary>
    protected string IntrospectionCacheKey(string token)
        => CidaasIntrospectionCache.CreateKey(App.GetOptions().IntrospectionCacheKeyPrefix!, token);

    /// <summary>Protects an introspection cache entry with the scheme's own keys, as another instance of the API would.</summary>
    protected byte[] ProtectAsTheScheme(byte[] entry) => App.GetOptions().IntrospectionProtector!.Protect(entry);

    /// <summary>Asserts an RFC 6750 §3.1 invalid_token answer and returns its error_description.</summary>
    protected static string ExpectInvalidToken(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = response.Headers.WwwAuthenticate.Should().ContainSingle().Subject;
        challenge.Scheme.Should().Be("Bearer");
        challenge.Parameter.Should().Contain("error=\"invalid_token\"");
        var description = Parameter(challenge.Parameter!, "error_description");
        description.Should().NotBeNullOrEmpty("the client is told briefly why");
        return description!;
    }

    protected static string? Parameter(string parameters, string name)
    {
        var start = parameters.IndexOf(name + "=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += name.Length + 2;
        var end = parameters.IndexOf('"', start);
        return parameters[start..end];
    }

    protected override AuthenticationBuilder AddScheme(IServiceCollection services, TestApp<CidaasBearerOptions> app, CidaasEmulator emulator, Action<CidaasBearerOptions>? configure)
    {
        var authentication = services.AddAuthentication(CidaasDefaults.BearerAuthenticationScheme)
            .AddCidaasBearer(o =>
            {
                emulator.ConfigureClient(o, BearerTokens.ClientId);
                configure?.Invoke(o);
            });
        services.AddAuthorizationBuilder()
            .AddPolicy("orders.read", CidaasPolicies.Scope("orders:read"));
        return authentication;
    }

    protected override void MapEndpoints(WebApplication app)
    {
        app.MapGet("/api/me", (ClaimsPrincipal user) => string.Join('\n', user.Claims.Select(c => c.Type + "|" + c.Value)))
            .RequireAuthorization();
        app.MapGet("/api/orders", [Authorize(Policy = "orders.read")] () => "orders");
        app.MapGet("/api/orders/write", () => "written").RequireAuthorization(CidaasPolicies.Scope("orders:write"));
        app.MapGet("/api/admin", () => "admin").RequireAuthorization(CidaasPolicies.Role("admin"));
        app.MapGet("/api/engineering", () => "engineering").RequireAuthorization(CidaasPolicies.Group("engineering"));
        app.MapGet("/api/engineering/leads", () => "leads").RequireAuthorization(p => p.RequireCidaasGroup("engineering", "lead"));
    }
}
