using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.ClientAuthentication;

/// <summary>
/// The API side of issue 16: introspection with <c>private_key_jwt</c> and <c>client_secret_jwt</c> (the assertion in
/// cidaas's JSON body, addressed to the introspection endpoint), client credentials with <c>private_key_jwt</c>, and
/// access tokens signed with HS256 keyed with the client secret, which the bearer handler keeps refusing.
/// </summary>
public sealed class JwtBackchannelTests(ITestOutputHelper output) : BearerTestBase(output)
{
    private CidaasEmulatorClient ApiClient => EmulatorOptions.Clients.Single(c => c.ClientId == BearerTokens.ClientId);

    [Fact]
    public async Task Introspection_with_private_key_jwt_sends_the_assertion_in_the_json_body()
    {
        using var keys = ClientKeys.Ec();
        ApiClient.TokenEndpointAuthMethod = "private_key_jwt";
        ApiClient.Jwks = keys.Jwks;
        await StartAppAsync(o =>
        {
            UseIntrospection(o);
            o.ClientSecret = null;
            o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.PrivateKeyJwt;
            o.ClientSigningCredentials = keys.Credentials;
        });

        var response = await App.GetAsync("/api/me", await GetAccessTokenAsync());

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var request = Emulator.Requests.Single(r => r.Path == CidaasDefaults.IntrospectionPath);
        request.Headers.Should().NotContainKey("Authorization");
        var sent = JsonNode.Parse(request.JsonBody!)!.AsObject();
        sent.Select(member => member.Key).Should().Equal("token", "token_type_hint", "client_id", "client_assertion_type", "client_assertion");
        var assertion = new JsonWebToken(sent["client_assertion"]!.GetValue<string>());
        assertion.Alg.Should().Be("ES256");
        assertion.Issuer.Should().Be(BearerTokens.ClientId);
        assertion.GetPayloadValue<string>("aud").Should().Be(Emulator.Authority + CidaasDefaults.IntrospectionPath);
    }

    [Fact]
    public async Task Introspection_with_client_secret_jwt_signs_a_fresh_assertion_for_every_call()
    {
        ApiClient.ClientSecret = ClientKeys.LongSecret;
        ApiClient.TokenEndpointAuthMethod = "client_secret_jwt";
        await StartAppAsync(o =>
        {
            UseIntrospection(o, clientSecret: ClientKeys.LongSecret);
            o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.ClientSecretJwt;
            o.IntrospectionCacheDuration = TimeSpan.Zero;
        });
        var token = await GetAccessTokenAsync();

        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK, "each call signs a new assertion with a fresh jti");

        IntrospectionRequests.Should().Be(2);
        Emulator.Requests.Where(r => r.Path == CidaasDefaults.IntrospectionPath)
            .Should().OnlyContain(r => !r.JsonBody!.Contains("client_secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_access_token_re_signed_with_hs256_using_the_client_secret_is_refused()
    {
        await StartAppAsync();
        var token = await GetAccessTokenAsync();
        var parts = token.Split('.');
        var header = JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!.AsObject();
        header["alg"] = "HS256";
        header.Remove("kid");
        var signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + parts[1];
        var forged = Remember(signingInput + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(BearerTokens.ClientSecret), Encoding.ASCII.GetBytes(signingInput))));

        var response = await App.GetAsync("/api/me", forged);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        ExpectInvalidToken(response);
    }

    [Fact]
    public async Task Client_credentials_with_private_key_jwt_get_a_token_without_a_secret()
    {
        using var keys = ClientKeys.Rsa();
        ApiClient.TokenEndpointAuthMethod = "private_key_jwt";
        ApiClient.Jwks = keys.Jwks;
        var seen = new List<string?>();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCidaasClientCredentials("orders", o =>
        {
            o.Authority = Emulator.Authority;
            o.ClientId = BearerTokens.ClientId;
            o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.PrivateKeyJwt;
            o.ClientSigningCredentials = keys.Credentials;
            o.BackchannelHttpHandler = Emulator.CreateHandler();
        });
        services.AddHttpClient("m2m")
            .ConfigurePrimaryHttpMessageHandler(() => new RecordingHandler(seen))
            .AddCidaasClientAccessTokenHandler("orders");
        await using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("m2m").GetAsync("https://api.test/data");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        seen.Should().ContainSingle().Which.Should().StartWith("Bearer ");
        Remember(seen[0]!["Bearer ".Length..]);
        var request = Emulator.Requests.Single(r => r.Path == CidaasDefaults.TokenPath);
        request.Form.Should().Contain("grant_type", "client_credentials").And.ContainKey("client_assertion").And.NotContainKey("client_secret");
        new JsonWebToken(request.Form["client_assertion"]).GetPayloadValue<string>("aud").Should().Be(Emulator.Authority + CidaasDefaults.TokenPath);
    }

    [Fact]
    public async Task Client_credentials_name_a_missing_signing_key()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCidaasClientCredentials("orders", o =>
        {
            o.Authority = Emulator.Authority;
            o.ClientId = BearerTokens.ClientId;
            o.ClientAuthenticationMethod = CidaasClientAuthenticationMethod.PrivateKeyJwt;
            o.BackchannelHttpHandler = Emulator.CreateHandler();
        });
        services.AddHttpClient("m2m").ConfigurePrimaryHttpMessageHandler(() => new RecordingHandler([])).AddCidaasClientAccessTokenHandler("orders");
        await using var provider = services.BuildServiceProvider();

        var call = () => provider.GetRequiredService<IHttpClientFactory>().CreateClient("m2m").GetAsync("https://api.test/data");

        (await call.Should().ThrowAsync<Exception>()).Which.ToString().Should().Contain("'ClientSigningCredentials' option must be set");
        TokenRequests.Should().Be(0);
    }

    private sealed class RecordingHandler(List<string?> seen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.Headers.Authorization?.ToString());
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
