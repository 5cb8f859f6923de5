using Microsoft.AspNetCore.Mvc;

namespace Cidaas.Sample.Web.Controllers;

/// <summary>The public pages: home and the error page.</summary>
public sealed class HomeController : Controller
{
    private readonly SignInProvider _provider;

    public HomeController(SignInProvider provider) => _provider = provider;

    [HttpGet("/")]
    public IActionResult Index() => View(_provider);

    [HttpGet("/error")]
    [ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
    public IActionResult Error() => View(); // the exception handler logged the cause; the page tells no details

    /// <summary>The page for a status without a body (404 above all), re-executed by the status-code pages.</summary>
    [HttpGet("/status/{code:int}")]
    [ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
    public IActionResult Status(int code)
    {
        // Reached directly, the page must not claim another status than the one it is about.
        Response.StatusCode = code is >= 400 and <= 599 ? code : StatusCodes.Status404NotFound;
        return View(Response.StatusCode);
    }
}
