using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// The emulator checks client assertions as an authorization server must (RFC 7523 §3, OpenID Connect Core §9), so that
/// the package's assertions are tested against a strict verifier: each defect is refused with <c>invalid_client</c> (401).
/// </summary>
public sealed class ClientAssertionAttackTests : IAsyncLifetime
{
    private const string ClientId = "jwt-client";
    private const string SecretClientId = "secret-jwt-client";
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly ClientKeys _keys = ClientKeys.Rsa("registered");
    private readonly ClientKeys _otherKeys = ClientKeys.Rsa("registered");
    private CidaasEmulator _emulator = default!;
    private HttpClient _client = default!;

    public enum Defect
    {
        SignedWithAnotherKey,
        AudienceOfAnotherServer,
        Expired,
        NoExpiry,
        IssuedInTheFuture,
        NoJti,
        IssuerIsAnotherClient,
        SubjectIsNotTheClient,
        Hs256ForAPrivateKeyClient,
        Rs384,
        Unsigned,
        NoAssertionType,
        WrongAssertionType,
        SecretInsteadOfAssertion,
        SecretBesideAssertion,
        ClientIdOfAnotherClient,
    }

    public async Task InitializeAsync()
    {
        var options = TestClients.CreateEmulatorOptions();
        options.Clients.Add(new CidaasEmulatorClient { ClientId = ClientId, ClientSecret = ClientKeys.LongSecret, TokenEndpointAuthMethod = "private_key_jwt", Jwks = _keys.Jwks });
        options.Clients.Add(new CidaasEmulatorClient { ClientId = SecretClientId, ClientSecret = ClientKeys.LongSecret, TokenEndpointAuthMethod = "client_secret_jwt" });
        _emulator = await CidaasEmulator.CreateAsync(options);
        _client = _emulator.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
        _keys.Dispose();
        _otherKeys.Dispose();
    }

    private string TokenEndpoint => _emulator.Authority + CidaasDefaults.TokenPath;

    [Theory]
    [MemberData(nameof(Defects))]
    public async Task A_defective_client_assertion_is_refused_with_invalid_client(Defect defect)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = defect == Defect.ClientIdOfAnotherClient ? TestClients.ClientId : ClientId,
            ["client_assertion_type"] = defect == Defect.WrongAssertionType ? "urn:ietf:params:oauth:client-assertion-type:saml2-bearer" : "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = CreateAssertion(defect),
        };
        switch (defect)
        {
            case Defect.NoAssertionType:
                form.Remove("client_assertion_type");
                break;
            case Defect.SecretInsteadOfAssertion:
                form.Remove("client_assertion_type");
                form.Remove("client_assertion");
                form["client_secret"] = ClientKeys.LongSecret;
                break;
            case Defect.SecretBesideAssertion:
                form["client_secret"] = ClientKeys.LongSecret;
                break;
        }

        var (status, error) = await PostAsync(CidaasDefaults.TokenPath, form);

        status.Should().Be(HttpStatusCode.Unauthorized);
        error.Should().Be("invalid_client");
    }

    public static TheoryData<Defect> Defects() => [.. Enum.GetValues<Defect>()];

    [Fact]
    public async Task A_valid_assertion_is_accepted_once_and_its_replay_is_refused()
    {
        var assertion = Sign(Claims(TokenEndpoint), _keys.Credentials);

        var first = await PostAsync(CidaasDefaults.TokenPath, ClientCredentials(assertion));
        var replay = await PostAsync(CidaasDefaults.TokenPath, ClientCredentials(assertion));

        first.Status.Should().Be(HttpStatusCode.OK);
        replay.Should().Be((HttpStatusCode.Unauthorized, "invalid_client"));
    }

    [Theory]
    [InlineData("issuer")]
    [InlineData("token endpoint")]
    [InlineData("endpoint called")]
    public async Task The_audience_may_be_the_issuer_the_token_endpoint_or_the_endpoint_called(string audience)
    {
        var aud = audience switch
        {
            "issuer" => _emulator.Authority,
            "token endpoint" => TokenEndpoint,
            _ => _emulator.Authority + CidaasDefaults.RevocationPath,
        };
        var form = ClientCredentials(Sign(Claims(aud), _keys.Credentials));
        form.Remove("grant_type");
        form["token"] = "unknown";

        var (status, _) = await PostAsync(CidaasDefaults.RevocationPath, form);

        status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_client_secret_jwt_client_is_refused_its_plain_secret_and_accepted_with_an_hs256_assertion()
    {
        var plain = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = SecretClientId, ["client_secret"] = ClientKeys.LongSecret };
        var claims = Claims(TokenEndpoint);
        claims["iss"] = claims["sub"] = SecretClientId;
        var hs256 = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ClientKeys.LongSecret)), SecurityAlgorithms.HmacSha256);
        var assertion = ClientCredentials(Sign(claims, hs256));
        assertion["client_id"] = SecretClientId;

        (await PostAsync(CidaasDefaults.TokenPath, plain)).Should().Be((HttpStatusCode.Unauthorized, "invalid_client"));
        (await PostAsync(CidaasDefaults.TokenPath, assertion)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_private_key_jwt_client_without_a_secret_is_not_taken_for_a_public_client()
    {
        _emulator.Options.Clients.Add(new CidaasEmulatorClient { ClientId = "key-only", TokenEndpointAuthMethod = "private_key_jwt", Jwks = _keys.Jwks });

        var (status, error) = await PostAsync(CidaasDefaults.TokenPath, new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = "key-only" });

        (status, error).Should().Be((HttpStatusCode.Unauthorized, "invalid_client"));
    }

    private string CreateAssertion(Defect defect)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = Claims(defect == Defect.AudienceOfAnotherServer ? "https://evil.example/token-srv/token" : TokenEndpoint);
        switch (defect)
        {
            case Defect.Expired:
                claims["iat"] = now.AddMinutes(-10).ToUnixTimeSeconds();
                claims["exp"] = now.AddMinutes(-5).ToUnixTimeSeconds();
                break;
            case Defect.NoExpiry:
                claims.Remove("exp");
                break;
            case Defect.IssuedInTheFuture:
                claims["iat"] = now.AddMinutes(10).ToUnixTimeSeconds();
                claims["exp"] = now.AddMinutes(11).ToUnixTimeSeconds();
                break;
            case Defect.NoJti:
                claims.Remove("jti");
                break;
            case Defect.IssuerIsAnotherClient:
                claims["iss"] = TestClients.ClientId;
                break;
            case Defect.SubjectIsNotTheClient:
                claims["sub"] = "someone-else";
                break;
        }

        return defect switch
        {
            Defect.SignedWithAnotherKey => Sign(claims, _otherKeys.Credentials),
            Defect.Hs256ForAPrivateKeyClient => Sign(claims, new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(ClientKeys.LongSecret)), SecurityAlgorithms.HmacSha256)),
            Defect.Rs384 => Sign(claims, new SigningCredentials(_keys.Credentials.Key, SecurityAlgorithms.RsaSha384)),
            Defect.Unsigned => Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + Sign(claims, _keys.Credentials).Split('.')[1] + ".",
            _ => Sign(claims, _keys.Credentials),
        };
    }

    private static Dictionary<string, object> Claims(string audience)
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, object>
        {
            ["iss"] = ClientId,
            ["sub"] = ClientId,
            ["aud"] = audience,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddSeconds(60).ToUnixTimeSeconds(),
        };
    }

    private static string Sign(Dictionary<string, object> claims, SigningCredentials credentials)
        => Handler.CreateToken(new SecurityTokenDescriptor { Claims = claims, SigningCredentials = credentials });

    private static Dictionary<string, string> ClientCredentials(string assertion) => new()
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = ClientId,
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = assertion,
    };

    private async Task<(HttpStatusCode Status, string? Error)> PostAsync(string path, Dictionary<string, string> form)
    {
        using var response = await _client.PostAsync(path, new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (body.Length == 0)
        {
            return (response.StatusCode, null);
        }

        using var json = JsonDocument.Parse(body);
        return (response.StatusCode, json.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null);
    }
}
