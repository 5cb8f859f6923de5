using Cidaas.Sample.Web.Models;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Cidaas.Sample.Web.Controllers;

/// <summary>Who the signed-in user is, as cidaas told it: claims, roles, groups and the access token's expiry.</summary>
[Authorize]
public sealed class ProfileController : Controller
{
    [HttpGet("/profile")]
    public async Task<IActionResult> Index()
    {
        // SaveTokens keeps the tokens in the cookie; the page shows when the access token expires, never the token.
        var expiresAt = await HttpContext.GetTokenAsync("expires_at");
        return View(ProfileModel.From(User, expiresAt, DateTimeOffset.UtcNow));
    }
}
