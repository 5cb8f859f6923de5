using System.Globalization;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The values a sign-in or sign-out keeps in its protected <c>state</c> (<see cref="CidaasStateKeys"/>): what the state
/// is for, until when it is good, and the sign-in's own values, which never reach the sign-in cookie.
/// </summary>
internal static class CidaasFlowState
{
    /// <summary>Marks the state as one of <paramref name="purpose"/> that expires at <paramref name="expiresAt"/>.</summary>
    public static void Start(AuthenticationProperties properties, string purpose, DateTimeOffset expiresAt)
    {
        properties.Items[CidaasStateKeys.Purpose] = purpose;
        properties.Items[CidaasStateKeys.ExpiresAt] = expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }

    public static bool HasPurpose(AuthenticationProperties properties, string purpose)
        => properties.Items.TryGetValue(CidaasStateKeys.Purpose, out var value) && value == purpose;

    /// <summary>Whether the state has expired; a state without a readable expiry counts as expired.</summary>
    public static bool IsExpired(AuthenticationProperties properties, DateTimeOffset now)
        => !properties.Items.TryGetValue(CidaasStateKeys.ExpiresAt, out var value)
            || !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            || now > DateTimeOffset.FromUnixTimeSeconds(seconds);

    /// <summary>
    /// Reads the sign-in's values and removes every protocol item: the properties become part of the sign-in cookie,
    /// and the secrets of the finished flow do not belong there.
    /// </summary>
    public static void TakeSignInValues(AuthenticationProperties properties, out string? redirectUri, out string? codeVerifier, out string? nonce)
    {
        properties.Items.TryGetValue(CidaasStateKeys.RedirectUri, out redirectUri);
        properties.Items.TryGetValue(CidaasStateKeys.CodeVerifier, out codeVerifier);
        properties.Items.TryGetValue(CidaasStateKeys.Nonce, out nonce);
        properties.Items.Remove(CidaasStateKeys.CodeVerifier);
        properties.Items.Remove(CidaasStateKeys.Nonce);
        properties.Items.Remove(CidaasStateKeys.RedirectUri);
        properties.Items.Remove(CidaasStateKeys.ExpiresAt);
        properties.Items.Remove(CidaasStateKeys.Purpose);
    }

    /// <summary>Reads and removes what the challenge asked of the authentication: the <c>max_age</c> sent and the <c>acr</c> values required.</summary>
    public static CidaasAuthenticationRequirements TakeAuthenticationRequirements(AuthenticationProperties properties)
    {
        properties.Items.TryGetValue(CidaasStateKeys.MaxAge, out var maxAge);
        properties.Items.TryGetValue(CidaasStateKeys.RequiredAcr, out var acr);
        properties.Items.Remove(CidaasStateKeys.MaxAge);
        properties.Items.Remove(CidaasStateKeys.RequiredAcr);
        return new CidaasAuthenticationRequirements(maxAge, acr);
    }
}
