using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

public sealed class OptionsTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private static CidaasOptions Valid() => new()
    {
        Authority = "https://tenant.cidaas.eu",
        ClientId = "id",
        ClientSecret = "super-secret-value",
        SignInScheme = "Cookies",
    };

    [Fact]
    public void Valid_options_pass() => Valid().Invoking(o => o.Validate()).Should().NotThrow();

    public static TheoryData<string, Action<CidaasOptions>, string> Mistakes => new()
    {
        { "missing Authority", o => o.Authority = null, "'Authority' option must be set" },
        { "relative Authority", o => o.Authority = "/cidaas", "'Authority' option must be an absolute http or https URL" },
        { "ftp Authority", o => o.Authority = "ftp://tenant.cidaas.eu", "'Authority' option must be an absolute http or https URL" },
        { "http Authority", o => o.Authority = "http://tenant.cidaas.eu", "'Authority' option must use https" },
        { "Authority with query", o => o.Authority = "https://tenant.cidaas.eu/?x=1", "must not carry a query string" },
        { "missing ClientId", o => o.ClientId = " ", "'ClientId' option must be set" },
        { "missing ClientSecret", o => o.ClientSecret = "", "'ClientSecret' option must be set" },
        { "CallbackPath without slash", o => o.CallbackPath = default, "CallbackPath" },
        { "SignedOutCallbackPath equal to CallbackPath", o => o.SignedOutCallbackPath = o.CallbackPath, "'SignedOutCallbackPath' option must differ" },
        { "no scope", o => o.Scope.Clear(), "'Scope' option must name at least one scope" },
        { "scope with a space", o => o.Scope.Add("a b"), "Each entry of the 'Scope' option" },
        { "relative token endpoint", o => o.TokenEndpoint = "/token", "'TokenEndpoint' option must be an absolute" },
        { "http userinfo endpoint", o => o.UserInformationEndpoint = "http://tenant.cidaas.eu/users-srv/userinfo", "'UserInformationEndpoint' option must use https" },
        { "alg none allowed", o => o.TokenValidationParameters.ValidAlgorithms = ["none"], "must not allow 'none'" },
        { "no response size", o => o.MaxBackchannelResponseSize = 0, "'MaxBackchannelResponseSize'" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Each_mistake_gets_a_message_that_names_the_option(string mistake, Action<CidaasOptions> spoil, string expected)
    {
        _ = mistake;
        var options = Valid();
        spoil(options);

        var thrown = options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which;

        thrown.Message.Should().Contain(expected);
        thrown.Message.Should().NotContain("super-secret-value");
    }

    [Fact]
    public void Several_mistakes_are_named_together()
    {
        var options = Valid();
        options.Authority = null;
        options.ClientId = null;
        options.ClientSecret = null;

        var message = options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.Message;

        message.Should().Contain("'Authority'").And.Contain("'ClientId'").And.Contain("'ClientSecret'");
    }

    [Theory]
    [InlineData("http://localhost:5100")]
    [InlineData("http://127.0.0.1:5100")]
    [InlineData("http://[::1]:5100")]
    public void Plain_http_is_allowed_for_loopback_authorities(string authority)
    {
        var options = Valid();
        options.Authority = authority;

        options.Invoking(o => o.Validate()).Should().NotThrow();
    }

    [Fact]
    public void Plain_http_is_allowed_when_https_metadata_is_not_required()
    {
        var options = Valid();
        options.Authority = "http://cidaas.internal";
        options.RequireHttpsMetadata = false;

        options.Invoking(o => o.Validate()).Should().NotThrow();
    }

    [Fact]
    public void Defaults_are_secure()
    {
        var options = new CidaasOptions();

        options.UsePkce.Should().BeTrue();
        options.Scope.Should().BeEquivalentTo("openid", "profile", "email");
        options.ClientAuthenticationMethod.Should().Be(CidaasClientAuthenticationMethod.ClientSecretPost);
        options.RequireHttpsMetadata.Should().BeTrue();
        options.GetClaimsFromUserInfoEndpoint.Should().BeTrue();
        options.CallbackPath.Value.Should().Be("/signin-cidaas");
        options.SignedOutCallbackPath.Value.Should().Be("/signout-callback-cidaas");
        options.TokenValidationParameters.ValidAlgorithms.Should().Equal("RS256");
    }

    [Fact]
    public void Endpoints_derive_from_the_authority_unless_set()
    {
        var services = new ServiceCollection().AddLogging().AddDataProtection().Services;
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddAuthentication().AddCidaas(o =>
        {
            o.Authority = "https://tenant.cidaas.eu/";
            o.ClientId = "id";
            o.ClientSecret = "secret";
            o.UserInformationEndpoint = "https://tenant.cidaas.eu/custom/userinfo";
        });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(CidaasDefaults.AuthenticationScheme);

        options.Authority.Should().Be("https://tenant.cidaas.eu");
        options.AuthorizationEndpoint.Should().Be("https://tenant.cidaas.eu/authz-srv/authz");
        options.TokenEndpoint.Should().Be("https://tenant.cidaas.eu/token-srv/token");
        options.UserInformationEndpoint.Should().Be("https://tenant.cidaas.eu/custom/userinfo");
        options.EndSessionEndpoint.Should().Be("https://tenant.cidaas.eu/session/end_session");
        options.MetadataAddress.Should().Be("https://tenant.cidaas.eu/.well-known/openid-configuration");
        options.Backchannel.Should().NotBeNull();
        options.ConfigurationManager.Should().NotBeNull();
    }

    [Fact]
    public void AddCidaas_without_arguments_binds_the_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:Cidaas:Authority"] = "https://tenant.cidaas.eu",
            ["Authentication:Schemes:Cidaas:ClientId"] = "configured-id",
            ["Authentication:Schemes:Cidaas:ClientSecret"] = "configured-secret",
            ["Authentication:Schemes:Cidaas:Scope"] = "openid roles",
            ["Authentication:Schemes:Cidaas:CallbackPath"] = "/auth/callback",
            ["Authentication:Schemes:Cidaas:UsePkce"] = "false",
            ["Authentication:Schemes:Cidaas:ClientAuthenticationMethod"] = "ClientSecretBasic",
            ["Authentication:Schemes:Cidaas:BackchannelTimeout"] = "00:00:07",
        }).Build();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddAuthentication().AddCookie().AddCidaas();
        using var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(CidaasDefaults.AuthenticationScheme);

        options.Authority.Should().Be("https://tenant.cidaas.eu");
        options.ClientId.Should().Be("configured-id");
        options.ClientSecret.Should().Be("configured-secret");
        options.Scope.Should().BeEquivalentTo("openid", "roles");
        options.CallbackPath.Value.Should().Be("/auth/callback");
        options.UsePkce.Should().BeFalse();
        options.ClientAuthenticationMethod.Should().Be(CidaasClientAuthenticationMethod.ClientSecretBasic);
        options.BackchannelTimeout.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void Code_configuration_wins_over_the_configuration_section()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:Cidaas:Authority"] = "https://tenant.cidaas.eu",
            ["Authentication:Schemes:Cidaas:ClientId"] = "configured-id",
            ["Authentication:Schemes:Cidaas:ClientSecret"] = "configured-secret",
        });
        builder.Services.AddAuthentication().AddCookie().AddCidaas(o => o.ClientId = "code-id");
        using var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(CidaasDefaults.AuthenticationScheme);

        options.ClientId.Should().Be("code-id");
        options.ClientSecret.Should().Be("configured-secret");
    }

    [Fact]
    public async Task Invalid_options_stop_the_app_at_start_with_the_message()
    {
        var act = () => StartAppAsync(o => o.ClientSecret = null);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should()
            .Contain("'ClientSecret' option (configuration key 'Authentication:Schemes:Cidaas:ClientSecret') must be set");
    }

    [Fact]
    public async Task Two_cidaas_schemes_side_by_side_each_use_their_own_callback_path()
    {
        await StartAppAsync(configureAuthentication: AddSecondScheme);

        var challenge = await Browser.GetAsync(TestApp.Origin + "/login?scheme=CidaasB&returnUrl=/protected");
        var authorization = challenge.Headers.Location!;
        QueryOf(authorization)["redirect_uri"].Should().Be("https://app.test/signin-cidaas-b");
        var callback = await AuthorizeAsync(authorization);
        callback.AbsolutePath.Should().Be("/signin-cidaas-b");
        var afterCallback = await Browser.GetAsync(callback.ToString());

        afterCallback.StatusCode.Should().Be(HttpStatusCode.Redirect);
        afterCallback.Headers.Location!.ToString().Should().Be("/protected");
        HasSignInCookie().Should().BeTrue();
        var schemes = await App.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetAllSchemesAsync();
        schemes.Select(s => s.Name).Should().Contain([CidaasDefaults.AuthenticationScheme, "CidaasB"]);
    }
}
