using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// Requires every one of <see cref="Scopes"/> as a <see cref="CidaasBearerClaimTypes.Scope"/> claim. When it fails, the
/// missing scopes are remembered for the request, so that the bearer handler's 403 names them
/// (<c>WWW-Authenticate: Bearer error="insufficient_scope", scope="…"</c>, RFC 6750 §3.1). It is its own handler, like
/// ASP.NET Core's <c>ClaimsAuthorizationRequirement</c>: nothing needs to be registered.
/// </summary>
public sealed class CidaasScopeRequirement : AuthorizationHandler<CidaasScopeRequirement>, IAuthorizationRequirement
{
    private static readonly object MissingScopesKey = new();

    /// <summary>Creates the requirement.</summary>
    /// <param name="scopes">The scopes that must all have been granted; at least one, none empty or with a space.</param>
    public CidaasScopeRequirement(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var list = scopes.Distinct(StringComparer.Ordinal).ToArray();
        if (list.Length == 0 || list.Any(s => string.IsNullOrWhiteSpace(s) || s.Contains(' ', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Name at least one scope; each must be non-empty and without spaces.", nameof(scopes));
        }

        Scopes = list;
    }

    /// <summary>The scopes that must all have been granted.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>The scopes a failed scope requirement found missing in this request (space-separated), or <see langword="null"/>.</summary>
    /// <param name="context">The request.</param>
    /// <returns>The missing scopes, or <see langword="null"/> when no scope requirement failed.</returns>
    public static string? GetMissingScopes(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(MissingScopesKey, out var value) ? value as string : null;
    }

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CidaasScopeRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);

        List<string>? missing = null;
        foreach (var scope in requirement.Scopes)
        {
            if (!context.User.HasClaim(CidaasBearerClaimTypes.Scope, scope))
            {
                (missing ??= []).Add(scope);
            }
        }

        if (missing is null)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        var text = string.Join(' ', missing);
        if (context.Resource is HttpContext http)
        {
            var earlier = GetMissingScopes(http);
            http.Items[MissingScopesKey] = earlier is null ? text : earlier + " " + text;
        }

        context.Fail(new AuthorizationFailureReason(this, "The access token lacks the scope " + text + "."));
        return Task.CompletedTask;
    }
}
