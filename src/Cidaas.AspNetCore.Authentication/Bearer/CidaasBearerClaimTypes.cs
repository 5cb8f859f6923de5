namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// Claim types the bearer handler issues for access-token members that have no standard .NET claim type. Roles and
/// groups use <see cref="System.Security.Claims.ClaimTypes.Role"/>, <see cref="CidaasClaimTypes.Group"/> and
/// <see cref="CidaasClaimTypes.GroupRole"/>, as for signed-in users.
/// </summary>
public static class CidaasBearerClaimTypes
{
    /// <summary>
    /// One claim per granted scope, from cidaas <c>scopes</c> (an array) and from <c>scope</c> (space-separated);
    /// each scope appears once.
    /// </summary>
    public const string Scope = "scope";

    /// <summary>The client the access token was issued to (<c>client_id</c>).</summary>
    public const string ClientId = "client_id";
}
