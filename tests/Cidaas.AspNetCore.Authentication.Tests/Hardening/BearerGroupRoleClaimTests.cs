namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>The group-role cases of <see cref="GroupRoleClaimTests"/> for an API that takes cidaas access tokens.</summary>
public sealed class BearerGroupRoleClaimTests(ITestOutputHelper output) : BearerTestBase(output)
{
    [Theory]
    [MemberData(nameof(GroupRoleCases.Policies), MemberType = typeof(GroupRoleCases))]
    public async Task Group_role_policy_is_met_only_by_the_role_in_that_very_group(string user, string groupId, string role, HttpStatusCode expected)
    {
        GroupRoleCases.AddUsers(Emulator.Options);
        await StartAppAsync(configureBuilder: GroupRoleCases.DefaultPolicyRequires(groupId, role));

        var response = await App.GetAsync("/api/me", await GetAccessTokenAsync(user));

        response.StatusCode.Should().Be(expected);
    }
}
