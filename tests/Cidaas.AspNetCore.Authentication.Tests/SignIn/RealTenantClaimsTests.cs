using System.Security.Claims;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Claims;

namespace Cidaas.AspNetCore.Authentication.Tests.SignIn;

/// <summary>
/// Roles and groups with the default options on a cidaas that behaves as documented: userinfo answers <c>roles</c> only
/// for the <c>roles</c> scope and <c>groups</c> only for <c>groups</c>, while the id_token carries both.
/// </summary>
public sealed class RealTenantClaimsTests(ITestOutputHelper output) : SignInTestBase(output)
{
    [Fact]
    public async Task Roles_and_groups_arrive_with_the_default_scopes_from_the_validated_id_token()
    {
        await StartAppAsync();

        var claims = (await (await SignInAsync()).Content.ReadAsStringAsync()).Split('\n');

        App.GetOptions().Scope.Should().BeEquivalentTo("openid", "profile", "email");
        claims.Should().Contain(ClaimTypes.Role + "|admin")
            .And.Contain(CidaasClaimTypes.Group + "|engineering")
            .And.Contain(CidaasClaimTypes.GroupRole + "|engineering:lead");
        claims.Should().NotContain(c => c.StartsWith(CidaasClaimTypes.GroupType + "|", StringComparison.Ordinal), "cidaas's tokens name no group type");
        (await Browser.GetAsync(TestApp.Origin + "/admin")).StatusCode.Should().Be(HttpStatusCode.OK, "[Authorize(Roles = \"admin\")] works");
    }

    [Fact]
    public async Task Userinfo_roles_and_groups_are_used_with_their_scopes_and_bring_the_group_type()
    {
        await StartAppAsync(o =>
        {
            o.Scope.Add("roles");
            o.Scope.Add("groups");
        });

        var claims = (await (await SignInAsync()).Content.ReadAsStringAsync()).Split('\n');

        claims.Should().Contain(ClaimTypes.Role + "|admin")
            .And.Contain(CidaasClaimTypes.GroupType + "|engineering:department")
            .And.Contain(CidaasClaimTypes.GroupRole + "|engineering:member");
        claims.Count(c => c == ClaimTypes.Role + "|admin").Should().Be(1, "userinfo wins; the id_token's roles are not added twice");
    }

    [Fact]
    public async Task Without_the_id_token_fallback_the_default_scopes_give_no_roles_as_on_a_real_tenant()
    {
        await StartAppAsync(o => o.MapRolesAndGroupsFromIdToken = false);

        var claims = (await (await SignInAsync()).Content.ReadAsStringAsync()).Split('\n');

        claims.Should().NotContain(c => c.StartsWith(ClaimTypes.Role + "|", StringComparison.Ordinal) || c.StartsWith(CidaasClaimTypes.Group, StringComparison.Ordinal));
        var admin = await Browser.GetAsync(TestApp.Origin + "/admin");
        admin.StatusCode.Should().Be(HttpStatusCode.Redirect);
        admin.Headers.Location!.AbsolutePath.Should().Be("/forbidden", "the user is signed in, without the role");
    }

    [Fact]
    public async Task Roles_of_an_id_token_that_fails_validation_are_never_used()
    {
        await StartAppAsync();

        var response = await CallbackAfterAsync(next => next.IdToken(CidaasIdTokenDefect.BadSignature));

        await ExpectFailureAsync(response, "CIDAAS");
        (await Browser.GetAsync(TestApp.Origin + "/admin")).StatusCode.Should().Be(HttpStatusCode.Redirect, "no session, so no role");
    }

    [Fact]
    public void Custom_fields_keep_objects_and_arrays_as_json_claims()
    {
        using var user = JsonDocument.Parse("""
            {"customFields":{"salutation":"Mr","pincode":"","checkOption":[],"checkMulti":["a","b"],"address":{"city":"Köln"},"age":42,"vip":true,"none":null}}
            """);
        var identity = new ClaimsIdentity();

        new CidaasCustomFieldsClaimAction().Run(user.RootElement, identity, "https://cidaas.test");

        identity.Claims.Select(c => c.Type + "|" + c.Value + "|" + c.ValueType).Should().Equal(
            CidaasClaimTypes.CustomFieldPrefix + "salutation|Mr|" + ClaimValueTypes.String,
            CidaasClaimTypes.CustomFieldPrefix + "checkOption|[]|JSON",
            CidaasClaimTypes.CustomFieldPrefix + "checkMulti|[\"a\",\"b\"]|JSON",
            CidaasClaimTypes.CustomFieldPrefix + "address|{\"city\":\"Köln\"}|JSON",
            CidaasClaimTypes.CustomFieldPrefix + "age|42|" + ClaimValueTypes.String,
            CidaasClaimTypes.CustomFieldPrefix + "vip|true|" + ClaimValueTypes.String);
    }

    [Fact]
    public void Groups_keep_their_group_type_as_a_claim()
    {
        using var user = JsonDocument.Parse("""{"groups":[{"groupId":"eng:ops","groupType":"department","roles":["lead"]},{"groupId":"sales","roles":[]}]}""");
        var identity = new ClaimsIdentity();

        new CidaasGroupsClaimAction().Run(user.RootElement, identity, "https://cidaas.test");

        identity.FindAll(CidaasClaimTypes.GroupType).Select(c => c.Value).Should().Equal("eng%3Aops:department");
        identity.FindAll(CidaasClaimTypes.Group).Select(c => c.Value).Should().Equal("eng:ops", "sales");
    }
}
