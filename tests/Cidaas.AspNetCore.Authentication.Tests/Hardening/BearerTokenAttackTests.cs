using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using Cidaas.AspNetCore.Authentication.Bearer;
using Cidaas.AspNetCore.Authentication.Tests.Bearer;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// Tokens that cidaas signed (or could have signed) but that are no access token for this API, or whose JSON is
/// ambiguous: each is a clean 401 <c>invalid_token</c>, never a 500, and never grants a claim it does not carry.
/// The API trusts one key of the test (a fixed configuration), so that any header and payload can be signed validly.
/// </summary>
public sealed class BearerTokenAttackTests(ITestOutputHelper output) : BearerTestBase(output), IDisposable
{
    private const string Subject = "7f3c2a9e-1b4d-4e8f-9a6b-0c5d2e1f3a4b";
    private const string KeyId = "test-key";
    private const string Header = $$"""{"alg":"RS256","kid":"{{KeyId}}"}""";

    private readonly RSA _key = RSA.Create(2048);

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Id_token_of_the_same_client_presented_as_an_access_token_is_rejected()
    {
        // cidaas gives both tokens the same iss, keys and aud (the client id): only the token itself tells them apart.
        await StartApiAsync();
        var tokens = await BearerTokens.GetTokenResponseAsync(Emulator);
        Remember(tokens.GetProperty("access_token").GetString()!);
        var idToken = Remember(tokens.GetProperty("id_token").GetString()!);

        var response = await Api.GetAsync("/api/me", idToken);

        ExpectInvalidToken(response).Should().Be("The token is not an access token");
        Api.Logs.Lines.Should().Contain(l => l.Contains("CIDAAS5006", StringComparison.Ordinal));
    }

    public static TheoryData<string> IdTokenMarkers => new()
    {
        """ "at_hash":"08wpfU_aqfIQw0OWPxdJQA" """,
        """ "c_hash":"IBoQ2CMma0xz2BtE4gYtww" """,
        """ "at_hash":"08wpfU_aqfIQw0OWPxdJQA","c_hash":"IBoQ2CMma0xz2BtE4gYtww","nonce":"n-0S6_WzA2Mj" """,
        """ "events":{"http://schemas.openid.net/event/backchannel-logout":{}} """,
    };

    [Theory]
    [MemberData(nameof(IdTokenMarkers))]
    public async Task Token_with_a_member_only_an_id_token_or_a_security_event_token_carries_is_rejected(string members)
    {
        await StartApiWithTheTestKeyAsync();

        var response = await Api.GetAsync("/api/me", Sign(Header, Payload(members)));

        ExpectInvalidToken(response).Should().Be("The token is not an access token");
    }

    [Fact]
    public async Task Access_token_shaped_like_a_real_cidaas_one_with_a_nonce_and_no_typ_is_accepted()
    {
        // The members and value shapes of the access token in the cidaas PHP SDK's test fixture (Cidaas/cidaas-sdk-php,
        // tests/AbstractCidaasTestParent.php, taken from nightlybuild.cidaas.de): no 'typ' header, and a 'nonce'
        // (cidaas copies the authorization request's nonce into the access token), but no 'at_hash' or 'c_hash'.
        await StartApiWithTheTestKeyAsync();
        var payload = $$"""
            {"amr":["2"],"ua_hash":"5b0e3f4f9a5c4d2a8e1b7c6d0f2a9e31","sid":"0b6c2f1e-3d4a-4b5c-8d9e-1f2a3b4c5d6e",
            "sub":"{{Subject}}","isub":"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d","aud":"{{BearerTokens.ClientId}}",
            "iat":{{Now}},"auth_time":{{Now - 1}},"iss":"{{Emulator.Authority}}","jti":"{{Guid.NewGuid()}}",
            "nonce":"1603357001","scopes":["openid","offline_access"],"roles":["USER"],
            "groups":[{"groupId":"CIDAAS_ADMINS","roles":["SECONDARY_ADMIN"]}],"exp":{{Now + 86400}}}
            """;

        var response = await Api.GetAsync("/api/me", Sign(Header, payload));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        body.Split('\n').Should().Contain(ClaimTypes.Role + "|USER")
            .And.Contain(CidaasClaimTypes.Group + "|CIDAAS_ADMINS")
            .And.Contain(CidaasBearerClaimTypes.Scope + "|offline_access")
            .And.Contain("nonce|1603357001")
            .And.Contain(ClaimTypes.NameIdentifier + "|" + Subject);
    }

    public static TheoryData<string> AccessTokenTypes => new()
    {
        """ "typ":"JWT" """,
        """ "typ":"jwt" """,
        """ "typ":"application/jwt" """,
        """ "typ":"at+jwt" """,
        """ "typ":"AT+JWT" """,
        """ "typ":"application/at+jwt" """,
        """ "typ":"Application/AT+JWT" """,
    };

    [Theory]
    [MemberData(nameof(AccessTokenTypes))]
    public async Task Token_typed_as_a_JWT_or_an_RFC_9068_access_token_is_accepted(string typ)
    {
        await StartApiWithTheTestKeyAsync();

        var response = await Api.GetAsync("/api/me", Sign(HeaderWith(typ), Payload()));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string> OtherTokenTypes => new()
    {
        """ "typ":"logout+jwt" """,
        """ "typ":"application/logout+jwt" """,
        """ "typ":"secevent+jwt" """,
        """ "typ":"id_token+jwt" """,
        """ "typ":"dpop+jwt" """,
        """ "typ":"JOSE" """,
        """ "typ":"JOSE+JSON" """,
        """ "typ":"" """,
        """ "typ":" JWT" """,
        """ "typ":"application/jwt; charset=utf-8" """,
        """ "typ":"text/jwt" """,
        """ "typ":"application/application/jwt" """,
        """ "typ":null """,
        """ "typ":1 """,
        """ "typ":["JWT"] """,
    };

    [Theory]
    [MemberData(nameof(OtherTokenTypes))]
    public async Task Token_whose_typ_is_not_a_JWT_or_an_access_token_type_is_rejected(string typ)
    {
        await StartApiWithTheTestKeyAsync();

        var response = await Api.GetAsync("/api/me", Sign(HeaderWith(typ), Payload()));

        ExpectInvalidToken(response);
    }

    [Fact]
    public async Task ValidTypes_can_narrow_the_accepted_token_types_but_not_widen_them()
    {
        await StartApiWithTheTestKeyAsync(o => o.TokenValidationParameters.ValidTypes = ["at+jwt", "logout+jwt"]);

        (await Api.GetAsync("/api/me", Sign(HeaderWith(""" "typ":"at+jwt" """), Payload()))).StatusCode.Should().Be(HttpStatusCode.OK);
        ExpectInvalidToken(await Api.GetAsync("/api/me", Sign(Header, Payload())));
        ExpectInvalidToken(await Api.GetAsync("/api/me", Sign(HeaderWith(""" "typ":"JWT" """), Payload())));
        ExpectInvalidToken(await Api.GetAsync("/api/me", Sign(HeaderWith(""" "typ":"logout+jwt" """), Payload()))).Should().Be("The token is not an access token");
    }

    public static TheoryData<string> CriticalHeaders => new()
    {
        """ "crit":["exp"],"exp":1 """,
        """ "crit":["b64"],"b64":true """,
        """ "crit":["http://example.com/extension"] """,
        """ "crit":[] """,
        """ "crit":null """,
        """ "crit":"b64" """,
    };

    [Theory]
    [MemberData(nameof(CriticalHeaders))]
    public async Task Token_with_a_crit_header_is_rejected_because_no_extension_is_understood(string crit)
    {
        await StartApiWithTheTestKeyAsync();

        var response = await Api.GetAsync("/api/me", Sign(HeaderWith(crit), Payload()));

        ExpectInvalidToken(response).Should().Be("The token uses an unsupported extension");
    }

    public static TheoryData<string, string> InjectedClaimTypes => new()
    {
        { ClaimTypes.Role, "/api/admin" },
        { "HTTP://SCHEMAS.MICROSOFT.COM/WS/2008/06/IDENTITY/CLAIMS/ROLE", "/api/admin" },
        { CidaasClaimTypes.Group, "/api/engineering" },
        { "Cidaas:Group", "/api/engineering" },
        { CidaasClaimTypes.GroupRole, "/api/engineering/leads" },
        { CidaasBearerClaimTypes.Scope.ToUpperInvariant(), "/api/orders/write" },
    };

    [Theory]
    [MemberData(nameof(InjectedClaimTypes))]
    public async Task Payload_member_named_like_a_role_group_or_scope_claim_type_grants_nothing(string memberName, string path)
    {
        // bob: role user, group sales, scope orders:read. The member's value is what each protected path asks for.
        await StartApiWithTheTestKeyAsync();
        var value = path switch
        {
            "/api/admin" => "admin",
            "/api/engineering" => "engineering",
            "/api/engineering/leads" => "engineering:lead",
            _ => "orders:write",
        };
        var token = Sign(Header, Payload($$"""
            "roles":["user"],"groups":[{"groupId":"sales","roles":["member"]}],"{{memberName}}":"{{value}}"
            """));

        var forbidden = await Api.GetAsync(path, token);
        var me = await Api.GetAsync("/api/me", token);

        forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var claims = (await me.Content.ReadAsStringAsync()).Split('\n');
        claims.Should().Contain(ClaimTypes.Role + "|user").And.Contain(CidaasClaimTypes.Group + "|sales");
        claims.Should().NotContain(c => c.EndsWith("|" + value, StringComparison.Ordinal), "a member never becomes a claim of a type the package gives a meaning");
    }

    [Fact]
    public async Task Payload_members_named_like_the_subject_or_any_dotnet_claim_type_do_not_change_the_user()
    {
        await StartApiWithTheTestKeyAsync(o => o.Events = new()
        {
            OnTokenValidated = c =>
            {
                c.Principal!.Identity!.Name.Should().Be(Subject);
                c.Principal.FindFirst(ClaimTypes.NameIdentifier)!.Value.Should().Be(Subject);
                c.Principal.FindAll(ClaimTypes.Name).Should().BeEmpty();
                c.Principal.FindAll(ClaimTypes.Email).Should().BeEmpty();
                c.Principal.FindAll("http://schemas.xmlsoap.org/ws/2009/09/identity/claims/actor").Should().BeEmpty();
                c.Principal.FindAll("cidaas:custom:department").Should().BeEmpty();
                return Task.CompletedTask;
            },
        });
        var payload = $$"""
            {"SUB":"someone-else","Sub":"someone-else","{{ClaimTypes.NameIdentifier}}":"someone-else","{{ClaimTypes.Name}}":"someone-else",
            "{{ClaimTypes.Email}}":"mallory@example.com","http://schemas.xmlsoap.org/ws/2009/09/identity/claims/actor":"x",
            "cidaas:custom:department":"Board","iss":"{{Emulator.Authority}}","sub":"{{Subject}}","aud":"{{BearerTokens.ClientId}}",
            "iat":{{Now}},"exp":{{Now + 3600}}}
            """;

        var response = await Api.GetAsync("/api/me", Sign(Header, payload));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Payload_member_named_like_a_configured_role_claim_type_grants_no_role()
    {
        await StartApiWithTheTestKeyAsync(o => o.TokenValidationParameters.RoleClaimType = "role");

        var token = Sign(Header, Payload(""" "roles":["user"],"role":"admin" """));

        (await Api.GetAsync("/api/admin", token)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await Api.GetAsync("/api/me", token)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Payload_member_named_as_the_configured_name_claim_type_stays_the_name()
    {
        // A name claim type that names a payload member (here 'nickname') takes the name from exactly that member;
        // spellings in another letter case, which FindFirst would also match, are dropped.
        await StartApiWithTheTestKeyAsync(o =>
        {
            o.TokenValidationParameters.NameClaimType = "nickname";
            o.Events = new()
            {
                OnTokenValidated = c =>
                {
                    c.Principal!.Identity!.Name.Should().Be("ally");
                    return Task.CompletedTask;
                },
            };
        });

        var response = await Api.GetAsync("/api/me", Sign(Header, Payload(""" "NICKNAME":"mallory","nickname":"ally" """)));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public static TheoryData<string> DuplicateMembers => new()
    {
        """ "roles":["admin"],"jti":"x","roles":["user"] """,
        """ "roles":["user"],"jti":"x","r\u006fles":["admin"] """,
        """ "department":"a","department":"b" """,
        """ "scope":"orders:read","scope":"orders:write" """,
        """ "active":true,"active":false """,
        """ "aud":"elsewhere","aud":"demo-client" """,
    };

    [Theory]
    [MemberData(nameof(DuplicateMembers))]
    public async Task Token_that_repeats_a_payload_member_is_rejected(string members)
    {
        // RFC 7519 §4: a parser either rejects duplicate claim names or takes the last. IdentityModel validates the last,
        // so taking every occurrence (or the first) for the claims would judge another token than the one validated.
        await StartApiWithTheTestKeyAsync();

        var response = await Api.GetAsync("/api/admin", Sign(Header, Payload(members.Replace("demo-client", BearerTokens.ClientId, StringComparison.Ordinal))));

        ExpectInvalidToken(response).Should().Be("The token is malformed");
    }

    [Fact]
    public async Task Token_that_repeats_an_expiry_is_rejected_whichever_comes_first()
    {
        await StartApiWithTheTestKeyAsync();
        var expired = Now - 86400;
        var future = Now + 3600;

        var pastFirst = Sign(Header, $$"""{"iss":"{{Emulator.Authority}}","sub":"{{Subject}}","aud":"{{BearerTokens.ClientId}}","exp":{{expired}},"iat":{{Now}},"exp":{{future}}}""");
        var futureFirst = Sign(Header, $$"""{"iss":"{{Emulator.Authority}}","sub":"{{Subject}}","aud":"{{BearerTokens.ClientId}}","exp":{{future}},"iat":{{Now}},"exp":{{expired}}}""");

        ExpectInvalidToken(await Api.GetAsync("/api/me", pastFirst));
        ExpectInvalidToken(await Api.GetAsync("/api/me", futureFirst));
    }

    [Fact]
    public async Task Token_that_repeats_a_header_member_is_rejected()
    {
        await StartApiWithTheTestKeyAsync();

        var response = await Api.GetAsync("/api/me", Sign($$"""{"alg":"RS256","typ":"logout+jwt","kid":"{{KeyId}}","typ":"JWT"}""", Payload()));

        ExpectInvalidToken(response).Should().Be("The token is malformed");
    }

    // Built when the test runs, not when it is discovered: 'now' must be the moment of the request.
    private static readonly Dictionary<string, Func<long, string>> Times = new()
    {
        ["iat ten years ahead"] = now => $$""" "iat":{{now + (3650L * 86400)}},"exp":{{now + (3650L * 86400) + 3600}} """,
        ["iat ten minutes ahead"] = now => $$""" "iat":{{now + 600}},"exp":{{now + 3600}} """,
        ["exp at long.MaxValue"] = _ => """ "iat":0,"exp":9223372036854775807 """,
        ["exp in the year 10000"] = _ => """ "iat":0,"exp":253402300800 """,
        ["exp 1e300"] = _ => """ "iat":0,"exp":1e300 """,
        ["exp negative"] = _ => """ "iat":0,"exp":-1 """,
        ["exp a string"] = now => $$""" "iat":{{now}},"exp":"{{now + 3600}}" """,
        ["iat a string"] = now => $$""" "iat":"{{now}}","exp":{{now + 3600}} """,
        ["nbf a string"] = now => $$""" "iat":{{now}},"nbf":"{{now}}","exp":{{now + 3600}} """,
        ["nbf in the year 10000"] = now => $$""" "iat":{{now}},"exp":{{now + 3600}},"nbf":253402300800 """,
        ["exp null"] = now => $$""" "iat":{{now}},"exp":null """,
        ["exp true"] = now => $$""" "iat":{{now}},"exp":true """,
        ["exp an object"] = now => $$""" "iat":{{now}},"exp":{"$date":1} """,
        ["exp with a fraction"] = now => $$""" "iat":{{now}},"exp":{{now + 3600}}.5 """,
        ["exp with an exponent"] = now => $$""" "iat":{{now}},"exp":{{now + 3600}}e0 """,
        ["iat, nbf and exp"] = now => $$""" "iat":{{now}},"nbf":{{now}},"exp":{{now + 3600}} """,
        ["exp alone"] = now => $$""" "exp":{{now + 3600}} """,
    };

    public static TheoryData<string, bool> TimeCases => new()
    {
        { "iat ten years ahead", false },
        { "iat ten minutes ahead", false },
        { "exp at long.MaxValue", false },
        { "exp in the year 10000", false },
        { "exp 1e300", false },
        { "exp negative", false },
        { "exp a string", false },
        { "iat a string", false },
        { "nbf a string", false },
        { "nbf in the year 10000", false },
        { "exp null", false },
        { "exp true", false },
        { "exp an object", false },
        { "exp with a fraction", true },
        { "exp with an exponent", true },
        { "iat, nbf and exp", true },
        { "exp alone", true },
    };

    [Theory]
    [MemberData(nameof(TimeCases))]
    public async Task Times_must_be_NumericDates_in_range_and_iat_not_in_the_future_on_the_system_clock(string times, bool accepted)
    {
        await StartApiWithTheTestKeyAsync();

        await ExpectTimesJudgedAsync(Times[times](Now), accepted);
    }

    [Theory]
    [MemberData(nameof(TimeCases))]
    public async Task Times_must_be_NumericDates_in_range_and_iat_not_in_the_future_on_the_scheme_clock(string times, bool accepted)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartApiWithTheTestKeyAsync(o => o.TimeProvider = clock);

        await ExpectTimesJudgedAsync(Times[times](clock.GetUtcNow().ToUnixTimeSeconds()), accepted);
    }

    [Fact]
    public async Task Iat_within_the_clock_skew_is_accepted_and_beyond_it_rejected()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await StartApiWithTheTestKeyAsync(o => (o.TimeProvider, o.TokenValidationParameters.ClockSkew) = (clock, TimeSpan.FromMinutes(2)));
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        string TokenIssuedAt(long iat) => Sign(Header, $$"""{"iss":"{{Emulator.Authority}}","sub":"{{Subject}}","aud":"{{BearerTokens.ClientId}}","iat":{{iat}},"exp":{{now + 3600}}}""");

        (await Api.GetAsync("/api/me", TokenIssuedAt(now + 110))).StatusCode.Should().Be(HttpStatusCode.OK, "110 seconds ahead is within the skew");
        ExpectInvalidToken(await Api.GetAsync("/api/me", TokenIssuedAt(now + 130))).Should().Be("The token was issued in the future");
    }

    private async Task ExpectTimesJudgedAsync(string times, bool accepted)
    {
        var token = Sign(Header, $$"""{"iss":"{{Emulator.Authority}}","sub":"{{Subject}}","aud":"{{BearerTokens.ClientId}}",{{times}}}""");

        var response = await Api.GetAsync("/api/me", token);

        if (accepted)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
        else
        {
            ExpectInvalidToken(response);
        }
    }

    private Task StartApiWithTheTestKeyAsync(Action<CidaasBearerOptions>? configure = null)
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = Emulator.Authority };
        configuration.SigningKeys.Add(new RsaSecurityKey(_key) { KeyId = KeyId });
        return StartApiAsync(o =>
        {
            o.Configuration = configuration;
            configure?.Invoke(o);
        });
    }

    private string Payload(string members = "")
    {
        var extra = members.Trim();
        return $$"""{"iss":"{{Emulator.Authority}}","sub":"{{Subject}}","aud":"{{BearerTokens.ClientId}}","iat":{{Now}},"exp":{{Now + 3600}}{{(extra.Length > 0 ? "," + extra : "")}}}""";
    }

    private static string HeaderWith(string member) => $$"""{"alg":"RS256","kid":"{{KeyId}}",{{member.Trim()}}}""";

    private string Sign(string header, string payload) => Remember(BearerTokens.SignRaw(header, payload, _key));
}
