using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.TestKit;

/// <summary>
/// <see cref="CidaasEmulator.GetAccessTokenAsync"/>: real tokens of the emulator without a browser, signed with its
/// published key, for the client asked for, and known to its userinfo, introspection and revocation endpoints.
/// </summary>
public sealed class EmulatorAccessTokenTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
    private CidaasEmulator _emulator = default!;

    private CidaasEmulatorUser Alice => _emulator.Options.Users.Single(u => u.Username == "alice");

    public async Task InitializeAsync()
    {
        var options = TestClients.CreateEmulatorOptions();
        options.TimeProvider = _clock;
        options.AccessTokenLifetime = TimeSpan.FromMinutes(20);
        _emulator = await CidaasEmulator.CreateAsync(options);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Access_token_is_signed_with_the_published_key_for_the_first_client_with_the_users_claims()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid orders:read");
        _emulator.Requests.Should().BeEmpty("no request went over the wire");

        var token = await ValidateWithThePublishedKeysAsync(tokens.AccessToken);
        token.Issuer.Should().Be(_emulator.Authority);
        token.Subject.Should().Be(Alice.Sub);
        token.Audiences.Should().Equal(CidaasEmulatorOptions.DemoClientId);
        token.TryGetPayloadValue<string>("client_id", out _).Should().BeFalse("cidaas's access tokens name the client in 'aud' only");
        token.GetPayloadValue<List<string>>("scopes").Should().Equal("openid", "orders:read");
        token.GetPayloadValue<List<string>>("roles").Should().Equal("admin", "user");
        tokens.Scopes.Should().Equal("openid", "orders:read");
        tokens.ExpiresAt.Should().Be(_clock.GetUtcNow() + TimeSpan.FromMinutes(20));
        token.ValidTo.Should().Be(tokens.ExpiresAt.UtcDateTime);
    }

    [Fact]
    public async Task Tokens_go_to_the_client_asked_for_and_the_user_may_be_named_by_sub()
    {
        var tokens = await _emulator.GetAccessTokenAsync(Alice.Sub, "openid email", TestClients.ClientId);

        (await ValidateWithThePublishedKeysAsync(tokens.AccessToken)).Audiences.Should().Equal(TestClients.ClientId);
        var idToken = await ValidateWithThePublishedKeysAsync(tokens.IdToken!);
        idToken.Audiences.Should().Equal(TestClients.ClientId);
        idToken.Subject.Should().Be(Alice.Sub);
        idToken.GetPayloadValue<string>("email").Should().Be("alice@example.com");
    }

    [Fact]
    public async Task Id_token_comes_with_openid_and_a_refresh_token_with_offline_access()
    {
        var plain = await _emulator.GetAccessTokenAsync("bob", "orders:read");
        var offline = await _emulator.GetAccessTokenAsync("bob", "openid offline_access");

        plain.IdToken.Should().BeNull();
        plain.RefreshToken.Should().BeNull();
        offline.IdToken.Should().NotBeNull();
        offline.RefreshToken.Should().NotBeNull();

        using var client = _emulator.CreateClient();
        using var refreshed = await client.PostAsync(CidaasDefaults.TokenPath, DemoClientForm(("grant_type", "refresh_token"), ("refresh_token", offline.RefreshToken!)));
        refreshed.StatusCode.Should().Be(HttpStatusCode.OK, "the token endpoint knows the refresh token");
        using var body = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync());
        var refreshedToken = await ValidateWithThePublishedKeysAsync(body.RootElement.GetProperty("access_token").GetString()!);
        refreshedToken.Subject.Should().Be(_emulator.Options.Users.Single(u => u.Username == "bob").Sub);
    }

    [Fact]
    public async Task Userinfo_and_introspection_know_the_token_until_it_is_revoked()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid profile");
        using var client = _emulator.CreateClient();

        using var userInfo = await GetUserInfoAsync(client, tokens.AccessToken);
        userInfo.StatusCode.Should().Be(HttpStatusCode.OK);
        (await userInfo.Content.ReadAsStringAsync()).Should().Contain(Alice.Sub);
        (await IntrospectAsync(client, tokens.AccessToken)).GetProperty("active").GetBoolean().Should().BeTrue();

        using var revoked = await client.PostAsync(CidaasDefaults.RevocationPath, DemoClientForm(("token", tokens.AccessToken)));
        revoked.StatusCode.Should().Be(HttpStatusCode.OK);

        (await IntrospectAsync(client, tokens.AccessToken)).GetProperty("active").GetBoolean().Should().BeFalse();
        using var afterRevocation = await GetUserInfoAsync(client, tokens.AccessToken);
        afterRevocation.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Unknown_users_and_clients_and_forbidden_scopes_are_refused()
    {
        _emulator.Options.Clients.Add(new CidaasEmulatorClient { ClientId = "narrow", ClientSecret = "narrow-secret", AllowedScopes = { "openid" } });

        await _emulator.Invoking(e => e.GetAccessTokenAsync("mallory")).Should().ThrowAsync<ArgumentException>().WithParameterName("user");
        await _emulator.Invoking(e => e.GetAccessTokenAsync("alice", "openid", "unknown-client")).Should().ThrowAsync<ArgumentException>().WithParameterName("clientId");
        await _emulator.Invoking(e => e.GetAccessTokenAsync("alice", "openid orders:read", "narrow")).Should().ThrowAsync<ArgumentException>()
            .WithParameterName("scope").WithMessage("*'orders:read'*");
        (await _emulator.GetAccessTokenAsync("alice", "openid", "narrow")).Scopes.Should().Equal("openid");
    }

    [Fact]
    public async Task The_result_shows_no_token_when_written_out()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid offline_access");

        tokens.ToString().Should().NotContain(tokens.AccessToken).And.NotContain(tokens.IdToken!).And.NotContain(tokens.RefreshToken!).And.Contain("openid offline_access");
    }

    private async Task<JsonWebToken> ValidateWithThePublishedKeysAsync(string jwt)
    {
        using var client = _emulator.CreateClient();
        var keys = new JsonWebKeySet(await client.GetStringAsync(CidaasDefaults.JwksPath));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = _emulator.Authority,
            ValidateAudience = false,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            IssuerSigningKeys = keys.GetSigningKeys(),
            LifetimeValidator = (_, expires, _, _) => expires > _clock.GetUtcNow().UtcDateTime,
        });
        result.IsValid.Should().BeTrue(result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    private static Task<HttpResponseMessage> GetUserInfoAsync(HttpClient client, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, CidaasDefaults.UserInformationPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client.SendAsync(request);
    }

    private static async Task<JsonElement> IntrospectAsync(HttpClient client, string token)
    {
        // As cidaas takes it: a JSON body, the client in a Basic header.
        using var request = new HttpRequestMessage(HttpMethod.Post, CidaasDefaults.IntrospectionPath)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { token }), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            System.Text.Encoding.UTF8.GetBytes(CidaasEmulatorOptions.DemoClientId + ":" + CidaasEmulatorOptions.DemoClientSecret)));
        using var response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static FormUrlEncodedContent DemoClientForm(params (string Name, string Value)[] fields)
        => new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))
            .Append(KeyValuePair.Create("client_id", CidaasEmulatorOptions.DemoClientId))
            .Append(KeyValuePair.Create("client_secret", CidaasEmulatorOptions.DemoClientSecret)));
}
