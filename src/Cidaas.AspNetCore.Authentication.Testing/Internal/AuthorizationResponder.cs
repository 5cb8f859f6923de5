using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>
/// Ends an authorization request: issues the code (or an error) and sends the browser back to the
/// verified redirect URI with <c>state</c> and <c>iss</c> (RFC 6749 §4.1.2, RFC 9207).
/// </summary>
internal static class AuthorizationResponder
{
    public static Task IssueCodeAsync(HttpContext context, CidaasEmulator emulator, AuthorizationRequest request, CidaasEmulatorUser user, string sessionId, DateTimeOffset authTime)
    {
        var now = emulator.Options.TimeProvider.GetUtcNow();
        var code = new AuthorizationCode
        {
            Code = RandomTokens.Create(),
            Grant = new AuthorizationGrant(request.Client, user, request.Scopes, sessionId, authTime, SelectAcr(emulator, request)),
            RedirectUri = request.RedirectUri,
            Nonce = request.Nonce,
            CodeChallenge = request.CodeChallenge,
            CodeChallengeMethod = request.CodeChallengeMethod,
            ExpiresAt = now + emulator.Options.AuthorizationCodeLifetime,
        };
        emulator.Tokens.AddCode(code, now);
        return SendAsync(context, emulator, request, [new("code", code.Code)]);
    }

    /// <summary>The first requested <c>acr_values</c> entry the emulator supports (<see cref="CidaasEmulatorOptions.SupportedAcrValues"/>).</summary>
    private static string? SelectAcr(CidaasEmulator emulator, AuthorizationRequest request) =>
        request.AcrValues.FirstOrDefault(acr => emulator.Options.SupportedAcrValues.Contains(acr, StringComparer.Ordinal));

    public static Task SendErrorAsync(HttpContext context, CidaasEmulator emulator, AuthorizationRequest request, string error, string description) =>
        SendAsync(context, emulator, request, [new("error", error), new("error_description", description)]);

    private static Task SendAsync(HttpContext context, CidaasEmulator emulator, AuthorizationRequest request, List<KeyValuePair<string, string?>> parameters)
    {
        parameters.Add(new("state", request.State));
        var iss = emulator.Next.TryTakeAuthorizationResponseIssuer(out var arranged) ? arranged
            : emulator.Options.SendIssInAuthorizationResponse ? emulator.Authority
            : null;
        parameters.Add(new("iss", iss));

        Responses.Redirect(context, RedirectUris.AppendQuery(request.RedirectUri, parameters));
        return Task.CompletedTask;
    }
}
