using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>AddCidaasBearer overloads, configuration binding and Validate().</summary>
public sealed class BearerOptionsTests(ITestOutputHelper output) : BearerTestBase(output)
{
    [Fact]
    public void AddCidaasBearer_alone_binds_the_CidaasBearer_configuration_section()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:CidaasBearer:Authority"] = "https://tenant.cidaas.eu/",
            ["Authentication:Schemes:CidaasBearer:Audiences"] = "orders-spa mobile-app",
            ["Authentication:Schemes:CidaasBearer:TokenValidationMode"] = "Introspection",
            ["Authentication:Schemes:CidaasBearer:ClientId"] = "orders-api",
            ["Authentication:Schemes:CidaasBearer:ClientSecret"] = "secret",
            ["Authentication:Schemes:CidaasBearer:IntrospectionCacheDuration"] = "00:00:20",
            ["Authentication:Schemes:CidaasBearer:ClockSkew"] = "00:01:00",
        }).Build());
        services.AddLogging();
        services.AddAuthentication().AddCidaasBearer();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<CidaasBearerOptions>>().Get(CidaasDefaults.BearerAuthenticationScheme);

        options.Authority.Should().Be("https://tenant.cidaas.eu");
        options.Audiences.Should().BeEquivalentTo("orders-spa", "mobile-app");
        options.TokenValidationMode.Should().Be(CidaasTokenValidationMode.Introspection);
        options.ClientId.Should().Be("orders-api");
        options.IntrospectionEndpoint.Should().Be("https://tenant.cidaas.eu/token-srv/introspect");
        options.MetadataAddress.Should().Be("https://tenant.cidaas.eu/.well-known/openid-configuration");
        options.IntrospectionCacheDuration.Should().Be(TimeSpan.FromSeconds(20));
        options.TokenValidationParameters.ClockSkew.Should().Be(TimeSpan.FromMinutes(1));
        options.TokenValidationParameters.ValidAlgorithms.Should().Equal("RS256");
    }

    [Fact]
    public void Validate_names_every_mistake_at_once()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthentication().AddCidaasBearer(o =>
        {
            o.Authority = "http://tenant.cidaas.eu";
            o.TokenValidationMode = CidaasTokenValidationMode.Introspection;
            o.TokenValidationParameters.ValidAlgorithms = ["RS256", "HS256"];
            o.IntrospectionCacheDuration = TimeSpan.FromSeconds(-1);
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptionsMonitor<CidaasBearerOptions>>().Get(CidaasDefaults.BearerAuthenticationScheme);

        act.Should().Throw<ArgumentException>()
            .Which.Message.Should().Contain("'Authority' option (configuration key 'Authentication:Schemes:CidaasBearer:Authority') must use https")
            .And.Contain("'Audiences'")
            .And.Contain("'ClientId'")
            .And.Contain("'ClientSecret'")
            .And.Contain("ValidAlgorithms")
            .And.Contain("'IntrospectionCacheDuration'");
    }

    [Fact]
    public async Task The_cidaas_checks_cannot_be_switched_off_by_the_host()
    {
        await StartAppAsync(o =>
        {
            o.TokenValidationParameters.ValidateIssuer = false;
            o.TokenValidationParameters.ValidateAudience = false;
            o.TokenValidationParameters.ValidateLifetime = false;
            o.TokenValidationParameters.RequireSignedTokens = false;
            o.TokenValidationParameters.ValidIssuers = ["https://evil.example"];
        });

        var options = App.GetOptions();
        options.TokenValidationParameters.ValidateIssuer.Should().BeTrue();
        options.TokenValidationParameters.ValidateAudience.Should().BeTrue();
        options.TokenValidationParameters.ValidateLifetime.Should().BeTrue();
        options.TokenValidationParameters.RequireSignedTokens.Should().BeTrue();
        ExpectInvalidToken(await App.GetAsync("/api/me", Remember(BearerTokens.WithAlgNone(await GetAccessTokenAsync()))));
    }

    [Fact]
    public async Task Named_scheme_with_its_own_options_runs_beside_the_default_one()
    {
        await StartAppAsync(configureBuilder: b => b.Services.AddAuthentication().AddCidaasBearer("Partners", o =>
        {
            o.Authority = Emulator.Authority;
            o.Audiences.Add("partner-app");
            o.BackchannelHttpHandler = Emulator.CreateHandler();
        }));

        App.GetOptions("Partners").Audiences.Should().Equal("partner-app");
        App.GetOptions().Audiences.Should().Equal(BearerTokens.ClientId);
        (await App.GetAsync("/api/me", await GetAccessTokenAsync())).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
