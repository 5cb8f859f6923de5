using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>Local validation of cidaas JWT access tokens: every defect ends in 401 invalid_token, never in a 500.</summary>
public sealed class BearerJwtValidationTests(ITestOutputHelper output) : BearerTestBase(output)
{
    [Fact]
    public async Task Valid_access_token_is_accepted_and_its_cidaas_claims_are_mapped()
    {
        await StartAppAsync();
        var token = await GetAccessTokenAsync("alice", "openid orders:read profile");

        var response = await App.GetAsync("/api/me", token);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        var claims = body.Split('\n');
        claims.Should().Contain(ClaimTypes.NameIdentifier + "|7f3c2a9e-1b4d-4e8f-9a6b-0c5d2e1f3a4b")
            .And.Contain("sub|7f3c2a9e-1b4d-4e8f-9a6b-0c5d2e1f3a4b")
            .And.Contain(ClaimTypes.Role + "|admin")
            .And.Contain(ClaimTypes.Role + "|user")
            .And.Contain(CidaasClaimTypes.Group + "|engineering")
            .And.Contain(CidaasClaimTypes.GroupRole + "|engineering:lead")
            .And.Contain(CidaasBearerClaimTypes.Scope + "|orders:read")
            .And.Contain(CidaasBearerClaimTypes.Scope + "|openid")
            .And.Contain("aud|" + BearerTokens.ClientId, "cidaas's tokens name the client in 'aud' and carry no 'client_id'")
            .And.Contain("isub|" + Emulator.Options.Users[0].IdentityId)
            .And.Contain("iss|" + Emulator.Authority);
        claims.Where(c => c.StartsWith("scope|", StringComparison.Ordinal)).Should().OnlyHaveUniqueItems();
        claims.Should().NotContain(c => c.StartsWith("groups|", StringComparison.Ordinal) || c.StartsWith("roles|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_subject_is_the_name_of_the_user()
    {
        await StartAppAsync(configure: o => o.Events = new()
        {
            OnTokenValidated = c =>
        {
            c.Principal!.Identity!.Name.Should().Be("7f3c2a9e-1b4d-4e8f-9a6b-0c5d2e1f3a4b");
            c.Principal.IsInRole("admin").Should().BeTrue();
            c.Principal.Identity.AuthenticationType.Should().Be(CidaasDefaults.BearerAuthenticationScheme);
            return Task.CompletedTask;
        }
        });

        var response = await App.GetAsync("/api/me", await GetAccessTokenAsync());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Expired_access_token_is_rejected()
    {
        await StartAppAsync();
        var token = await GetAccessTokenIssuedAtAsync(DateTimeOffset.UtcNow - TimeSpan.FromHours(3));

        var response = await App.GetAsync("/api/me", token);

        ExpectInvalidToken(response).Should().Be("The token has expired");
    }

    [Fact]
    public async Task Expiry_is_judged_with_the_clock_skew_and_the_scheme_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartAppAsync(o =>
        {
            o.TimeProvider = clock;
            o.TokenValidationParameters.ClockSkew = TimeSpan.FromMinutes(2);
        });
        var token = await GetAccessTokenAsync();
        var expires = DateTimeOffset.FromUnixTimeSeconds(BearerTokens.Payload(token)["exp"]!.GetValue<long>());

        clock.SetUtcNow(expires + TimeSpan.FromMinutes(1));
        (await App.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK, "the token expired a minute ago, within the skew");

        clock.SetUtcNow(expires + TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        ExpectInvalidToken(await App.GetAsync("/api/me", token)).Should().Be("The token has expired");
    }

    [Fact]
    public async Task Access_token_that_is_not_yet_valid_is_rejected()
    {
        // cidaas's tokens carry no 'nbf' (docs/cidaas-compatibility.md): one from an hour ahead is refused by its 'iat'.
        // The 'nbf' check itself: BearerRealTokenShapeTests.Token_with_nbf_in_the_future_is_rejected.
        await StartAppAsync();
        var token = await GetAccessTokenIssuedAtAsync(DateTimeOffset.UtcNow + TimeSpan.FromHours(1));

        var response = await App.GetAsync("/api/me", token);

        ExpectInvalidToken(response).Should().Be(CidaasBearerErrors.IssuedInTheFutureDescription);
    }

    [Fact]
    public async Task Access_token_from_another_issuer_is_rejected()
    {
        // The API trusts the tenant https://tenant-b.cidaas.test (its discovery document says so, with the same keys);
        // the token, correctly signed, was issued by https://cidaas.test.
        const string OtherTenant = "https://tenant-b.cidaas.test";
        Emulator.Options.DiscoveryIssuer = OtherTenant;
        await StartAppAsync(o => o.Authority = OtherTenant);
        var token = await GetAccessTokenAsync();

        var response = await App.GetAsync("/api/me", token);

        ExpectInvalidToken(response).Should().Be("The issuer is invalid");
    }

    [Fact]
    public async Task Discovery_document_of_another_issuer_refuses_every_token()
    {
        Emulator.Options.DiscoveryIssuer = "https://evil.example";
        await StartAppAsync();

        var response = await App.GetAsync("/api/me", await GetAccessTokenAsync());

        ExpectInvalidToken(response);
        App.Logs.Lines.Should().Contain(l => l.Contains("CIDAAS5004", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Access_token_for_another_audience_is_rejected()
    {
        await StartAppAsync(o =>
        {
            o.Audience = null;
            o.Audiences.Add("orders-api");
        });

        var response = await App.GetAsync("/api/me", await GetAccessTokenAsync());

        ExpectInvalidToken(response).Should().Be("The audience is invalid");
    }

    [Fact]
    public async Task Access_token_without_aud_is_judged_by_its_client_id_but_another_aud_is_never_overridden_by_it()
    {
        // A fixed configuration (no discovery) whose only key is ours, so that edited payloads can be signed validly.
        using var key = RSA.Create(2048);
        var configuration = new OpenIdConnectConfiguration { Issuer = Emulator.Authority };
        configuration.SigningKeys.Add(new RsaSecurityKey(key) { KeyId = "test-key" });
        await StartAppAsync(o =>
        {
            o.Configuration = configuration;
            o.Audience = null;
            o.Audiences.Add("orders-api");
        });
        var real = await GetAccessTokenAsync();
        var header = BearerTokens.Header(real);
        header["kid"] = "test-key";
        string SignEdited(Action<JsonObject> change)
        {
            var payload = BearerTokens.Payload(real);
            change(payload);
            return Remember(BearerTokens.Sign(header, payload, key));
        }

        var withoutAud = SignEdited(p => { p.Remove("aud"); p["client_id"] = "orders-api"; });
        var otherAud = SignEdited(p => { p["aud"] = "billing-api"; p["client_id"] = "orders-api"; });
        var listedAud = SignEdited(p => p["aud"] = new JsonArray("billing-api", "orders-api"));

        (await App.GetAsync("/api/me", withoutAud)).StatusCode.Should().Be(HttpStatusCode.OK);
        ExpectInvalidToken(await App.GetAsync("/api/me", otherAud)).Should().Be("The audience is invalid");
        (await App.GetAsync("/api/me", listedAud)).StatusCode.Should().Be(HttpStatusCode.OK);
        Emulator.CountRequests(CidaasDefaults.DiscoveryPath).Should().Be(0, "a fixed configuration needs no discovery");
    }

    [Fact]
    public async Task Access_token_with_alg_none_is_rejected()
    {
        await StartAppAsync();
        var token = Remember(BearerTokens.WithAlgNone(await GetAccessTokenAsync()));

        var response = await App.GetAsync("/api/me", token);

        ExpectInvalidToken(response).Should().Be("The signature is invalid");
    }

    [Fact]
    public async Task Access_token_signed_with_HS256_and_the_public_key_as_secret_is_rejected()
    {
        await StartAppAsync();
        var token = Remember(await BearerTokens.WithHs256UsingThePublicKeyAsync(Emulator, await GetAccessTokenAsync()));

        var response = await App.GetAsync("/api/me", token);

        ExpectInvalidToken(response).Should().Be("The signature is invalid");
    }

    [Fact]
    public async Task Access_token_with_a_changed_payload_and_a_bad_signature_is_rejected()
    {
        await StartAppAsync();
        var real = await GetAccessTokenAsync("bob");
        var forged = Remember(BearerTokens.WithForgedPayload(real, p => p["roles"] = new JsonArray("admin")));

        var response = await App.GetAsync("/api/admin", forged);

        ExpectInvalidToken(response).Should().Be("The signature is invalid");
    }

    [Fact]
    public async Task Key_rotated_just_before_signing_is_accepted_in_the_same_request()
    {
        await StartAppAsync();
        (await App.GetAsync("/api/me", await GetAccessTokenAsync())).StatusCode.Should().Be(HttpStatusCode.OK, "this primes the cached key set");
        var jwksBefore = JwksRequests;

        Emulator.RotateSigningKey(keepPreviousKeyPublished: true);
        var signedWithNewKey = await GetAccessTokenAsync();
        var response = await App.GetAsync("/api/me", signedWithNewKey);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        JwksRequests.Should().Be(jwksBefore + 1, "one refetch of the keys, within the same request");

        (await App.GetAsync("/api/me", await GetAccessTokenAsync("bob"))).StatusCode.Should().Be(HttpStatusCode.OK);
        JwksRequests.Should().Be(jwksBefore + 1, "the refetched keys are kept");
    }

    [Fact]
    public async Task Tokens_signed_by_unknown_keys_cost_at_most_one_refetch_per_interval()
    {
        await StartAppAsync();
        var real = await GetAccessTokenAsync();
        (await App.GetAsync("/api/me", real)).StatusCode.Should().Be(HttpStatusCode.OK);
        var jwksBefore = JwksRequests;

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => App.GetAsync("/api/me", Remember(BearerTokens.SignedByAnUnknownKey(real)))));

        foreach (var response in responses)
        {
            ExpectInvalidToken(response).Should().Be("The signing key is unknown");
        }

        JwksRequests.Should().Be(jwksBefore + 1);
    }

    [Theory]
    [InlineData("503", "CIDAAS5005")]
    [InlineData("dropped connection", "CIDAAS2007")]
    public async Task After_a_failed_key_refetch_a_token_of_the_new_key_is_accepted_once_the_one_second_backoff_is_over_and_unknown_keys_still_cost_one_fetch_per_interval(string fault, string logged)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartAppAsync(o => o.TimeProvider = clock);
        var interval = App.GetOptions().SigningKeyRefreshInterval;
        interval.Should().Be(TimeSpan.FromMinutes(1), "the default is what users run with");
        (await App.GetAsync("/api/me", await GetAccessTokenAsync())).StatusCode.Should().Be(HttpStatusCode.OK, "this primes the cached key set");
        Emulator.RotateSigningKey(keepPreviousKeyPublished: false);
        var token = await GetAccessTokenAsync();
        Emulator.Next.Fault(CidaasDefaults.JwksPath, fault == "503" ? CidaasEmulatorFault.Status(503, "down") : CidaasEmulatorFault.DropConnection());
        var jwksBefore = JwksRequests;

        // The refetch for the new key meets the outage.
        ExpectInvalidToken(await App.GetAsync("/api/me", token)).Should().Be("The signing key is unknown");
        JwksRequests.Should().Be(jwksBefore + 1);
        App.Logs.Lines.Should().Contain(l => l.Contains(logged, StringComparison.Ordinal));

        // cidaas is healthy again, but the 1 s backoff is not over: refused without asking cidaas.
        clock.Advance(TimeSpan.FromMilliseconds(999));
        ExpectInvalidToken(await App.GetAsync("/api/me", token)).Should().Be("The signing key is unknown");
        JwksRequests.Should().Be(jwksBefore + 1);

        // The backoff is over: one refetch, and the token is accepted.
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var accepted = await App.GetAsync("/api/me", token);
        accepted.StatusCode.Should().Be(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        JwksRequests.Should().Be(jwksBefore + 2);

        // Made-up key ids after that successful refetch, one every 12 s for two minutes: one refetch in all.
        var refetchedAt = clock.GetUtcNow();
        for (var second = 0; second < 120; second += 12)
        {
            clock.SetUtcNow(refetchedAt + TimeSpan.FromSeconds(second));
            ExpectInvalidToken(await App.GetAsync("/api/me", Remember(BearerTokens.SignedByAnUnknownKey(token)))).Should().Be("The signing key is unknown");
            Output.WriteLine($"made-up kid at +{second} s: {JwksRequests - jwksBefore - 2} refetch(es) since the successful one");
        }

        JwksRequests.Should().Be(jwksBefore + 3, "one refetch at the start of the second minute, none in the first");
    }

    [Fact]
    public async Task Unreachable_discovery_document_gives_401_not_500()
    {
        for (var i = 0; i < 5; i++)
        {
            // IdentityModel's document retriever retries on its own; every attempt fails.
            Emulator.Next.Fault(CidaasDefaults.DiscoveryPath, CidaasEmulatorFault.Status(503, "down"));
        }

        await StartAppAsync();

        var response = await App.GetAsync("/api/me", await GetAccessTokenAsync());

        ExpectInvalidToken(response).Should().Be("The token cannot be validated now");
        App.Logs.Lines.Should().Contain(l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("discovery document", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Access_token_is_not_kept_in_the_ticket_unless_SaveToken_is_on()
    {
        string? saved = "unset";
        await StartAppAsync(o => o.Events = new()
        {
            OnTokenValidated = c =>
        {
            saved = c.Properties.GetTokenValue("access_token");
            return Task.CompletedTask;
        }
        });

        (await App.GetAsync("/api/me", await GetAccessTokenAsync())).StatusCode.Should().Be(HttpStatusCode.OK);

        saved.Should().BeNull("SaveToken is off by default, as in JwtBearer");
    }
}
