using System.Text.Json.Nodes;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>
/// The user's profile claims that a set of scopes releases (shared by id_token and userinfo), and the shapes of roles and
/// groups: in tokens <c>{groupId, roles}</c> as cidaas's real tokens; in userinfo and introspection with <c>groupType</c>.
/// </summary>
internal static class UserClaims
{
    public static void AddProfileClaims(IDictionary<string, object> claims, CidaasEmulatorUser user, AuthorizationGrant grant)
    {
        if (grant.HasScope("profile"))
        {
            AddIfPresent(claims, "name", user.Name);
            AddIfPresent(claims, "given_name", user.GivenName);
            AddIfPresent(claims, "family_name", user.FamilyName);
            AddIfPresent(claims, "preferred_username", user.Username);
        }

        if (grant.HasScope("email") && !string.IsNullOrEmpty(user.Email))
        {
            claims["email"] = user.Email;
            claims["email_verified"] = user.EmailVerified;
        }

        if (grant.HasScope("phone"))
        {
            AddIfPresent(claims, "mobile_number", user.MobileNumber);
        }
    }

    public static List<object> Roles(CidaasEmulatorUser user) => [.. user.Roles];

    public static List<object> Groups(CidaasEmulatorUser user) =>
    [
        .. user.Groups.Select(group => (object)new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["groupId"] = group.GroupId,
            ["roles"] = new List<object>(group.Roles),
        }),
    ];

    /// <summary>The userinfo and introspection shape of the groups: <c>groupId</c>, <c>groupType</c> when known, <c>roles</c>.</summary>
    public static JsonArray GroupsWithType(CidaasEmulatorUser user) =>
    [
        .. user.Groups.Select(group =>
        {
            var json = new JsonObject { ["groupId"] = group.GroupId };
            if (!string.IsNullOrEmpty(group.GroupType))
            {
                json["groupType"] = group.GroupType;
            }

            json["roles"] = new JsonArray([.. group.Roles.Select(role => (JsonNode?)role)]);
            return (JsonNode?)json;
        }),
    ];

    private static void AddIfPresent(IDictionary<string, object> claims, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            claims[name] = value;
        }
    }
}
