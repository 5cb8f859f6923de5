using System.Security.Claims;
using Cidaas.AspNetCore.Authentication.Bearer;
using Cidaas.AspNetCore.Authentication.Testing;
using Cidaas.AspNetCore.Authentication.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>
/// An API on a TestServer at https://api.test protected by <c>AddCidaasBearer</c> against an emulator:
/// <c>/api/me</c> (any valid token; answers the claims as "type|value" lines), <c>/api/orders</c>
/// (<c>[Authorize(Policy = "orders.read")]</c>), <c>/api/orders/write</c> (scope <c>orders:write</c>),
/// <c>/api/admin</c> (role admin), <c>/api/engineering</c> (group), <c>/api/engineering/leads</c> (group role lead).
/// </summary>
public sealed class BearerTestApi : IAsyncDisposable
{
    public const string Origin = "https://api.test";

    private readonly WebApplication _app;

    private BearerTestApi(WebApplication app, CapturingLoggerProvider logs)
    {
        _app = app;
        Logs = logs;
        Server = (TestServer)app.Services.GetRequiredService<IServer>();
    }

    public TestServer Server { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public CidaasBearerOptions GetOptions(string scheme = CidaasDefaults.BearerAuthenticationScheme)
        => _app.Services.GetRequiredService<IOptionsMonitor<CidaasBearerOptions>>().Get(scheme);

    public static async Task<BearerTestApi> StartAsync(
        CidaasEmulator emulator,
        ITestOutputHelper? output,
        Action<CidaasBearerOptions>? configure = null,
        Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer(o => o.BaseAddress = new Uri(Origin));
        var logs = new CapturingLoggerProvider(output);
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);

        builder.Services.AddAuthentication(CidaasDefaults.BearerAuthenticationScheme)
            .AddCidaasBearer(o =>
            {
                o.Authority = emulator.Authority;
                o.Audience = BearerTokens.ClientId;
                o.BackchannelHttpHandler = emulator.CreateHandler();
                configure?.Invoke(o);
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("orders.read", CidaasPolicies.Scope("orders:read"));
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/api/me", (ClaimsPrincipal user) => string.Join('\n', user.Claims.Select(c => c.Type + "|" + c.Value)))
            .RequireAuthorization();
        app.MapGet("/api/orders", [Authorize(Policy = "orders.read")] () => "orders");
        app.MapGet("/api/orders/write", () => "written").RequireAuthorization(CidaasPolicies.Scope("orders:write"));
        app.MapGet("/api/admin", () => "admin").RequireAuthorization(CidaasPolicies.Role("admin"));
        app.MapGet("/api/engineering", () => "engineering").RequireAuthorization(CidaasPolicies.Group("engineering"));
        app.MapGet("/api/engineering/leads", () => "leads").RequireAuthorization(p => p.RequireCidaasGroup("engineering", "lead"));

        await app.StartAsync();
        return new BearerTestApi(app, logs);
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? accessToken, Action<HttpRequestMessage>? configure = null)
    {
        using var client = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, Origin + path);
        if (accessToken is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + accessToken);
        }

        configure?.Invoke(request);
        return await client.SendAsync(request);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
