using CsCheck;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>The <see cref="CidaasClaimTypes.GroupRole"/> value: one value per (group id, role) pair, read back exactly.</summary>
public sealed class GroupRoleValueTests
{
    private static readonly Gen<string> Names = Gen.String[Gen.Char["ab:%3A25 é"], 0, 8];

    [Fact]
    public void Every_group_id_and_role_is_read_back_from_its_value()
    {
        Gen.Select(Names, Names).Sample((groupId, role) =>
        {
            var value = CidaasClaimTypes.GroupRoleValue(groupId, role);

            CidaasClaimTypes.TryParseGroupRoleValue(value, out var parsedGroupId, out var parsedRole).Should().BeTrue();
            parsedGroupId.Should().Be(groupId);
            parsedRole.Should().Be(role);
        });
    }

    [Fact]
    public void Every_value_that_can_be_read_is_the_value_of_what_it_reads_as()
    {
        Names.Sample(value =>
        {
            if (CidaasClaimTypes.TryParseGroupRoleValue(value, out var groupId, out var role))
            {
                CidaasClaimTypes.GroupRoleValue(groupId, role).Should().Be(value);
            }
        });
    }

    [Theory]
    [InlineData("engineering", "lead", "engineering:lead")]
    [InlineData("eng:ops", "lead", "eng%3Aops:lead")]
    [InlineData("eng", "ops:lead", "eng:ops:lead")]
    [InlineData("100%", "a", "100%25:a")]
    public void Value_keeps_plain_group_ids_as_they_were_and_encodes_colon_and_percent(string groupId, string role, string expected)
    {
        CidaasClaimTypes.GroupRoleValue(groupId, role).Should().Be(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("no-separator")]
    [InlineData("eng%3aops:lead")]
    [InlineData("eng%41:lead")]
    [InlineData("eng%:lead")]
    public void Value_not_written_by_GroupRoleValue_is_not_read(string? value)
    {
        CidaasClaimTypes.TryParseGroupRoleValue(value, out _, out _).Should().BeFalse();
    }
}
