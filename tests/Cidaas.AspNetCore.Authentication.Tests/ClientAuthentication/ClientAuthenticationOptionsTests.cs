using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.ClientAuthentication;

/// <summary>Options validation of issue 16: each mistake of JWT client authentication and HS256 id_tokens is named, with its configuration key where it has one.</summary>
public sealed class ClientAuthenticationOptionsTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private static readonly RSA PublicOnly = CreatePublicOnlyKey();

    private static CidaasOptions Valid() => new()
    {
        Authority = "https://tenant.cidaas.eu",
        ClientId = "id",
        ClientSecret = "super-secret-value",
        SignInScheme = "Cookies",
    };

    public static TheoryData<string, Action<CidaasOptions>, string> Mistakes => new()
    {
        { "PrivateKeyJwt without a key", o => o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.PrivateKeyJwt, "'ClientSigningCredentials' option must be set when the 'ClientAuthenticationMethod' option is PrivateKeyJwt" },
        {
            "PrivateKeyJwt with a symmetric key",
            o =>
            {
                o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.PrivateKeyJwt;
                o.ClientSigningCredentials = new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256);
            },
            "'ClientSigningCredentials' option must hold an RSA or EC private key"
        },
        {
            "PrivateKeyJwt with a public key alone",
            o =>
            {
                o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.PrivateKeyJwt;
                o.ClientSigningCredentials = new SigningCredentials(new RsaSecurityKey(PublicOnly), SecurityAlgorithms.RsaSha256);
            },
            "a public key alone"
        },
        { "ClientSecretJwt without a secret", o => { o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretJwt; o.ClientSecret = null; }, "'ClientSecret' option must be set" },
        { "ClientSecretJwt with a short secret", o => o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretJwt, "'ClientSecret' option must be at least 32 bytes long (UTF-8) when the 'ClientAuthenticationMethod' option is ClientSecretJwt" },
        { "undefined method", o => o.ClientAuthenticationMethod = (CidaasClientAuthenticationMethod)42, "must be ClientSecretPost, ClientSecretBasic, ClientSecretJwt or PrivateKeyJwt" },
        { "undefined audience", o => o.ClientAssertionAudience = (CidaasClientAssertionAudience)42, "'ClientAssertionAudience' option must be Endpoint or Issuer" },
        { "AcceptHs256IdTokens with a short secret", o => o.AcceptHs256IdTokens = true, "'ClientSecret' option must be set and at least 32 bytes long (UTF-8) when the 'AcceptHs256IdTokens' option is on" },
        { "HS256 among the id_token algorithms", o => o.TokenValidationParameters.ValidAlgorithms = ["RS256", "HS256"], "must not allow a symmetric (HS*) algorithm" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Each_mistake_is_named(string mistake, Action<CidaasOptions> configure, string message)
    {
        var options = Valid();
        configure(options);

        options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>(mistake).Which.Message.Should().Contain(message);
    }

    [Fact]
    public void Private_key_jwt_needs_no_secret_and_accepts_rsa_ec_and_certificate_keys()
    {
        using var rsa = ClientKeys.Rsa();
        using var ec = ClientKeys.Ec();
        using var certificate = ClientKeys.Certificate();
        foreach (var keys in new[] { rsa, ec, certificate })
        {
            var options = Valid();
            options.ClientSecret = null;
            options.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.PrivateKeyJwt;
            options.ClientSigningCredentials = keys.Credentials;

            options.Invoking(o => o.Validate()).Should().NotThrow();
        }
    }

    [Fact]
    public async Task A_short_secret_for_client_secret_jwt_stops_the_app_naming_the_configuration_keys()
    {
        var act = () => StartAppAsync(o => o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretJwt);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain(
            "'ClientSecret' option (configuration key 'Authentication:Schemes:Cidaas:ClientSecret') must be at least 32 bytes long (UTF-8) when the 'ClientAuthenticationMethod' option (configuration key 'Authentication:Schemes:Cidaas:ClientAuthenticationMethod') is ClientSecretJwt");
    }

    [Fact]
    public void The_bearer_options_name_a_missing_key_in_introspection_mode()
    {
        var options = new CidaasBearerOptions
        {
            Authority = "https://tenant.cidaas.eu",
            TokenValidationMode = CidaasTokenValidationMode.Introspection,
            ClientId = "api",
            IntrospectionEndpoint = "https://tenant.cidaas.eu/token-srv/introspect",
            ClientAuthenticationMethod = CidaasClientAuthenticationMethod.PrivateKeyJwt,
        };
        options.Audiences.Add("api");

        var message = options.Invoking(o => o.Validate()).Should().Throw<ArgumentException>().Which.Message;

        message.Should().Contain("'ClientSigningCredentials' option must be set").And.NotContain("'ClientSecret' option");
    }

    private static RSA CreatePublicOnlyKey()
    {
        using var full = RSA.Create(2048);
        var rsa = RSA.Create();
        rsa.ImportParameters(full.ExportParameters(false));
        return rsa;
    }
}
