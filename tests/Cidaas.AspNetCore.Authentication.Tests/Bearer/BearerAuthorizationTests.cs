using System.Net;
using Cidaas.AspNetCore.Authentication.Bearer;
using Xunit.Abstractions;

namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>Scope, role and group policies; RFC 6750 §3.1 answers for 403.</summary>
public sealed class BearerAuthorizationTests(ITestOutputHelper output) : BearerTestBase(output)
{
    [Fact]
    public async Task Granted_scope_passes_a_policy_named_in_an_Authorize_attribute()
    {
        await StartApiAsync();

        var response = await Api.GetAsync("/api/orders", await GetAccessTokenAsync(scope: "openid orders:read"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("orders");
    }

    [Fact]
    public async Task Missing_scope_is_forbidden_with_insufficient_scope_naming_the_scope()
    {
        await StartApiAsync();
        var token = await GetAccessTokenAsync(scope: "openid orders:read");

        var response = await Api.GetAsync("/api/orders/write", token);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var challenge = response.Headers.WwwAuthenticate.Should().ContainSingle().Subject;
        challenge.Scheme.Should().Be("Bearer");
        challenge.Parameter.Should().Contain("error=\"insufficient_scope\"").And.Contain("scope=\"orders:write\"");
        Parameter(challenge.Parameter!, "error_description").Should().Contain("orders:write");
    }

    [Fact]
    public async Task Scope_policy_works_on_an_introspection_answer_that_sends_scope_and_scopes()
    {
        // The introspection answer carries 'scope' (space-separated, RFC 7662) and cidaas's 'scopes' array.
        await StartApiAsync(o =>
        {
            o.TokenValidationMode = CidaasTokenValidationMode.Introspection;
            o.ClientId = BearerTokens.ClientId;
            o.ClientSecret = BearerTokens.ClientSecret;
            o.Events = new()
            {
                OnTokenValidated = c =>
                {
                    c.Principal!.FindAll(CidaasBearerClaimTypes.Scope).Select(s => s.Value).Should().BeEquivalentTo("openid", "orders:read");
                    return Task.CompletedTask;
                },
            };
        });
        var token = await GetAccessTokenAsync(scope: "openid orders:read");

        (await Api.GetAsync("/api/orders", token)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Api.GetAsync("/api/orders/write", token)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Role_policy_admits_an_admin_and_forbids_a_plain_user()
    {
        await StartApiAsync();

        var admin = await Api.GetAsync("/api/admin", await GetAccessTokenAsync("alice"));
        var user = await Api.GetAsync("/api/admin", await GetAccessTokenAsync("bob"));

        admin.StatusCode.Should().Be(HttpStatusCode.OK);
        user.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var challenge = user.Headers.WwwAuthenticate.Should().ContainSingle().Subject;
        challenge.Parameter.Should().Contain("error=\"insufficient_scope\"").And.NotContain("scope=");
    }

    [Fact]
    public async Task Group_policy_admits_a_member_and_forbids_a_member_of_another_group()
    {
        await StartApiAsync();

        var member = await Api.GetAsync("/api/engineering", await GetAccessTokenAsync("alice"));
        var outsider = await Api.GetAsync("/api/engineering", await GetAccessTokenAsync("bob"));

        member.StatusCode.Should().Be(HttpStatusCode.OK);
        outsider.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Group_role_policy_needs_the_role_within_that_group()
    {
        EmulatorOptions.Users.Add(new Testing.CidaasEmulatorUser
        {
            Username = "carol",
            Password = "carol-password",
            Roles = { "lead" },
            Groups = { new Testing.CidaasEmulatorGroup("engineering", "member"), new Testing.CidaasEmulatorGroup("sales", "lead") },
        });
        await StartApiAsync();

        var lead = await Api.GetAsync("/api/engineering/leads", await GetAccessTokenAsync("alice"));
        var leadElsewhere = await Api.GetAsync("/api/engineering/leads", await GetAccessTokenAsync("carol"));

        lead.StatusCode.Should().Be(HttpStatusCode.OK);
        leadElsewhere.StatusCode.Should().Be(HttpStatusCode.Forbidden, "carol leads sales and only is a member of engineering");
    }

    [Fact]
    public async Task Anonymous_request_to_a_policy_endpoint_is_challenged_not_forbidden()
    {
        await StartApiAsync();

        var response = await Api.GetAsync("/api/orders/write", accessToken: null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.ToString().Should().Be("Bearer", "RFC 6750 §3.1: no error code without a token");
    }

    [Fact]
    public void Policy_builders_refuse_empty_names()
    {
        FluentActions.Invoking(() => CidaasPolicies.Scope()).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CidaasPolicies.Scope("two words")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CidaasPolicies.Role(" ")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CidaasPolicies.Group("")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CidaasPolicies.Group("engineering", " ")).Should().Throw<ArgumentException>();
    }
}
