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
}
