using Cidaas.AspNetCore.Authentication;
using Cidaas.Sample.Web.Models;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Cidaas.Sample.Web.Controllers;

/// <summary>Sign-in, sign-out and the pages a sign-in can end on when it does not succeed.</summary>
[Route("account")]
public sealed class AccountController : Controller
{
    /// <summary>Sends the user to cidaas; back here they land on <paramref name="returnUrl"/> (local URLs only).</summary>
    [HttpGet("sign-in")]
    public IActionResult Login(string? returnUrl) => SignInWithCidaas(returnUrl, viewType: null);

    /// <summary>
    /// "Create account": the same sign-in, with cidaas's <c>view_type=register</c>, so that cidaas opens its registration
    /// page; the new user comes back signed in, to <paramref name="returnUrl"/> (local URLs only).
    /// </summary>
    [HttpGet("create-account")]
    public IActionResult Register(string? returnUrl) => SignInWithCidaas(returnUrl, CidaasViewType.Register);

    private IActionResult SignInWithCidaas(string? returnUrl, string? viewType)
    {
        var target = Url.IsLocalUrl(returnUrl) ? returnUrl : Url.Action("Index", "Profile")!;
        if (User.Identity?.IsAuthenticated == true)
        {
            return LocalRedirect(target);
        }

        return Challenge(new CidaasChallengeProperties { RedirectUri = target, ViewType = viewType }, CidaasDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Signs out of the sample and of cidaas: the handler ends the cookie session, then sends the browser to cidaas's
    /// end_session with the saved id_token as hint, and cidaas sends it back to <c>/signout-callback-cidaas</c> and home.
    /// A POST with an antiforgery token, so that no other site can sign the user out.
    /// </summary>
    [HttpPost("sign-out")]
    [ValidateAntiForgeryToken]
    public IActionResult Logout() =>
        SignOut(new AuthenticationProperties { RedirectUri = Url.Action("Index", "Home") }, CidaasDefaults.AuthenticationScheme);

    /// <summary>The user cancelled at cidaas, or cidaas refused access (<c>error=access_denied</c>).</summary>
    [HttpGet("access-denied")]
    public IActionResult AccessDenied(string? returnUrl) =>
        View(new ReturnUrlModel(Url.IsLocalUrl(returnUrl) ? returnUrl : null));

    /// <summary>Signed in, but without the role the page needs.</summary>
    [HttpGet("forbidden")]
    public IActionResult Forbidden()
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return View();
    }

    /// <summary>Any other failed sign-in: a replayed callback, an expired sign-in, a refused code…</summary>
    [HttpGet("sign-in-failed")]
    [ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
    public IActionResult SignInFailed()
    {
        var cause = TempData[SignInFailure.TempDataKey] as string;
        // A reloaded or bookmarked callback fails (its state is used up), yet the user may well be signed in.
        var signedInAs = User.Identity?.IsAuthenticated == true ? User.Identity.Name ?? "" : null;
        return View(SignInFailedModel.From(string.IsNullOrEmpty(cause) ? null : cause, signedInAs));
    }
}
