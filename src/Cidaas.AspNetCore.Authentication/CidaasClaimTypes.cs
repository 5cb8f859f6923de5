namespace Cidaas.AspNetCore.Authentication;

/// <summary>
/// Claim types the handler issues for cidaas-specific user information that has no standard .NET claim type.
/// Roles use <see cref="System.Security.Claims.ClaimTypes.Role"/> so that <c>[Authorize(Roles = ...)]</c> works.
/// </summary>
public static class CidaasClaimTypes
{
    /// <summary>One claim per cidaas group the user belongs to; the value is the <c>groupId</c>.</summary>
    public const string Group = "cidaas:group";

    /// <summary>One claim per role the user holds inside a group; the value is <c>{groupId}:{role}</c>.</summary>
    public const string GroupRole = "cidaas:group_role";

    /// <summary>The prefix of the claims made from cidaas <c>customFields</c>: <c>cidaas:custom:{name}</c>.</summary>
    public const string CustomFieldPrefix = "cidaas:custom:";

    /// <summary>Whether the user's e-mail address was verified (<c>email_verified</c>).</summary>
    public const string EmailVerified = "email_verified";

    /// <summary>The subject identifier (<c>sub</c>), kept as issued in addition to the name identifier.</summary>
    public const string Subject = "sub";
}
