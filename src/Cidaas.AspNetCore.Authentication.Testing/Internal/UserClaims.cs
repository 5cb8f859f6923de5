namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>The user's profile claims that a set of scopes releases, shared by id_token and userinfo.</summary>
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

    private static void AddIfPresent(IDictionary<string, object> claims, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            claims[name] = value;
        }
    }
}
