namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>What one sign-in authorized: who, for which client, with which scopes, in which session.</summary>
internal sealed record AuthorizationGrant(
    CidaasEmulatorClient Client,
    CidaasEmulatorUser User,
    IReadOnlyList<string> Scopes,
    string SessionId,
    DateTimeOffset AuthTime,
    string? Acr = null)
{
    /// <summary>The user of client-only grants (<c>client_credentials</c>): cidaas names no user in their tokens, <c>sub</c> is <c>ANONYMOUS</c>.</summary>
    public static readonly CidaasEmulatorUser ClientOnlyUser = new() { Sub = "ANONYMOUS" };

    public bool HasScope(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);

    /// <summary>Whether the grant is the client's own (<c>client_credentials</c>), without a user.</summary>
    public bool IsClientOnly => ReferenceEquals(User, ClientOnlyUser);
}
