using System.Security.Claims;
using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.Bearer;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Cidaas.Sample.Web.Api;

/// <summary>
/// The sample's API under <c>/api</c>, protected by <c>AddCidaasBearer</c>: it accepts the cidaas access tokens issued
/// to the sample itself. Its endpoints name the bearer scheme, so a call without a valid token gets a 401 with
/// <c>WWW-Authenticate: Bearer …</c> (RFC 6750) instead of the cookie scheme's redirect to the sign-in.
/// </summary>
public static class SampleApi
{
    /// <summary>The scope <c>/api/orders</c> needs; the sample asks for it only when <c>Cidaas:Scope</c> lists it.</summary>
    public const string OrdersScope = "orders:read";

    /// <summary>The name of the HTTP client the sample's pages call the API with, as the signed-in user.</summary>
    public const string HttpClientName = "Cidaas.Sample.Api";

    /// <summary>The name of the HTTP client (and of its cidaas client credentials) that calls the API as the sample itself.</summary>
    public const string MachineHttpClientName = "Cidaas.Sample.Api.Machine";

    /// <summary>The bearer scheme of <c>/api/service</c>: it also accepts tokens that name no user (grant <c>client_credentials</c>).</summary>
    public const string ServiceScheme = "CidaasService";

    /// <summary>
    /// Adds the bearer schemes of the API and the HTTP clients the pages use to call it: one with the signed-in user's
    /// access token (<c>AddCidaasUserAccessTokenHandler</c>: renewed shortly before it expires, and once more on a
    /// 401), one with the sample's own token (<c>AddCidaasClientCredentials</c>: grant <c>client_credentials</c> with the
    /// cidaas scheme's client, cached in HybridCache until shortly before it expires).
    /// </summary>
    /// <param name="authentication">The authentication builder.</param>
    /// <param name="authority">The cidaas authority (tenant or emulator).</param>
    /// <param name="clientId">The sample's client id: the audience of the access tokens it gets.</param>
    /// <returns>The builder.</returns>
    public static AuthenticationBuilder AddSampleApi(this AuthenticationBuilder authentication, string authority, string clientId)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        authentication.AddCidaasBearer(o =>
        {
            o.Authority = authority;
            o.Audiences.Add(clientId);
        });
        authentication.AddCidaasBearer(ServiceScheme, o =>
        {
            o.Authority = authority;
            o.Audiences.Add(clientId);
            // cidaas's client_credentials tokens carry the sub "ANONYMOUS": accepted here as a client's, not a user's.
            o.AllowAnonymousSubject = true;
        });

        authentication.Services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .AddCidaasUserAccessTokenHandler();

        authentication.Services.AddCidaasClientCredentials(MachineHttpClientName, o => o.Scheme = CidaasDefaults.AuthenticationScheme);
        authentication.Services.AddHttpClient(MachineHttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .AddCidaasClientAccessTokenHandler(MachineHttpClientName);
        return authentication;
    }

    /// <summary>
    /// Maps <c>/api/me</c> (any valid user token), <c>/api/admin</c> (role admin), <c>/api/orders</c> (scope
    /// <see cref="OrdersScope"/>) and <c>/api/service</c> (any valid token of the sample, also a client's own).
    /// </summary>
    /// <param name="app">The endpoint builder.</param>
    /// <returns>The route group of the API.</returns>
    public static RouteGroupBuilder MapSampleApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(CidaasDefaults.BearerAuthenticationScheme).RequireAuthenticatedUser());

        api.MapGet("/me", (ClaimsPrincipal user) => Results.Ok(new
        {
            subject = user.FindFirstValue(ClaimTypes.NameIdentifier),
            roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToArray(),
            groups = user.FindAll(CidaasClaimTypes.GroupRole).Select(c => c.Value)
                .Concat(user.FindAll(CidaasClaimTypes.Group).Select(c => c.Value)).Distinct().ToArray(),
            scopes = user.FindAll(CidaasBearerClaimTypes.Scope).Select(c => c.Value).ToArray(),
            client = user.FindFirstValue(CidaasBearerClaimTypes.ClientId),
        }));

        api.MapGet("/admin", (ClaimsPrincipal user) => Results.Ok(new { message = "Only for the cidaas role admin.", subject = user.FindFirstValue(ClaimTypes.NameIdentifier) }))
            .RequireAuthorization(p => p.AddAuthenticationSchemes(CidaasDefaults.BearerAuthenticationScheme).RequireCidaasRole("admin"));

        api.MapGet("/orders", () => Results.Ok(new { orders = new[] { "4711", "4712" } }))
            .RequireAuthorization(p => p.AddAuthenticationSchemes(CidaasDefaults.BearerAuthenticationScheme).RequireCidaasScope(OrdersScope));

        // Machine to machine: a client's token names no user, so this endpoint has a scheme of its own that accepts it
        // (outside the group, whose policy asks the user scheme, which refuses such tokens).
        app.MapGet("/api/service", (ClaimsPrincipal user) =>
            {
                var subject = user.FindFirstValue(ClaimTypes.NameIdentifier);
                return Results.Ok(new
                {
                    caller = subject is null ? "a client (client_credentials), no user" : "a user",
                    subject,
                    scopes = user.FindAll(CidaasBearerClaimTypes.Scope).Select(c => c.Value).ToArray(),
                });
            })
            .RequireAuthorization(p => p.AddAuthenticationSchemes(ServiceScheme).RequireAuthenticatedUser());

        return api;
    }
}
