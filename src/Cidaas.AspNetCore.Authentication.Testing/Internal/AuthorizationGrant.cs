namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>What one sign-in authorized: who, for which client, with which scopes, in which session.</summary>
internal sealed record AuthorizationGrant(
    CidaasEmulatorClient Client,
    CidaasEmulatorUser User,
    IReadOnlyList<string> Scopes,
    string SessionId,
    DateTimeOffset AuthTime)
{
    public bool HasScope(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);
}
