using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// RFC 9700 §4.11 and RFC 6749 §10.15 (the client as an open redirector) and §10.6 (redirect URI manipulation): the
/// user only ever lands on this site, and neither a spoofed <c>Host</c> nor <c>X-Forwarded-*</c> headers steer the
/// <c>redirect_uri</c> unless the app chose to trust a proxy.
/// </summary>
public sealed class RedirectTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const string Origin = TestApp.Origin;
    private const string RedirectUri = Origin + CidaasDefaults.CallbackPath;

    // The forms already covered in SignInFlowTests (https://evil, //evil, /\evil, javascript:) are not repeated.
    [Theory]
    [InlineData("%2F%2Fevil.example")]
    [InlineData("%5C%5Cevil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("\\/evil.example")]
    [InlineData("/\\/evil.example")]
    [InlineData("https:evil.example")]
    [InlineData("HTTPS://evil.example")]
    [InlineData(" //evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("~//evil.example")]
    [InlineData("~/\\evil.example")]
    [InlineData("JaVaScRiPt:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("https://app.test.evil.example/")]
    [InlineData("https://app.test@evil.example/")]
    public async Task Return_url_that_could_leave_the_site_falls_back_to_the_root(string returnUrl)
    {
        await StartAppAsync();

        var location = await SignInThroughLoginAsync(returnUrl);

        location.Should().Be("/");
    }

    [Theory]
    [InlineData("/%2F%2Fevil.example")]
    [InlineData("/%5Cevil.example")]
    [InlineData("/%09/evil.example")]
    [InlineData("/public?next=https://evil.example")]
    public async Task Return_url_with_encoded_slashes_stays_a_path_on_this_site(string returnUrl)
    {
        await StartAppAsync();

        var location = await SignInThroughLoginAsync(returnUrl);

        location.Should().Be(returnUrl);
        new Uri(new Uri(Origin), location).Host.Should().Be("app.test");
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("//evil.example/path?q=1")]
    public async Task Protected_path_that_starts_with_two_slashes_does_not_become_an_open_redirect(string path)
    {
        // With a fallback policy every path challenges, so the current URL becomes the return URL.
        await StartAppAsync(configureBuilder: b => b.Services.Configure<AuthorizationOptions>(o =>
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build()));

        var challenge = await Browser.GetAsync(Origin + path);
        challenge.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var callback = await AuthorizeAsync(challenge.Headers.Location!);
        var afterCallback = await Browser.GetAsync(callback.ToString());

        afterCallback.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var location = afterCallback.Headers.Location!.OriginalString;
        location.Should().NotStartWith("//").And.NotStartWith("/\\");
        new Uri(new Uri(Origin), location).Host.Should().Be("app.test");
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Spoofed_host_at_the_callback_does_not_change_the_redirect_uri_of_the_code_exchange()
    {
        var callback = await StartAppAndAuthorizeAsync();

        var response = await Browser.SendAsync(HttpMethod.Get, callback.ToString(), configure: r => r.Headers.Host = "evil.example");

        App.Logs.Lines.Should().Contain(l => l.Contains("GET https://evil.example/signin-cidaas", StringComparison.Ordinal), "the app saw the spoofed host");
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        TokenRequestRedirectUri().Should().Be(RedirectUri, "the code is redeemed with the redirect_uri kept in the state");
    }

    [Theory]
    [InlineData("X-Forwarded-Host", "evil.example")]
    [InlineData("X-Forwarded-Proto", "http")]
    [InlineData("X-Forwarded-Prefix", "/evil")]
    [InlineData("X-Original-Host", "evil.example")]
    [InlineData("Forwarded", "host=evil.example;proto=http")]
    public async Task Forwarded_header_does_not_change_the_redirect_uri_unless_the_app_trusts_a_proxy(string header, string value)
    {
        await StartAppAsync();

        var challenge = await Browser.SendAsync(HttpMethod.Get, Origin + "/protected", configure: r => r.Headers.TryAddWithoutValidation(header, value));
        var authorization = challenge.Headers.Location!;

        QueryOf(authorization)["redirect_uri"].Should().Be(RedirectUri);
        (await Browser.GetAsync((await AuthorizeAsync(authorization)).ToString())).StatusCode.Should().Be(HttpStatusCode.Redirect);
        TokenRequestRedirectUri().Should().Be(RedirectUri);
    }

    [Fact]
    public async Task Forwarded_headers_set_the_redirect_uri_once_the_app_trusts_its_proxy_and_the_exchange_uses_the_same()
    {
        EmulatorOptions.Clients.Single(c => c.ClientId == TestClients.ClientId).RedirectUris.Add("https://public.example/signin-cidaas");
        await StartAppAsync(configureBuilder: b => b.Services.AddTransient<IStartupFilter, TrustProxyStartupFilter>());

        var challenge = await Browser.SendAsync(HttpMethod.Get, Origin + "/protected", configure: r => r.Headers.Add("X-Forwarded-Host", "public.example"));
        var authorization = challenge.Headers.Location!;
        QueryOf(authorization)["redirect_uri"].Should().Be("https://public.example/signin-cidaas");

        // The proxy delivers the callback; the state carries the redirect_uri, so the exchange matches the request.
        var callback = await AuthorizeAsync(authorization);
        var response = await Browser.GetAsync(Origin + callback.PathAndQuery);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        TokenRequestRedirectUri().Should().Be("https://public.example/signin-cidaas");
    }

    [Fact]
    public async Task Spoofed_host_at_the_challenge_yields_a_redirect_uri_that_cidaas_refuses_so_no_code_is_issued()
    {
        await StartAppAsync();

        var challenge = await Browser.SendAsync(HttpMethod.Get, Origin + "/protected", configure: r => r.Headers.Host = "evil.example");
        var authorization = challenge.Headers.Location!;
        QueryOf(authorization)["redirect_uri"].Should().Be("https://evil.example/signin-cidaas", "ASP.NET Core takes the host from the request; see SECURITY.md");

        var atCidaas = await Browser.GetAsync(authorization.ToString());

        atCidaas.StatusCode.Should().NotBe(HttpStatusCode.Redirect, "cidaas only redirects to registered redirect URIs");
        Emulator.Requests.Should().NotContain(r => r.Path == CidaasDefaults.TokenPath);
    }

    [Fact]
    public async Task Spoofed_host_is_refused_before_the_handler_when_host_filtering_is_configured()
    {
        await StartAppAsync(configureBuilder: b => b.Services.Configure<HostFilteringOptions>(o => o.AllowedHosts = ["app.test"]));

        var spoofed = await Browser.SendAsync(HttpMethod.Get, Origin + "/protected", configure: r => r.Headers.Host = "evil.example");

        spoofed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        spoofed.Headers.Location.Should().BeNull();
        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK, "the genuine host still signs in");
    }

    private async Task<string> SignInThroughLoginAsync(string returnUrl)
    {
        var challenge = await Browser.GetAsync(Origin + "/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        challenge.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var callback = await AuthorizeAsync(challenge.Headers.Location!);
        var afterCallback = await Browser.GetAsync(callback.ToString());
        afterCallback.StatusCode.Should().Be(HttpStatusCode.Redirect, await afterCallback.Content.ReadAsStringAsync());
        HasSignInCookie().Should().BeTrue();
        return afterCallback.Headers.Location!.OriginalString;
    }

    private string TokenRequestRedirectUri() => Emulator.Requests.Single(r => r.Path == CidaasDefaults.TokenPath).Form["redirect_uri"];

    private sealed class TrustProxyStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedProto };
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            app.UseForwardedHeaders(options);
            next(app);
        };
    }
}
