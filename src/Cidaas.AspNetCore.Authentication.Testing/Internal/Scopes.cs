namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>The <c>scope</c> parameter: parsed once, checked against what a client may ask for.</summary>
internal static class Scopes
{
    public static string[] Parse(string? scope) =>
        (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The first scope the client may not ask for, or <see langword="null"/>.</summary>
    public static string? FindForbidden(CidaasEmulatorClient client, IEnumerable<string> scopes)
    {
        var allowed = client.AllowedScopes;
        return scopes.FirstOrDefault(scope => allowed.Count > 0 && !allowed.Contains(scope, StringComparer.Ordinal));
    }
}
