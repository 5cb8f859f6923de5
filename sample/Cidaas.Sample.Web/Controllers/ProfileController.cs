using Cidaas.Sample.Web.Models;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Cidaas.Sample.Web.Controllers;

/// <summary>Who the signed-in user is, as cidaas told it: claims, roles, groups and the access token's expiry.</summary>
[Authorize]
public sealed class ProfileController : Controller
{
    private const string RefreshResultKey = "Cidaas.Sample.RefreshResult";

    [HttpGet("/profile")]
    public async Task<IActionResult> Index()
    {
        // SaveTokens keeps the tokens in the session; the page shows when the access token expires, never the token.
        var expiresAt = await HttpContext.GetTokenAsync("expires_at");
        return View(ProfileModel.From(User, expiresAt, DateTimeOffset.UtcNow) with { RefreshResult = TempData[RefreshResultKey] as string });
    }

    /// <summary>
    /// "Refresh now": renews the access token with the refresh token (grant <c>refresh_token</c>) whatever its expiry,
    /// writes the new tokens back to the session, and shows the profile again with the new expiry. A POST with an
    /// antiforgery token, as anything that changes the session.
    /// </summary>
    [HttpPost("/profile/refresh")]
    [ValidateAntiForgeryToken]
    public async Task<IActionResult> Refresh()
    {
        var token = await HttpContext.GetCidaasUserAccessTokenAsync(forceRefresh: true, HttpContext.RequestAborted);

        // The error says what went wrong (a CIDAAS code) and never holds a token. When cidaas refused the refresh
        // token, the session has ended: the profile page then challenges, and the user signs in again.
        TempData[RefreshResultKey] = token.Succeeded ? "" : token.Error;
        return RedirectToAction(nameof(Index));
    }
}
