using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>
/// Group ids and group roles that contain <c>:</c>. Written as <c>{groupId}:{role}</c>, the role <c>ops:lead</c> in the
/// group <c>eng</c> and the role <c>lead</c> in the group <c>eng:ops</c> became the same claim, and either user passed
/// the other's <c>RequireCidaasGroup</c> policy. The group id is now encoded (<see cref="CidaasClaimTypes.GroupRoleValue"/>).
/// </summary>
public sealed class GroupRoleClaimTests(ITestOutputHelper output) : SignInTestBase(output)
{
    [Theory]
    [MemberData(nameof(GroupRoleCases.Policies), MemberType = typeof(GroupRoleCases))]
    public async Task Group_role_policy_is_met_only_by_the_role_in_that_very_group(string user, string groupId, string role, HttpStatusCode expected)
    {
        GroupRoleCases.AddUsers(EmulatorOptions);
        EmulatorOptions.AutoSignInUsername = user;
        await StartAppAsync(configureBuilder: GroupRoleCases.DefaultPolicyRequires(groupId, role));

        var page = await SignInAsync();

        page.StatusCode.Should().Be(expected);
        HasSignInCookie().Should().BeTrue();
    }

    [Fact]
    public async Task Signed_in_users_group_role_claim_encodes_a_colon_in_the_group_id_and_keeps_the_role()
    {
        GroupRoleCases.AddUsers(EmulatorOptions);
        EmulatorOptions.AutoSignInUsername = GroupRoleCases.MemberOfEngOps;
        await StartAppAsync();

        var claims = (await (await SignInAsync()).Content.ReadAsStringAsync()).Split('\n');

        claims.Should().Contain(CidaasClaimTypes.Group + "|eng:ops")
            .And.Contain(CidaasClaimTypes.GroupRole + "|eng%3Aops:lead")
            .And.Contain(CidaasClaimTypes.Group + "|100%")
            .And.Contain(CidaasClaimTypes.GroupRole + "|100%25:a:b");
    }
}

/// <summary>The users and policies of the group-role tests, shared by the sign-in and the bearer path.</summary>
internal static class GroupRoleCases
{
    /// <summary>Holds the role <c>ops:lead</c> in the group <c>eng</c>.</summary>
    public const string OpsLeadInEng = "carol";

    /// <summary>Holds the role <c>lead</c> in the group <c>eng:ops</c> (and <c>a:b</c> in the group <c>100%</c>).</summary>
    public const string MemberOfEngOps = "dave";

    public static TheoryData<string, string, string, HttpStatusCode> Policies => new()
    {
        { OpsLeadInEng, "eng:ops", "lead", HttpStatusCode.Forbidden },
        { MemberOfEngOps, "eng", "ops:lead", HttpStatusCode.Forbidden },
        { OpsLeadInEng, "eng", "ops:lead", HttpStatusCode.OK },
        { MemberOfEngOps, "eng:ops", "lead", HttpStatusCode.OK },
        { MemberOfEngOps, "100%", "a:b", HttpStatusCode.OK },
        { MemberOfEngOps, "100%25", "a:b", HttpStatusCode.Forbidden },
    };

    /// <summary>Makes <c>RequireCidaasGroup(groupId, role)</c> the app's default policy (that of <c>RequireAuthorization()</c>).</summary>
    public static Action<WebApplicationBuilder> DefaultPolicyRequires(string groupId, string role)
        => builder => builder.Services.Configure<AuthorizationOptions>(o =>
            o.DefaultPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireCidaasGroup(groupId, role).Build());

    public static void AddUsers(CidaasEmulatorOptions options)
    {
        options.Users.Add(new CidaasEmulatorUser
        {
            Username = OpsLeadInEng,
            Password = "carol-password",
            Name = "Carol",
            Groups = { new CidaasEmulatorGroup("eng", "ops:lead") },
        });
        options.Users.Add(new CidaasEmulatorUser
        {
            Username = MemberOfEngOps,
            Password = "dave-password",
            Name = "Dave",
            Groups = { new CidaasEmulatorGroup("eng:ops", "lead"), new CidaasEmulatorGroup("100%", "a:b") },
        });
    }
}
