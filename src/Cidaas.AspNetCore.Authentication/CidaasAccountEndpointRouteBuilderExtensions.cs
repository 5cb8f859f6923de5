using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.SignIn;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// The endpoints every app with a cidaas sign-in needs, for MVC, Razor Pages, minimal APIs and Blazor Web Apps
/// alike: <c>GET {prefix}/login?returnUrl=…</c> challenges the cidaas scheme (<c>GET {prefix}/register</c> the same with
/// cidaas's registration page), and <c>POST {prefix}/logout</c>, behind antiforgery, signs out of the app's cookie and of cidaas.
/// </summary>
public static class CidaasAccountEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET {prefix}/login</c>, <c>GET {prefix}/register</c> and <c>POST {prefix}/logout</c> for the scheme <paramref name="scheme"/>.
    /// <list type="bullet">
    /// <item><c>login</c> sends the user to cidaas and back to <c>returnUrl</c> (query), a local URL only; anything else
    /// (absent, absolute, protocol-relative) becomes the app's root. A signed-in user goes straight to <c>returnUrl</c>.</item>
    /// <item><c>register</c> does the same with <c>view_type=register</c>: cidaas shows its registration page, and the new
    /// user comes back signed in.</item>
    /// <item><c>logout</c> takes a form with the antiforgery token (<c>@Html.AntiForgeryToken()</c>, the <c>form</c> tag
    /// helper, or Blazor's <c>&lt;AntiforgeryToken /&gt;</c>) and an optional local <c>returnUrl</c>; it validates the
    /// token itself, so it needs no antiforgery middleware, and answers 400 without one. The cidaas handler ends the
    /// cookie session and sends the browser to cidaas's end-session endpoint, which sends it back to <c>returnUrl</c>.</item>
    /// </list>
    /// </summary>
    /// <param name="endpoints">The app's endpoint route builder.</param>
    /// <param name="prefix">The path both endpoints live under. Default <c>/account</c>.</param>
    /// <param name="scheme">The cidaas scheme. Default <see cref="CidaasDefaults.AuthenticationScheme"/>.</param>
    /// <returns>The group of the endpoints, for further conventions (e.g. rate limiting).</returns>
    public static RouteGroupBuilder MapCidaasAccountEndpoints(
        this IEndpointRouteBuilder endpoints, string prefix = "/account", string scheme = CidaasDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        if (endpoints.ServiceProvider.GetService<IAntiforgery>() is null)
        {
            throw new InvalidOperationException(
                "MapCidaasAccountEndpoints needs the antiforgery services for its logout endpoint: call services.AddAntiforgery() "
                + "(AddControllersWithViews, AddRazorPages and AddRazorComponents do it already).");
        }

        var group = endpoints.MapGroup(prefix);

        IResult SignIn(HttpContext context, string? returnUrl, string? viewType)
        {
            var target = LocalOrRoot(returnUrl, context.Request.PathBase);
            return context.User.Identity?.IsAuthenticated == true
                ? Results.Redirect(target)
                : Results.Challenge(new CidaasChallengeProperties { RedirectUri = target, ViewType = viewType }, [scheme]);
        }

        group.MapGet("/login", (HttpContext context, string? returnUrl) => SignIn(context, returnUrl, viewType: null));
        // "Create account": cidaas's registration page (view_type=register); the new user comes back signed in (issue 16).
        group.MapGet("/register", (HttpContext context, string? returnUrl) => SignIn(context, returnUrl, CidaasViewType.Register));

        group.MapPost("/logout", async (HttpContext context) =>
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            try
            {
                await antiforgery.ValidateRequestAsync(context);
            }
            catch (AntiforgeryValidationException)
            {
                // Without a valid token another site could sign the user out (login CSRF's twin): nothing happens.
                return Results.Problem(
                    title: "The sign-out request has no valid antiforgery token.",
                    detail: "Post the form with the antiforgery token of this app.",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var target = LocalOrRoot(form["returnUrl"].Count == 1 ? form["returnUrl"][0] : null, context.Request.PathBase);
            return Results.SignOut(new AuthenticationProperties { RedirectUri = target }, [scheme]);
        })
        // The endpoint validates the token itself (above), so that it also works where no antiforgery middleware runs (MVC apps).
        .DisableAntiforgery();

        return group;
    }

    // Local URLs only ("~/" resolved against the path base), percent-encoded for a Location header; else the app's root.
    private static string LocalOrRoot(string? returnUrl, PathString pathBase) =>
        CidaasReturnUrl.ToLocation(returnUrl, pathBase) ?? pathBase.ToUriComponent() + "/";
}
