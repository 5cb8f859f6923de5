namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>
/// A minimal browser over in-process servers: it keeps cookies per host and follows redirects across the
/// app and the emulator, recording every hop, so a test sees the whole front-channel conversation.
/// </summary>
public sealed class TestBrowser
{
    private readonly Dictionary<string, HttpMessageInvoker> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public CookieContainer Cookies { get; } = new();

    public List<HttpResponseMessage> Hops { get; } = [];

    public TestBrowser Register(string origin, HttpMessageHandler handler)
    {
        _hosts[new Uri(origin).Authority] = new HttpMessageInvoker(handler, disposeHandler: false);
        return this;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        var uri = new Uri(url);
        if (!_hosts.TryGetValue(uri.Authority, out var invoker))
        {
            throw new InvalidOperationException($"The test browser knows no server at {uri.Authority}.");
        }

        using var request = new HttpRequestMessage(method, uri) { Content = content };
        var cookieHeader = Cookies.GetCookieHeader(uri);
        if (!string.IsNullOrEmpty(cookieHeader))
        {
            request.Headers.Add("Cookie", cookieHeader);
        }

        configure?.Invoke(request);
        var response = await invoker.SendAsync(request, CancellationToken.None);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                Cookies.SetCookies(uri, setCookie);
            }
        }

        Hops.Add(response);
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(HttpMethod.Get, url);

    /// <summary>GETs the URL and follows redirects until a non-redirect answer or a URL the predicate stops at.</summary>
    public async Task<HttpResponseMessage> FollowAsync(string url, Func<Uri, bool>? stopAt = null, int maxHops = 10)
    {
        var current = new Uri(url);
        for (var i = 0; i < maxHops; i++)
        {
            if (stopAt?.Invoke(current) == true)
            {
                throw new InvalidOperationException("stopAt matched the first URL.");
            }

            var response = await GetAsync(current.ToString());
            if ((int)response.StatusCode is < 300 or > 399 || response.Headers.Location is null)
            {
                return response;
            }

            var next = response.Headers.Location.IsAbsoluteUri ? response.Headers.Location : new Uri(current, response.Headers.Location);
            if (stopAt?.Invoke(next) == true)
            {
                return response;
            }

            current = next;
        }

        throw new InvalidOperationException("Too many redirects.");
    }

    public bool HasCookie(string origin, string namePrefix)
        => Cookies.GetAllCookies().Any(c => c.Domain == new Uri(origin).Host && c.Name.StartsWith(namePrefix, StringComparison.Ordinal) && !c.Expired && c.Value.Length > 0);
}
