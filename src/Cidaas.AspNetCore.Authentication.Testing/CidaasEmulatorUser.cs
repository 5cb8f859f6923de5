namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// A user who can sign in to the emulator, with the cidaas profile, roles, groups and custom fields
/// that the emulator puts into tokens and userinfo answers.
/// </summary>
public sealed class CidaasEmulatorUser
{
    /// <summary>The subject identifier (<c>sub</c>); a new GUID unless set.</summary>
    public string Sub { get; set; } = Guid.NewGuid().ToString();

    /// <summary>
    /// The id of the identity the user signed in with (cidaas <c>identity_id</c> in the token answer, <c>isub</c> in the
    /// tokens, <c>identityId</c> in <c>identities</c>); a new GUID unless set.
    /// </summary>
    public string IdentityId { get; set; } = Guid.NewGuid().ToString();

    /// <summary>The login name.</summary>
    public string Username { get; set; } = "";

    /// <summary>
    /// The password. The emulator compares against a salted PBKDF2 hash of it and never logs or echoes it.
    /// </summary>
    public string Password { get; set; } = "";

    /// <summary>The e-mail address (<c>email</c>).</summary>
    public string? Email { get; set; }

    /// <summary>Whether the e-mail address is verified (<c>email_verified</c>).</summary>
    public bool EmailVerified { get; set; }

    /// <summary>The given name (<c>given_name</c>).</summary>
    public string? GivenName { get; set; }

    /// <summary>The family name (<c>family_name</c>).</summary>
    public string? FamilyName { get; set; }

    /// <summary>The full name (<c>name</c>).</summary>
    public string? Name { get; set; }

    /// <summary>The mobile number (cidaas <c>mobile_number</c>).</summary>
    public string? MobileNumber { get; set; }

    /// <summary>The user's roles (cidaas <c>roles</c>).</summary>
    public IList<string> Roles { get; init; } = new List<string>();

    /// <summary>The user's group memberships (cidaas <c>groups</c>).</summary>
    public IList<CidaasEmulatorGroup> Groups { get; init; } = new List<CidaasEmulatorGroup>();

    /// <summary>The postal address (<c>address</c> in userinfo for the <c>address</c> scope), e.g. <c>street_address</c>, <c>postal_code</c>, <c>country</c>.</summary>
    public IDictionary<string, string> Address { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The user's cidaas custom fields (<c>customFields</c> in userinfo).</summary>
    public IDictionary<string, string> CustomFields { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
