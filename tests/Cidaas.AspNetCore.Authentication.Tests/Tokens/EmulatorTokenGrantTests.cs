using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.Tests.Tokens;

/// <summary>
/// The emulator as the test bed of tokens after sign-in: the <c>refresh_token</c> grant with rotation and reuse
/// detection (RFC 9700 §4.14.2), the <c>client_credentials</c> grant, per-client access-token lifetimes, revocation
/// that really deactivates (RFC 7009), and counters per grant.
/// </summary>
public sealed class EmulatorTokenGrantTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
    private CidaasEmulator _emulator = default!;
    private HttpClient _client = default!;

    public async Task InitializeAsync()
    {
        var options = TestClients.CreateEmulatorOptions();
        options.TimeProvider = _clock;
        _emulator = await CidaasEmulator.CreateAsync(options);
        _client = _emulator.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Refresh_answers_the_fields_cidaas_answers_with_a_rotated_refresh_token()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid offline_access", TestClients.ClientId);

        var (status, body) = await PostAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!));

        status.Should().Be(HttpStatusCode.OK, body.ToString());
        body.GetProperty("token_type").GetString().Should().Be("Bearer");
        body.GetProperty("sub").GetString().Should().Be(_emulator.Options.Users[0].Sub);
        body.GetProperty("expires_in").GetInt64().Should().Be(3600);
        body.GetProperty("id_token_expires_in").GetInt64().Should().Be(3600);
        body.GetProperty("id_token").GetString().Should().NotBeNullOrEmpty();
        body.TryGetProperty("scope", out _).Should().BeFalse("cidaas's refresh answer has no scope");
        body.GetProperty("access_token").GetString().Should().NotBe(tokens.AccessToken);
        body.GetProperty("refresh_token").GetString().Should().NotBe(tokens.RefreshToken, "cidaas answers a refresh with a new refresh token");
        (await IntrospectAsync(tokens.RefreshToken!)).Should().BeFalse("a rotated refresh token is used up");
        (await IntrospectAsync(body.GetProperty("refresh_token").GetString()!)).Should().BeTrue();
    }

    [Fact]
    public async Task Reused_rotated_refresh_token_revokes_the_whole_family()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid offline_access", TestClients.ClientId);
        var (_, first) = await PostAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!));
        var rotated = first.GetProperty("refresh_token").GetString()!;
        var accessToken = first.GetProperty("access_token").GetString()!;

        var (status, reuse) = await PostAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!));

        status.Should().Be(HttpStatusCode.BadRequest);
        reuse.GetProperty("error").GetString().Should().Be("invalid_grant");
        (await IntrospectAsync(rotated)).Should().BeFalse("the family is revoked");
        (await IntrospectAsync(accessToken)).Should().BeFalse("the access tokens of the family are revoked too");
        (await IntrospectAsync(tokens.AccessToken)).Should().BeFalse();
        var (afterStatus, _) = await PostAsync(("grant_type", "refresh_token"), ("refresh_token", rotated));
        afterStatus.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Concurrent_refreshes_with_one_token_leave_one_winner_and_revoke_the_family()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid offline_access", TestClients.ClientId);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!))));

        answers.Where(a => a.Status != HttpStatusCode.OK).Should().OnlyContain(a => a.Status == HttpStatusCode.BadRequest);
        answers.Count(a => a.Status == HttpStatusCode.OK).Should().Be(1, "only one refresh can rotate the token");
        var winner = answers.Single(a => a.Status == HttpStatusCode.OK).Body.GetProperty("refresh_token").GetString()!;
        (await IntrospectAsync(winner)).Should().BeFalse("the losers' reuse revoked the family");
        _emulator.CountTokenRequests("refresh_token").Should().Be(10);
    }

    [Fact]
    public async Task Client_that_does_not_rotate_keeps_its_refresh_token_valid()
    {
        _emulator.Options.Clients.Single(c => c.ClientId == TestClients.ClientId).RotateRefreshTokens = false;
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid offline_access", TestClients.ClientId);

        var (_, first) = await PostAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!));
        var (status, second) = await PostAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!));

        first.GetProperty("refresh_token").GetString().Should().Be(tokens.RefreshToken);
        status.Should().Be(HttpStatusCode.OK);
        second.GetProperty("refresh_token").GetString().Should().Be(tokens.RefreshToken);
    }

    [Fact]
    public async Task Expired_refresh_token_is_refused_and_rotation_keeps_the_first_expiry()
    {
        _emulator.Options.RefreshTokenLifetime = TimeSpan.FromHours(2);
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid offline_access", TestClients.ClientId);
        _clock.Advance(TimeSpan.FromHours(1));
        var (_, first) = await PostAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!));

        _clock.Advance(TimeSpan.FromHours(1));
        var (status, body) = await PostAsync(("grant_type", "refresh_token"), ("refresh_token", first.GetProperty("refresh_token").GetString()!));

        status.Should().Be(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().Should().Be("invalid_grant");
    }

    [Fact]
    public async Task Client_credentials_token_has_no_user_and_no_refresh_token()
    {
        var (status, body) = await PostAsync(("grant_type", "client_credentials"), ("scope", "orders:read"));

        status.Should().Be(HttpStatusCode.OK, body.ToString());
        body.TryGetProperty("refresh_token", out _).Should().BeFalse();
        body.TryGetProperty("id_token", out _).Should().BeFalse();
        body.GetProperty("sub").GetString().Should().Be("ANONYMOUS");
        var token = new JsonWebToken(body.GetProperty("access_token").GetString()!);
        token.Subject.Should().Be("ANONYMOUS", "cidaas's client-only tokens name no user");
        token.TryGetPayloadValue<object>("roles", out _).Should().BeFalse();
        token.GetPayloadValue<List<string>>("scopes").Should().Equal("orders:read");
        _emulator.CountTokenRequests("client_credentials").Should().Be(1);
        _emulator.CountTokenRequests("refresh_token").Should().Be(0);
    }

    [Fact]
    public async Task Public_client_may_not_use_client_credentials()
    {
        _emulator.Options.Clients.Add(new CidaasEmulatorClient { ClientId = "public-client" });

        using var response = await _client.PostAsync(CidaasDefaults.TokenPath, new FormUrlEncodedContent([
            KeyValuePair.Create("grant_type", "client_credentials"), KeyValuePair.Create("client_id", "public-client")]));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("unauthorized_client");
    }

    [Fact]
    public async Task Access_token_lifetime_is_configurable_per_client()
    {
        _emulator.Options.Clients.Single(c => c.ClientId == TestClients.ClientId).AccessTokenLifetime = TimeSpan.FromMinutes(2);

        var (_, body) = await PostAsync(("grant_type", "client_credentials"));
        var token = await _emulator.GetAccessTokenAsync("alice", "openid", TestClients.ClientId);

        body.GetProperty("expires_in").GetInt64().Should().Be(120);
        token.ExpiresAt.Should().Be(_clock.GetUtcNow() + TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task Revoked_refresh_token_is_inactive_and_takes_its_access_tokens_along()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid offline_access", TestClients.ClientId);

        var (status, _) = await PostRawAsync(CidaasDefaults.RevocationPath, ("token", tokens.RefreshToken!), ("token_type_hint", "refresh_token"));

        status.Should().Be(HttpStatusCode.OK);
        (await IntrospectAsync(tokens.RefreshToken!)).Should().BeFalse();
        (await IntrospectAsync(tokens.AccessToken)).Should().BeFalse("RFC 7009 §2.1: the access tokens of the grant go too");
        var (refreshStatus, body) = await PostAsync(("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken!));
        refreshStatus.Should().Be(HttpStatusCode.BadRequest);
        body.GetProperty("error").GetString().Should().Be("invalid_grant");
        _emulator.CountRequests(CidaasDefaults.RevocationPath).Should().Be(1);
    }

    [Fact]
    public async Task Refresh_token_of_another_client_cannot_be_revoked()
    {
        var tokens = await _emulator.GetAccessTokenAsync("alice", "openid offline_access", CidaasEmulatorOptions.DemoClientId);

        var (status, _) = await PostRawAsync(CidaasDefaults.RevocationPath, ("token", tokens.RefreshToken!));

        status.Should().Be(HttpStatusCode.OK, "RFC 7009 answers 200 whatever happened");
        (await TestClients.IntrospectAsync(_client, tokens.RefreshToken!, CidaasEmulatorOptions.DemoClientId, CidaasEmulatorOptions.DemoClientSecret))
            .Should().BeTrue("only the client the token was issued to may revoke it");
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(params (string Name, string Value)[] fields)
        => PostRawAsync(CidaasDefaults.TokenPath, fields);

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostRawAsync(string path, params (string Name, string Value)[] fields)
    {
        using var client = _emulator.CreateClient();
        using var response = await client.PostAsync(path, TestClientForm(fields));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private Task<bool> IntrospectAsync(string token) => TestClients.IntrospectAsync(_client, token);

    private static FormUrlEncodedContent TestClientForm((string Name, string Value)[] fields)
        => new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))
            .Append(KeyValuePair.Create("client_id", TestClients.ClientId))
            .Append(KeyValuePair.Create("client_secret", TestClients.ClientSecret)));
}
