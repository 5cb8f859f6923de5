using Cidaas.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;

namespace Cidaas.Sample.Web.Api;

/// <summary>
/// Calls the sample's own API (<see cref="SampleApi"/>) over HTTP the way a web app calls a resource server: with the
/// signed-in user's access token (renewed by <c>AddCidaasUserAccessTokenHandler</c> shortly before it expires), and
/// beside that as the sample itself, with a client_credentials token (<c>AddCidaasClientAccessTokenHandler</c>).
/// It shows what each endpoint answered and when the user's token expires; never a token.
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
        // Renews the token first when it expires within RefreshBeforeExpiry; the calls below then send that token.
        var token = await HttpContext.GetCidaasUserAccessTokenAsync(cancellationToken: HttpContext.RequestAborted);

        // The API is called at the address the server listens on, never at the request's Host header: a forged Host
        // must not make the sample send the user's token elsewhere.
        var baseAddress = OwnAddress();
        var calls = new List<ApiCallResult>();
        ApiCallResult? machineCall = null;
        if (baseAddress is not null)
        {
            if (token.Succeeded)
            {
                var client = _httpClientFactory.CreateClient(SampleApi.HttpClientName);
                foreach (var (path, what) in Endpoints)
                {
                    calls.Add(await CallAsync(client, new Uri(baseAddress + path), what));
                }
            }

            var machine = _httpClientFactory.CreateClient(SampleApi.MachineHttpClientName);
            machineCall = await CallAsync(machine, new Uri(baseAddress + "/api/service"), "any valid token of the sample, also the sample's own");
        }

        return View("~/Api/ApiDemo.cshtml", new ApiDemoModel(baseAddress, token.Succeeded, calls)
        {
            AccessTokenExpiresAt = token.ExpiresAt,
            AccessTokenError = token.Error,
            MachineCall = machineCall,
        });
    }

    private async Task<ApiCallResult> CallAsync(HttpClient client, Uri uri, string what)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
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
        catch (CidaasProtocolException ex)
        {
            // No client token: the message says why (a CIDAAS code), never a secret.
            return new ApiCallResult(uri.AbsolutePath, what, 0, null, "No token for the call: " + ex.Message);
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
