using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Cidaas.Sample.Web.Controllers;

/// <summary>Only for users with the cidaas role <c>admin</c>; anyone else is sent to the 403 page.</summary>
[Authorize(Roles = "admin")]
public sealed class AdminController : Controller
{
    [HttpGet("/admin")]
    public IActionResult Index() => View();
}
