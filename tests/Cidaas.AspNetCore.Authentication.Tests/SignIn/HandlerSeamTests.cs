using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

/// <summary>
/// The extension contract of <see cref="CidaasHandler"/>: a subclass registered with <c>AddCidaas&lt;THandler&gt;</c>
/// replaces the code exchange, the user information or the ticket, and every check of the sign-in still runs on what it
/// returns.
/// </summary>
public sealed class HandlerSeamTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const string Scheme = "CidaasSeams";

    private readonly SeamProbe _probe = new();

    [Fact]
    public async Task A_subclass_redeems_the_code_in_its_own_ExchangeCodeAsync()
    {
        _probe.ExchangeCode = (context, exchange) =>
        {
            _probe.Exchanges.Add((context.Code, context.RedirectUri, context.CodeVerifier));
            context.TokenRequestParameters["seam"] = "exchanged";
            return exchange();
        };
        await StartAppWithSubclassAsync();

        var page = await SignInWithSubclassAsync();

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        var (code, redirectUri, codeVerifier) = _probe.Exchanges.Should().ContainSingle().Subject;
        code.Should().NotBeNullOrEmpty();
        redirectUri.Should().Be(TestApp.Origin + "/signin-cidaas-b");
        codeVerifier.Should().MatchRegex("^[A-Za-z0-9_-]{43}$");
        TokenRequests.Should().Be(1);
        Emulator.Requests.Single(r => r.Path == CidaasDefaults.TokenPath).Form.Should().Contain("seam", "exchanged");
    }

    [Fact]
    public async Task Token_request_parameters_an_event_adds_reach_the_exchange_and_the_token_endpoint()
    {
        _probe.ExchangeCode = (context, exchange) =>
        {
            context.TokenRequestParameters.Should().Contain("audience", "orders-api");
            return exchange();
        };
        await StartAppWithSubclassAsync(o => o.Events.OnAuthorizationCodeReceived = context =>
        {
            context.TokenRequestParameters["audience"] = "orders-api";
            context.TokenRequestParameters["code"] = "not-the-code";
            return Task.CompletedTask;
        });

        var page = await SignInWithSubclassAsync();

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        var form = Emulator.Requests.Single(r => r.Path == CidaasDefaults.TokenPath).Form;
        form.Should().Contain("audience", "orders-api");
        form["code"].Should().NotContain("not-the-code", "a parameter the exchange sets itself is never replaced");
    }

    [Fact]
    public async Task A_token_response_an_override_returns_is_still_checked()
    {
        _probe.ExchangeCode = (_, _) => Task.FromResult(new CidaasTokenResponse(JsonDocument.Parse("""{"access_token":"opaque","token_type":"mac"}""")));
        await StartAppWithSubclassAsync();

        var callback = await CallbackWithSubclassAsync();

        await ExpectFailureAsync(callback, "CIDAAS2005");
        TokenRequests.Should().Be(0, "the override redeemed the code");
    }

    [Fact]
    public async Task A_subclass_adds_members_to_the_user_information_it_reads()
    {
        _probe.UserInformation = user =>
        {
            var extended = JsonNode.Parse(user.RootElement.GetRawText())!.AsObject();
            extended["seam_locale"] = "de-DE";
            return JsonDocument.Parse(extended.ToJsonString());
        };
        await StartAppWithSubclassAsync(o => o.ClaimActions.MapJsonKey("seam_locale", "seam_locale"));

        var page = await SignInWithSubclassAsync();

        (await page.Content.ReadAsStringAsync()).Split('\n').Should().Contain("seam_locale|de-DE");
        UserInfoRequests.Should().Be(1, "the override read the user information through the base method");
    }

    [Fact]
    public async Task User_information_an_override_returns_must_still_name_the_id_tokens_subject()
    {
        _probe.UserInformation = _ => JsonDocument.Parse("""{"sub":"mallory","name":"Mallory"}""");
        await StartAppWithSubclassAsync();

        var callback = await CallbackWithSubclassAsync();

        await ExpectFailureAsync(callback, "CIDAAS2012");
    }

    [Fact]
    public async Task A_subclass_shapes_the_identity_in_CreateTicketAsync()
    {
        _probe.Ticket = (identity, idToken) => identity.AddClaim(new Claim("seam_ticket", idToken!.Subject));
        await StartAppWithSubclassAsync();

        var page = await SignInWithSubclassAsync();

        var claims = (await page.Content.ReadAsStringAsync()).Split('\n');
        var subject = claims.Single(c => c.StartsWith(CidaasClaimTypes.Subject + "|", StringComparison.Ordinal))[(CidaasClaimTypes.Subject.Length + 1)..];
        claims.Should().Contain("seam_ticket|" + subject).And.Contain(c => c.StartsWith(ClaimTypes.Email + "|", StringComparison.Ordinal));
    }

    private Task<TestApp<CidaasOptions>> StartAppWithSubclassAsync(Action<CidaasOptions>? configure = null)
        => StartAppAsync(
            configureBuilder: builder => builder.Services.AddSingleton(_probe),
            configureAuthentication: authentication => authentication.AddCidaas<SeamHandler>(Scheme, "cidaas (subclass)", o =>
            {
                ConfigureSecondScheme(o);
                configure?.Invoke(o);
            }));

    /// <summary>Challenges the subclass's scheme, lets the emulator sign in, and sends the callback (not followed).</summary>
    private async Task<HttpResponseMessage> CallbackWithSubclassAsync()
    {
        var challenge = await Browser.GetAsync(TestApp.Origin + "/login?scheme=" + Scheme + "&returnUrl=/protected");
        challenge.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var callback = await AuthorizeAsync(challenge.Headers.Location!);
        callback.AbsolutePath.Should().Be("/signin-cidaas-b");
        return await Browser.GetAsync(callback.ToString());
    }

    private async Task<HttpResponseMessage> SignInWithSubclassAsync()
    {
        var callback = await CallbackWithSubclassAsync();
        callback.StatusCode.Should().Be(HttpStatusCode.Redirect, await callback.Content.ReadAsStringAsync());
        callback.Headers.Location!.ToString().Should().Be("/protected");
        return await Browser.FollowAsync(TestApp.Origin + "/protected");
    }

    /// <summary>What the test's subclass does instead of (or around) the base steps.</summary>
    public sealed class SeamProbe
    {
        public Func<CidaasCodeExchangeContext, Func<Task<CidaasTokenResponse>>, Task<CidaasTokenResponse>>? ExchangeCode { get; set; }

        public Func<JsonDocument, JsonDocument>? UserInformation { get; set; }

        public Action<ClaimsIdentity, JsonWebToken?>? Ticket { get; set; }

        public List<(string Code, string RedirectUri, string? CodeVerifier)> Exchanges { get; } = [];
    }

    /// <summary>A handler as a user would write one: it overrides the three seams and takes a service from DI.</summary>
    private sealed class SeamHandler(IOptionsMonitor<CidaasOptions> options, ILoggerFactory logger, UrlEncoder encoder, SeamProbe probe)
        : CidaasHandler(options, logger, encoder)
    {
        protected override Task<CidaasTokenResponse> ExchangeCodeAsync(CidaasCodeExchangeContext context)
            => probe.ExchangeCode is { } exchange ? exchange(context, () => base.ExchangeCodeAsync(context)) : base.ExchangeCodeAsync(context);

        protected override async Task<JsonDocument> GetUserInformationAsync(CidaasTokenResponse tokens, AuthenticationProperties properties)
        {
            using var user = await base.GetUserInformationAsync(tokens, properties);
            return probe.UserInformation is { } replace ? replace(user) : JsonDocument.Parse(user.RootElement.GetRawText());
        }

        protected override Task<HandleRequestResult> CreateTicketAsync(
            ClaimsIdentity identity, AuthenticationProperties properties, CidaasTokenResponse tokens, JsonWebToken? idToken, JsonElement user)
        {
            probe.Ticket?.Invoke(identity, idToken);
            return base.CreateTicketAsync(identity, properties, tokens, idToken, user);
        }
    }
}
