namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// The values of cidaas's <c>view_type</c> authorization parameter, which picks the page cidaas shows first: every cidaas
/// SDK sends it (see <c>docs/cidaas-compatibility.md</c>).
/// </summary>
public static class CidaasViewType
{
    /// <summary>The login page (cidaas's default).</summary>
    public const string Login = "login";

    /// <summary>The registration page: a new user signs up, then comes back signed in.</summary>
    public const string Register = "register";
}
