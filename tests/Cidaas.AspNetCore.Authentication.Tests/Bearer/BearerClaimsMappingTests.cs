using System.Security.Claims;
using System.Text;

namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>The claim mapping of access-token members, on payloads the emulator does not produce.</summary>
public sealed class BearerClaimsMappingTests
{
    private static List<string> Map(string json)
        => CidaasBearerClaims.CreateIdentity(Encoding.UTF8.GetBytes(json), "test", "sub", ClaimTypes.Role, "https://cidaas.test", allowAnonymous: true)
            .Claims.Select(c => c.Type + "|" + c.Value + "|" + c.ValueType).ToList();

    [Fact]
    public void Scope_string_and_scopes_array_become_one_claim_per_scope()
    {
        var claims = Map("""{"scope":"openid orders:read  profile","scopes":["orders:read","orders:write",7,""]}""");

        claims.Where(c => c.StartsWith("scope|", StringComparison.Ordinal)).Select(c => c.Split('|')[1])
            .Should().Equal("openid", "orders:read", "profile", "orders:write");
    }

    [Fact]
    public void Roles_and_groups_become_role_and_group_claims()
    {
        var claims = Map("""{"roles":["admin",{"x":1},"user"],"groups":[{"roles":["lead"],"groupId":"eng"},{"groupId":""},"junk",{"groupId":"ops"}]}""");

        claims.Should().Contain(ClaimTypes.Role + "|admin|" + ClaimValueTypes.String)
            .And.Contain(ClaimTypes.Role + "|user|" + ClaimValueTypes.String)
            .And.Contain(CidaasClaimTypes.Group + "|eng|" + ClaimValueTypes.String)
            .And.Contain(CidaasClaimTypes.GroupRole + "|eng:lead|" + ClaimValueTypes.String)
            .And.Contain(CidaasClaimTypes.Group + "|ops|" + ClaimValueTypes.String)
            .And.HaveCount(5);
    }

    [Fact]
    public void Other_members_keep_their_names_and_value_types()
    {
        var claims = Map("""{"sub":"u1","exp":1767225600,"ratio":0.5,"email_verified":true,"amr":["pwd","otp"],"customFields":{"a":[1,2]},"n":null,"\u0069ss":"https://cidaas.test"}""");

        claims.Should().Equal(
            ClaimTypes.NameIdentifier + "|u1|" + ClaimValueTypes.String,
            "sub|u1|" + ClaimValueTypes.String,
            "exp|1767225600|" + ClaimValueTypes.Integer64,
            "ratio|0.5|" + ClaimValueTypes.Double,
            "email_verified|true|" + ClaimValueTypes.Boolean,
            "amr|pwd|" + ClaimValueTypes.String,
            "amr|otp|" + ClaimValueTypes.String,
            """customFields|{"a":[1,2]}|JSON""",
            "iss|https://cidaas.test|" + ClaimValueTypes.String);
    }

    [Fact]
    public void Members_named_like_claim_types_with_a_meaning_are_dropped_and_the_others_kept()
    {
        var claims = Map("""
            {"ROLES":"admin","Sub":"u2","role":"admin","cidaas:custom:department":"Board","CIDAAS:GROUP":"ops",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name":"n","http://schemas.microsoft.com/ws/2008/06/identity/claims/role":"admin",
            "http://schemas.xmlsoap.org/ws/2009/09/identity/claims/actor":"a","department":"Sales","sub":"u1"}
            """);

        // 'role' means nothing here: the role claim type is ClaimTypes.Role.
        claims.Should().Equal(
            "role|admin|" + ClaimValueTypes.String,
            "department|Sales|" + ClaimValueTypes.String,
            ClaimTypes.NameIdentifier + "|u1|" + ClaimValueTypes.String,
            "sub|u1|" + ClaimValueTypes.String);
    }

    [Theory]
    [InlineData("""{"roles":["user"],"roles":["admin"]}""")]
    [InlineData("""{"roles":["user"],"r\u006fles":["admin"]}""")]
    [InlineData("""{"exp":1,"exp":2}""")]
    [InlineData("""{"department":"a","department":"b"}""")]
    [InlineData("""{"ROLE":"a","ROLE":"b"}""")]
    public void A_repeated_member_is_refused(string json)
    {
        var refusal = FluentActions.Invoking(() => Map(json)).Should().Throw<CidaasProtocolException>().Which;

        refusal.Message.Should().StartWith("CIDAAS5009");
    }

    [Fact]
    public void The_introspection_verdict_is_not_a_claim()
    {
        Map("""{"active":true,"sub":"u1"}""").Should().NotContain(c => c.StartsWith("active|", StringComparison.Ordinal));
    }

    [Fact]
    public void A_payload_that_is_not_an_object_gives_an_empty_identity()
    {
        Map("""["sub"]""").Should().BeEmpty();
    }
}
