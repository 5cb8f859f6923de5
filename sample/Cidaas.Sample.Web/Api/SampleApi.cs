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

    /// <summary>The name of the HTTP client the sample's pages call the API with.</summary>
    public const string HttpClientName = "Cidaas.Sample.Api";

    /// <summary>Adds the bearer scheme for the API and the HTTP client the pages use to call it.</summary>
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
        authentication.Services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return authentication;
    }

    /// <summary>Maps <c>/api/me</c> (any valid token), <c>/api/admin</c> (role admin) and <c>/api/orders</c> (scope <see cref="OrdersScope"/>).</summary>
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

        return api;
    }
}
