using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;

namespace Cidaas.Sample.Web.Api;

/// <summary>
/// Calls the sample's own API (<see cref="SampleApi"/>) over HTTP with the signed-in user's access token, the way a
/// web app calls a resource server, and shows what each endpoint answered. The token itself is never shown.
/// </summary>
[Authorize]
public sealed class ApiDemoController : Controller
{
    private static readonly (string Path, string What)[] Endpoints =
    [
        ("/api/me", "any valid cidaas access token"),
        ("/api/admin", "the cidaas role admin"),
        ("/api/orders", $"the scope {SampleApi.OrdersScope}"),
    ];

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IServer _server;

    public ApiDemoController(IHttpClientFactory httpClientFactory, IServer server)
    {
        _httpClientFactory = httpClientFactory;
        _server = server;
    }

    [HttpGet("/api-demo")]
    public async Task<IActionResult> Index()
    {
        var accessToken = await HttpContext.GetTokenAsync("access_token");
        // The API is called at the address the server listens on, never at the request's Host header: a forged Host
        // must not make the sample send the user's token elsewhere.
        var baseAddress = OwnAddress();
        var calls = new List<ApiCallResult>();
        if (accessToken is not null && baseAddress is not null)
        {
            var client = _httpClientFactory.CreateClient(SampleApi.HttpClientName);
            foreach (var (path, what) in Endpoints)
            {
                calls.Add(await CallAsync(client, new Uri(baseAddress + path), what, accessToken));
            }
        }

        return View("~/Api/ApiDemo.cshtml", new ApiDemoModel(baseAddress, accessToken is not null, calls));
    }

    private async Task<ApiCallResult> CallAsync(HttpClient client, Uri uri, string what, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        try
        {
            using var response = await client.SendAsync(request, HttpContext.RequestAborted);
            var body = await response.Content.ReadAsStringAsync(HttpContext.RequestAborted);
            var challenge = response.Headers.WwwAuthenticate.Count > 0 ? string.Join(", ", response.Headers.WwwAuthenticate) : null;
            return new ApiCallResult(uri.AbsolutePath, what, (int)response.StatusCode, challenge, body);
        }
        catch (HttpRequestException ex)
        {
            return new ApiCallResult(uri.AbsolutePath, what, 0, null, "The call failed: " + ex.Message);
        }
        catch (TaskCanceledException) when (!HttpContext.RequestAborted.IsCancellationRequested)
        {
            return new ApiCallResult(uri.AbsolutePath, what, 0, null, "The call timed out.");
        }
    }

    /// <summary>The first address the server listens on (http preferred), with a wildcard host replaced by localhost.</summary>
    private string? OwnAddress()
    {
        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (address is null)
        {
            return null;
        }

        address = address.Replace("://*:", "://localhost:", StringComparison.Ordinal)
            .Replace("://+:", "://localhost:", StringComparison.Ordinal)
            .Replace("://[::]:", "://localhost:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://localhost:", StringComparison.Ordinal);
        return Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;
    }
}
