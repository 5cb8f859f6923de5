using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// Local return URLs with characters that may not stand in an HTTP header (<c>/café</c>, other non-ASCII text, a space,
/// a stray <c>%</c>) on real Kestrel, which refuses such a <c>Location</c> header with an exception: a TestServer does
/// not validate headers and would hide it. The app and the emulator both listen on loopback ports and the browser talks
/// to them over TCP. Every redirect must be a 302 to the URL percent-encoded as UTF-8, never a 500 after the password step.
/// </summary>
public sealed class KestrelReturnUrlTests(ITestOutputHelper output) : SignInTestBase(output)
{
    protected override Task<CidaasEmulator> CreateEmulatorAsync()
    {
        EmulatorOptions.Clients.Single(c => c.ClientId == TestClients.ClientId).AllowLoopbackRedirectUris = true;
        return CidaasEmulator.StartAsync(EmulatorOptions);
    }

    public static TheoryData<string, string> ReturnUrls => new()
    {
        { "/café", "/caf%C3%A9" },
        { "/protected?name=café&x=1", "/protected?name=caf%C3%A9&x=1" },
        { "/日本語/😀", "/%E6%97%A5%E6%9C%AC%E8%AA%9E/%F0%9F%98%80" },
        { "/caf%C3%A9?q=%E2%82%AC", "/caf%C3%A9?q=%E2%82%AC" },
        { "/100% sure", "/100%25%20sure" },
        { "/%zz", "/%25zz" },
        { "/a\"<>^`{|}\\b", "/a%22%3C%3E%5E%60%7B%7C%7D%5Cb" },
        { "~/café", "/caf%C3%A9" },
    };

    [Theory]
    [MemberData(nameof(ReturnUrls))]
    public async Task Sign_in_callback_redirects_to_the_local_return_url_percent_encoded(string returnUrl, string expected)
    {
        await StartAppOnKestrelAsync();

        var response = await SignInThroughLoginAsync(returnUrl);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.OriginalString.Should().Be(expected);
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Percent_encoded_return_url_leads_back_to_the_page_with_its_query()
    {
        string? seenByTheEvent = null;
        await StartAppOnKestrelAsync(o => o.Events.OnTicketReceived = context =>
        {
            seenByTheEvent = context.ReturnUri;
            return Task.CompletedTask;
        });

        var response = await SignInThroughLoginAsync("/protected?name=café");
        var page = await Browser.GetAsync(App.BaseAddress + response.Headers.Location!.OriginalString);

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.RequestMessage!.RequestUri!.Query.Should().Be("?name=caf%C3%A9");
        seenByTheEvent.Should().Be("/protected?name=caf%C3%A9", "the events see the URL as it will be sent");
    }

    [Fact]
    public async Task Return_url_set_by_an_event_at_the_callback_is_percent_encoded_too()
    {
        await StartAppOnKestrelAsync(o => o.Events.OnCreatingTicket = context =>
        {
            context.Properties.RedirectUri = "/grüße";
            return Task.CompletedTask;
        });

        var response = await SignInThroughLoginAsync("/public");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.OriginalString.Should().Be("/gr%C3%BC%C3%9Fe");
    }

    [Fact]
    public async Task Return_url_with_a_control_character_still_falls_back_to_the_root()
    {
        await StartAppOnKestrelAsync();

        var response = await SignInThroughLoginAsync("/a\u0085b");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.Should().Be("/");
    }

    [Fact]
    public async Task Signed_out_callback_redirects_to_the_local_return_url_percent_encoded()
    {
        await StartAppOnKestrelAsync();
        (await SignInAsync()).StatusCode.Should().Be(HttpStatusCode.OK);

        var signOut = await Browser.GetAsync(App.BaseAddress + "/signout?returnUrl=" + Uri.EscapeDataString("/tschüss?bis=bald ☺"));
        signOut.StatusCode.Should().Be(HttpStatusCode.Redirect, await signOut.Content.ReadAsStringAsync());
        var back = await Browser.GetAsync(signOut.Headers.Location!.ToString());
        back.StatusCode.Should().Be(HttpStatusCode.Redirect, await back.Content.ReadAsStringAsync());
        var final = await Browser.GetAsync(back.Headers.Location!.ToString());

        final.StatusCode.Should().Be(HttpStatusCode.Redirect, await final.Content.ReadAsStringAsync());
        final.Headers.Location!.OriginalString.Should().Be("/tsch%C3%BCss?bis=bald%20%E2%98%BA");
        HasSignInCookie().Should().BeFalse();
    }

    [Fact]
    public async Task Signed_out_callback_encodes_a_return_url_set_by_its_event()
    {
        await StartAppOnKestrelAsync(o => o.Events.OnSignedOutCallbackRedirect = context =>
        {
            context.RedirectUri = "/auf-wiedersehen-ä";
            return Task.CompletedTask;
        });

        var response = await Browser.GetAsync(App.BaseAddress + "/signout-callback-cidaas?state=none");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.OriginalString.Should().Be("/auf-wiedersehen-%C3%A4");
    }

    [Fact]
    public async Task Signed_out_callback_without_state_encodes_the_configured_signed_out_page()
    {
        await StartAppOnKestrelAsync(o => o.SignedOutRedirectUri = "/abgemeldet-ö");

        var response = await Browser.GetAsync(App.BaseAddress + "/signout-callback-cidaas?state=tampered");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.OriginalString.Should().Be("/abgemeldet-%C3%B6");
    }

    [Theory]
    [InlineData("~/café", "/sh%C3%B6p/caf%C3%A9")]
    [InlineData("https://evil.example/", "/sh%C3%B6p/")]
    public async Task Return_url_under_a_path_base_with_non_ascii_text_is_percent_encoded(string returnUrl, string expected)
    {
        await StartAppOnKestrelAsync(configureBuilder: b => b.Services.AddTransient<IStartupFilter>(_ => new PathBaseStartupFilter("/shöp")));

        var response = await SignInThroughLoginAsync(returnUrl, "/sh%C3%B6p");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.OriginalString.Should().Be(expected);
    }

    /// <summary>Challenges through <c>/login?returnUrl=…</c>, signs in at the emulator and returns the callback's answer.</summary>
    private async Task<HttpResponseMessage> SignInThroughLoginAsync(string returnUrl, string pathBase = "")
    {
        var challenge = await Browser.GetAsync(App.BaseAddress + pathBase + "/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        challenge.StatusCode.Should().Be(HttpStatusCode.Redirect, await challenge.Content.ReadAsStringAsync());
        var callback = await AuthorizeAsync(challenge.Headers.Location!);
        callback.GetLeftPart(UriPartial.Authority).Should().Be(App.BaseAddress);
        return await Browser.GetAsync(callback.ToString());
    }

    private sealed class PathBaseStartupFilter(string pathBase) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UsePathBase(pathBase);
            next(app);
        };
    }
}
