namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// A cidaas group membership of an emulated user: the group id and the roles the user holds in it.
/// </summary>
public sealed class CidaasEmulatorGroup
{
    /// <summary>Creates an empty group membership (for object initializers and configuration binding).</summary>
    public CidaasEmulatorGroup()
    {
    }

    /// <summary>Creates a group membership with the given id and roles.</summary>
    /// <param name="groupId">The cidaas group id, e.g. <c>engineering</c>.</param>
    /// <param name="roles">The roles the user holds in the group.</param>
    public CidaasEmulatorGroup(string groupId, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        GroupId = groupId;
        Roles = new List<string>(roles);
    }

    /// <summary>The cidaas group id (<c>groupId</c> in tokens and userinfo).</summary>
    public string GroupId { get; set; } = "";

    /// <summary>The roles the user holds in this group.</summary>
    public IList<string> Roles { get; init; } = new List<string>();

    /// <summary>
    /// The cidaas group type, or <see langword="null"/>. cidaas's introspection and (with the <c>groups</c> scope)
    /// userinfo answers name it (<c>groups[].groupType</c>); its tokens carry only <c>groupId</c> and <c>roles</c>.
    /// </summary>
    public string? GroupType { get; set; }
}
