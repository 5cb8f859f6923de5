using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Cidaas.AspNetCore.Authentication.Tests.Production;

/// <summary>
/// AddCidaas and AddCidaasBearer validate their options when the host starts: a mistake stops the start with one
/// message that names every mistake once, each option next to its configuration key.
/// </summary>
public class StartupValidationTests
{
    private const string Section = "Authentication:Schemes:Cidaas";
    private const string BearerSection = "Authentication:Schemes:CidaasBearer";

    private static Dictionary<string, string?> ValidSignIn() => new()
    {
        [$"{Section}:Authority"] = "https://tenant.cidaas.eu",
        [$"{Section}:ClientId"] = "configured-id",
        [$"{Section}:ClientSecret"] = "configured-secret-value",
    };

    private static Dictionary<string, string?> ValidBearer() => new()
    {
        [$"{BearerSection}:Authority"] = "https://tenant.cidaas.eu",
        [$"{BearerSection}:Audience"] = "api-client",
    };

    private const string MethodRefused = $"The 'ClientAuthenticationMethod' option (configuration key '{Section}:ClientAuthenticationMethod') must be ClientSecretPost, ClientSecretBasic, ClientSecretJwt or PrivateKeyJwt (in configuration also by the names cidaas and RFC 8414 use: client_secret_post, client_secret_basic, client_secret_jwt or private_key_jwt).";

    private static Dictionary<string, string?> IntrospectingBearer()
    {
        var configuration = ValidBearer();
        configuration[$"{BearerSection}:TokenValidationMode"] = "Introspection";
        configuration[$"{BearerSection}:ClientId"] = "api";
        configuration[$"{BearerSection}:ClientSecret"] = "api-secret-value";
        return configuration;
    }

    public static TheoryData<string, string, string> SignInMistakes => new()
    {
        { "ClientSecret", "", $"'ClientSecret' option (configuration key '{Section}:ClientSecret') must be set" },
        { "ClientId", " ", $"'ClientId' option (configuration key '{Section}:ClientId') must be set" },
        { "Authority", "", $"'Authority' option (configuration key '{Section}:Authority') must be set" },
        { "Authority", "tenant.cidaas.eu", $"'Authority' option (configuration key '{Section}:Authority') must be an absolute http or https URL" },
        { "Authority", "http://tenant.cidaas.eu", $"'Authority' option (configuration key '{Section}:Authority') must use https" },
        { "Authority", "https://tenant.cidaas.eu?tenant=1", $"'Authority' option (configuration key '{Section}:Authority') must not carry a query string" },
        { "CallbackPath", "signin-cidaas", $"'CallbackPath' option (configuration key '{Section}:CallbackPath') must be a path that starts with '/'" },
        { "SignedOutCallbackPath", "/signin-cidaas", $"'SignedOutCallbackPath' option (configuration key '{Section}:SignedOutCallbackPath') must differ" },
        { "Scope:0", " ", $"Each entry of the 'Scope' option (configuration key '{Section}:Scope') must be one non-empty scope" },
        { "ClientAuthenticationMethod", "tls_client_auth", MethodRefused },
        { "ClientAuthenticationMethod", "self_signed_tls_client_auth", MethodRefused },
        { "ClientAuthenticationMethod", "none", MethodRefused },
        { "ClientAuthenticationMethod", "private-key-jwt", MethodRefused },
        { "ClientAuthenticationMethod", "client_secret", MethodRefused },
        { "ClientAuthenticationMethod", "3", MethodRefused },
        { "ClientAuthenticationMethod", "ClientSecretBasic, ClientSecretJwt", MethodRefused },
        { "ClientAuthenticationMethod", "client_secret_basic client_secret_post", MethodRefused },
        { "BackchannelTimeout", "-00:00:05", $"'BackchannelTimeout' option (configuration key '{Section}:BackchannelTimeout') must be a positive time span" },
        { "TokenEndpoint", "/token-srv/token", $"'TokenEndpoint' option (configuration key '{Section}:TokenEndpoint') must be an absolute" },
        { "MetadataAddress", "http://tenant.cidaas.eu/.well-known/openid-configuration", $"'MetadataAddress' option (configuration key '{Section}:MetadataAddress') must use https" },
        { "BackchannelLogoutPath", "backchannel-logout-cidaas", $"'BackchannelLogoutPath' option (configuration key '{Section}:BackchannelLogoutPath') must be empty or a path that starts with '/'" },
        { "RefreshBeforeExpiry", "-00:01:00", $"'RefreshBeforeExpiry' option (configuration key '{Section}:RefreshBeforeExpiry') must not be negative" },
        { "UsePkce", "no", $"'UsePkce' option (configuration key '{Section}:UsePkce') must be true or false; the configured value is not." },
        { "RevokeRefreshTokenOnSignOut", "0", $"'RevokeRefreshTokenOnSignOut' option (configuration key '{Section}:RevokeRefreshTokenOnSignOut') must be true or false" },
        { "BackchannelTimeout", "30s", $"'BackchannelTimeout' option (configuration key '{Section}:BackchannelTimeout') must be a time span such as 00:05:00" },
        { "RefreshBeforeExpiry", "1 minute", $"'RefreshBeforeExpiry' option (configuration key '{Section}:RefreshBeforeExpiry') must be a time span" },
    };

    [Fact]
    public void The_options_after_sign_in_are_read_from_configuration_too()
    {
        var configuration = ValidSignIn();
        configuration[$"{Section}:BackchannelLogoutPath"] = "/bcl";
        configuration[$"{Section}:BackchannelLogoutTokenMaxAge"] = "00:02:00";
        configuration[$"{Section}:RefreshBeforeExpiry"] = "00:03:00";
        configuration[$"{Section}:RevokeRefreshTokenOnSignOut"] = "false";
        configuration[$"{Section}:MapRolesAndGroupsFromIdToken"] = "false";
        configuration[$"{Section}:RevocationEndpoint"] = "https://tenant.cidaas.eu/token-srv/revoke";
        using var host = Build(configuration, a => a.AddCidaas());

        var options = host.Services.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(CidaasDefaults.AuthenticationScheme);

        options.BackchannelLogoutPath.Value.Should().Be("/bcl");
        options.BackchannelLogoutTokenMaxAge.Should().Be(TimeSpan.FromMinutes(2));
        options.RefreshBeforeExpiry.Should().Be(TimeSpan.FromMinutes(3));
        options.RevokeRefreshTokenOnSignOut.Should().BeFalse();
        options.MapRolesAndGroupsFromIdToken.Should().BeFalse();
        options.RevocationEndpoint.Should().Be("https://tenant.cidaas.eu/token-srv/revoke");
    }

    public static TheoryData<string, CidaasClientAuthenticationMethod> ClientAuthenticationMethodNames => new()
    {
        { "client_secret_post", CidaasClientAuthenticationMethod.ClientSecretPost },
        { "client_secret_basic", CidaasClientAuthenticationMethod.ClientSecretBasic },
        { "client_secret_jwt", CidaasClientAuthenticationMethod.ClientSecretJwt },
        { "private_key_jwt", CidaasClientAuthenticationMethod.PrivateKeyJwt },
        { "CLIENT_SECRET_BASIC", CidaasClientAuthenticationMethod.ClientSecretBasic },
        { "Private_Key_JWT", CidaasClientAuthenticationMethod.PrivateKeyJwt },
        { "ClientSecretPost", CidaasClientAuthenticationMethod.ClientSecretPost },
        { "clientsecretbasic", CidaasClientAuthenticationMethod.ClientSecretBasic },
        { "ClientSecretJwt", CidaasClientAuthenticationMethod.ClientSecretJwt },
        { "PrivateKeyJwt", CidaasClientAuthenticationMethod.PrivateKeyJwt },
        { " private_key_jwt ", CidaasClientAuthenticationMethod.PrivateKeyJwt },
    };

    [Theory]
    [MemberData(nameof(ClientAuthenticationMethodNames))]
    public async Task The_client_authentication_method_is_read_by_its_enum_name_or_by_the_name_cidaas_and_RFC_8414_give_it(
        string value, CidaasClientAuthenticationMethod expected)
    {
        using var keys = ClientKeys.Rsa();
        var configuration = ValidSignIn();
        configuration[$"{Section}:ClientSecret"] = ClientKeys.LongSecret;
        configuration[$"{Section}:ClientAuthenticationMethod"] = value;
        using var host = Build(configuration, a => a.AddCidaas(o => o.ClientSigningCredentials = keys.Credentials));

        await host.StartAsync();
        host.Services.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(CidaasDefaults.AuthenticationScheme)
            .ClientAuthenticationMethod.Should().Be(expected);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("client_secret_post", CidaasClientAuthenticationMethod.ClientSecretPost)]
    [InlineData("private_key_jwt", CidaasClientAuthenticationMethod.PrivateKeyJwt)]
    public async Task The_bearer_schemes_client_authentication_method_is_read_by_the_name_cidaas_and_RFC_8414_give_it_too(
        string value, CidaasClientAuthenticationMethod expected)
    {
        using var keys = ClientKeys.Rsa();
        var configuration = IntrospectingBearer();
        configuration[$"{BearerSection}:ClientAuthenticationMethod"] = value;
        using var host = Build(configuration, a => a.AddCidaasBearer(o => o.ClientSigningCredentials = keys.Credentials));

        await host.StartAsync();
        host.Services.GetRequiredService<IOptionsMonitor<CidaasBearerOptions>>().Get(CidaasDefaults.BearerAuthenticationScheme)
            .ClientAuthenticationMethod.Should().Be(expected);
        await host.StopAsync();
    }

    [Fact]
    public void An_empty_back_channel_logout_path_in_configuration_leaves_the_default()
    {
        var configuration = ValidSignIn();
        configuration[$"{Section}:BackchannelLogoutPath"] = "";
        using var host = Build(configuration, a => a.AddCidaas());

        host.Services.GetRequiredService<IOptionsMonitor<CidaasOptions>>().Get(CidaasDefaults.AuthenticationScheme)
            .BackchannelLogoutPath.Value.Should().Be(CidaasDefaults.BackchannelLogoutPath);
    }

    [Theory]
    [MemberData(nameof(SignInMistakes))]
    public async Task A_sign_in_mistake_stops_the_host_at_start_with_its_configuration_key(string key, string value, string expected)
    {
        var configuration = ValidSignIn();
        configuration[$"{Section}:{key}"] = value;

        var message = await StartFailsAsync(configuration, a => a.AddCidaas());

        message.Should().Contain(expected);
        message.Should().Contain("The options of the cidaas scheme 'Cidaas' are not valid:");
        Lines(message).Should().HaveCount(2, "the title and the one mistake");
        message.Should().NotContain("configured-secret-value");
    }

    [Fact]
    public async Task Every_mistake_is_named_once_in_one_message()
    {
        var configuration = new Dictionary<string, string?>
        {
            [$"{Section}:Authority"] = "http://tenant.cidaas.eu",
            [$"{Section}:CallbackPath"] = "callback",
        };

        var message = await StartFailsAsync(configuration, a => a.AddCidaas());

        Lines(message).Skip(1).Should().BeEquivalentTo(
        [
            $"The 'Authority' option (configuration key '{Section}:Authority') must use https unless 'RequireHttpsMetadata' is false (plain http is allowed only for loopback addresses).",
            $"The 'ClientId' option (configuration key '{Section}:ClientId') must be set to the client id of the cidaas application.",
            $"The 'ClientSecret' option (configuration key '{Section}:ClientSecret') must be set to the client secret of the cidaas application.",
            $"The 'CallbackPath' option (configuration key '{Section}:CallbackPath') must be a path that starts with '/'.",
        ]);
    }

    [Fact]
    public async Task An_http_authority_is_one_line_without_the_endpoints_derived_from_it()
    {
        var configuration = ValidSignIn();
        configuration[$"{Section}:Authority"] = "http://tenant.cidaas.eu";

        var message = await StartFailsAsync(configuration, a => a.AddCidaas());

        Lines(message).Should().HaveCount(2);
        message.Should().NotContainAny("Endpoint", "MetadataAddress");
    }

    [Fact]
    public async Task An_endpoint_set_by_the_user_is_still_named_when_the_authority_is_wrong()
    {
        var configuration = ValidSignIn();
        configuration[$"{Section}:Authority"] = "http://tenant.cidaas.eu";
        configuration[$"{Section}:TokenEndpoint"] = "http://tenant.cidaas.eu/custom/token";

        var message = await StartFailsAsync(configuration, a => a.AddCidaas());

        Lines(message).Should().HaveCount(3);
        message.Should().Contain($"'TokenEndpoint' option (configuration key '{Section}:TokenEndpoint') must use https");
    }

    [Fact]
    public async Task A_mistake_made_in_code_stops_the_host_too()
    {
        var message = await StartFailsAsync([], a => a.AddCidaas(o =>
        {
            o.Authority = "https://tenant.cidaas.eu";
            o.ClientId = "id";
        }));

        message.Should().Contain($"'ClientSecret' option (configuration key '{Section}:ClientSecret') must be set");
    }

    [Fact]
    public async Task A_scheme_of_another_name_is_named_with_its_own_section()
    {
        var message = await StartFailsAsync([], a => a.AddCidaas("Partner", o => o.Authority = "https://tenant.cidaas.eu"));

        message.Should().Contain("The options of the cidaas scheme 'Partner' are not valid:");
        message.Should().Contain("(configuration key 'Authentication:Schemes:Partner:ClientId')");
    }

    [Fact]
    public async Task Valid_options_let_the_host_start()
    {
        using var host = Build(ValidSignIn(), a => a.AddCidaas());

        await host.StartAsync();
        await host.StopAsync();
    }

    public static TheoryData<string, string, string> BearerMistakes => new()
    {
        { "Authority", "http://tenant.cidaas.eu", $"'Authority' option (configuration key '{BearerSection}:Authority') must use https" },
        { "Audience", "", $"'Audiences' option (configuration key '{BearerSection}:Audiences') (or 'Audience') must name at least one audience" },
        { "TokenValidationMode", "Opaque", $"'TokenValidationMode' option (configuration key '{BearerSection}:TokenValidationMode') must be Jwt or Introspection" },
        { "TokenValidationMode", "Introspection", $"'ClientId' option (configuration key '{BearerSection}:ClientId') must be set in introspection mode" },
        { "IntrospectionCacheDuration", "-00:01:00", $"'IntrospectionCacheDuration' option (configuration key '{BearerSection}:IntrospectionCacheDuration') must not be negative" },
        { "SigningKeyRefreshInterval", "-00:01:00", $"'SigningKeyRefreshInterval' option (configuration key '{BearerSection}:SigningKeyRefreshInterval') must not be negative" },
        { "ClockSkew", "5m", $"'ClockSkew' option (configuration key '{BearerSection}:ClockSkew') must be a time span" },
        { "SaveToken", "yes", $"'SaveToken' option (configuration key '{BearerSection}:SaveToken') must be true or false" },
    };

    [Theory]
    [MemberData(nameof(BearerMistakes))]
    public async Task A_bearer_mistake_stops_the_host_at_start_with_its_configuration_key(string key, string value, string expected)
    {
        var configuration = ValidBearer();
        configuration[$"{BearerSection}:{key}"] = value;

        var message = await StartFailsAsync(configuration, a => a.AddCidaasBearer());

        message.Should().Contain(expected);
        message.Should().Contain("The options of the cidaas bearer scheme 'CidaasBearer' are not valid:");
    }

    [Theory]
    [InlineData("tls_client_auth")]
    [InlineData("none")]
    [InlineData("private-key-jwt")]
    public async Task A_client_authentication_method_the_bearer_scheme_does_not_support_stops_the_host_with_the_names_it_accepts(string value)
    {
        var configuration = IntrospectingBearer();
        configuration[$"{BearerSection}:ClientAuthenticationMethod"] = value;

        var message = await StartFailsAsync(configuration, a => a.AddCidaasBearer());

        Lines(message).Should().HaveCount(2, "the title and the one mistake");
        message.Should().Contain($"The 'ClientAuthenticationMethod' option (configuration key '{BearerSection}:ClientAuthenticationMethod') must be ClientSecretPost, ClientSecretBasic, ClientSecretJwt or PrivateKeyJwt (in configuration also by the names cidaas and RFC 8414 use: client_secret_post, client_secret_basic, client_secret_jwt or private_key_jwt).");
    }

    [Fact]
    public async Task An_http_authority_of_a_bearer_scheme_is_one_line()
    {
        var configuration = IntrospectingBearer();
        configuration[$"{BearerSection}:Authority"] = "http://tenant.cidaas.eu";

        var message = await StartFailsAsync(configuration, a => a.AddCidaasBearer());

        Lines(message).Should().HaveCount(2);
        message.Should().NotContainAny("IntrospectionEndpoint", "MetadataAddress", "api-secret-value");
    }

    [Fact]
    public async Task Valid_bearer_options_let_the_host_start()
    {
        using var host = Build(ValidBearer(), a => a.AddCidaasBearer());

        await host.StartAsync();
        await host.StopAsync();
    }

    private static string[] Lines(string message) => message.Split(Environment.NewLine);

    private static IHost Build(Dictionary<string, string?> configuration, Action<Microsoft.AspNetCore.Authentication.AuthenticationBuilder> add)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        add(builder.Services.AddAuthentication());
        return builder.Build();
    }

    private static async Task<string> StartFailsAsync(Dictionary<string, string?> configuration, Action<Microsoft.AspNetCore.Authentication.AuthenticationBuilder> add)
    {
        using var host = Build(configuration, add);

        var thrown = await host.Invoking(h => h.StartAsync()).Should().ThrowAsync<ArgumentException>();

        return thrown.Which.Message;
    }
}
