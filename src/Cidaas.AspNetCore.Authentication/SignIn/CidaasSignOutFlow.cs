using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The sign-out (OpenID Connect RP-Initiated Logout 1.0): <see cref="SignOutAsync"/> signs the user out of the local
/// scheme and redirects to the end-session endpoint with a token hint, <c>post_logout_redirect_uri</c> and a protected
/// <c>state</c>; <see cref="HandleSignedOutCallbackAsync"/> sends the user back to the sign-out's local return URL when
/// that state comes back valid.
/// </summary>
internal static class CidaasSignOutFlow
{
    /// <param name="context">The request.</param>
    /// <param name="scheme">The cidaas scheme.</param>
    /// <param name="options">Its options.</param>
    /// <param name="events">Its events (<c>OnRedirectToIdentityProviderForSignOut</c>).</param>
    /// <param name="properties">The sign-out's properties; their redirect URI is made local.</param>
    /// <param name="postLogoutRedirectUri">The absolute signed-out callback URL.</param>
    /// <param name="now">The time of the sign-out.</param>
    /// <param name="pathBase">The request's original path base.</param>
    /// <param name="logger">The handler's logger.</param>
    public static async Task SignOutAsync(
        HttpContext context,
        AuthenticationScheme scheme,
        CidaasOptions options,
        CidaasEvents events,
        AuthenticationProperties properties,
        string postLogoutRedirectUri,
        DateTimeOffset now,
        PathString pathBase,
        ILogger logger)
    {
        var localScheme = await ResolveLocalSchemeAsync(context, options, scheme.Name);
        var session = localScheme is null ? null : (await context.AuthenticateAsync(localScheme)).Properties;
        properties.RedirectUri = CidaasReturnUrl.ToLocal(properties.RedirectUri, options.SignedOutRedirectUri, pathBase, logger);
        var url = BuildEndSessionUrl(options, properties, session, postLogoutRedirectUri, now);
        await Tokens.CidaasRefreshTokenRevoker.RevokeAsync(options, session, logger);
        if (localScheme is not null)
        {
            await context.SignOutAsync(localScheme);
        }

        logger.RedirectingToEndSessionEndpoint(options.EndSessionEndpoint);
        await events.RedirectToIdentityProviderForSignOut(new CidaasRedirectContext(context, scheme, options, properties, url));
    }

    /// <summary>Redirects to the sign-out's local return URL, else to <c>SignedOutRedirectUri</c>, unless an event handles the response.</summary>
    /// <param name="context">The request to the signed-out callback path.</param>
    /// <param name="scheme">The cidaas scheme.</param>
    /// <param name="options">Its options.</param>
    /// <param name="events">Its events (<c>OnSignedOutCallbackRedirect</c>).</param>
    /// <param name="now">The time of the callback.</param>
    /// <param name="pathBase">The request's original path base.</param>
    /// <param name="logger">The handler's logger.</param>
    public static async Task HandleSignedOutCallbackAsync(
        HttpContext context, AuthenticationScheme scheme, CidaasOptions options, CidaasEvents events, DateTimeOffset now, PathString pathBase, ILogger logger)
    {
        var properties = ReadSignedOutState(context.Request.Query, options.StateDataFormat, now);
        var fallback = CidaasReturnUrl.ToLocation(options.SignedOutRedirectUri, pathBase) ?? "/";
        if (properties is null)
        {
            logger.SignedOutCallbackStateInvalid(fallback);
        }

        var callback = new CidaasSignedOutCallbackContext(
            context, scheme, options, properties, CidaasReturnUrl.ToLocation(properties?.RedirectUri, pathBase) ?? fallback);
        await events.SignedOutCallbackRedirect(callback);
        if (!callback.Handled)
        {
            context.Response.Redirect(CidaasReturnUrl.ToLocation(callback.RedirectUri, pathBase) ?? fallback);
        }
    }

    /// <summary>
    /// The scheme signed out locally: <c>SignOutScheme</c>, else <c>SignInScheme</c>, else the default sign-in scheme;
    /// <see langword="null"/> when that is none or this scheme itself.
    /// </summary>
    private static async Task<string?> ResolveLocalSchemeAsync(HttpContext context, CidaasOptions options, string schemeName)
    {
        var scheme = options.SignOutScheme ?? options.SignInScheme ?? (await context.RequestServices
            .GetRequiredService<IAuthenticationSchemeProvider>().GetDefaultSignInSchemeAsync())?.Name;
        return scheme is not null && scheme != schemeName ? scheme : null;
    }

    /// <summary>Marks <paramref name="properties"/> as a sign-out's state and returns the end-session URL.</summary>
    /// <param name="options">The scheme's options.</param>
    /// <param name="properties">The sign-out's properties, with the local return URL set.</param>
    /// <param name="session">
    /// The local session's properties, whose id_token (saved, or kept for the hint alone when <c>SaveTokens</c> is off;
    /// else the saved access token) becomes the hint: cidaas finds the session from it and sends the user back to
    /// <c>post_logout_redirect_uri</c> only with a hint.
    /// </param>
    /// <param name="postLogoutRedirectUri">The absolute signed-out callback URL.</param>
    /// <param name="now">The time of the sign-out; the state expires <c>RemoteAuthenticationTimeout</c> later.</param>
    private static string BuildEndSessionUrl(
        CidaasOptions options, AuthenticationProperties properties, AuthenticationProperties? session, string postLogoutRedirectUri, DateTimeOffset now)
    {
        CidaasFlowState.Start(properties, CidaasStateKeys.SignOutPurpose, now + options.RemoteAuthenticationTimeout);

        using var url = CidaasParameterWriter.ForUrl(options.EndSessionEndpoint!);
        if ((session?.GetTokenValue("id_token") ?? session?.GetString(CidaasStateKeys.IdTokenHint)) is { Length: > 0 } idToken)
        {
            url.Add(CidaasParameterNames.IdTokenHint, idToken);
        }
        else if (session?.GetTokenValue("access_token") is { } accessToken)
        {
            url.Add(CidaasParameterNames.AccessTokenHint, accessToken);
        }

        url.Add(CidaasParameterNames.ClientId, options.ClientId!);
        url.Add(CidaasParameterNames.PostLogoutRedirectUri, postLogoutRedirectUri);
        url.Add(CidaasParameterNames.State, options.StateDataFormat.Protect(properties));
        return url.ToString();
    }

    /// <summary>The signed-out callback's state when it is one valid, unexpired sign-out state; <see langword="null"/> otherwise.</summary>
    private static AuthenticationProperties? ReadSignedOutState(IQueryCollection query, ISecureDataFormat<AuthenticationProperties> stateFormat, DateTimeOffset now)
    {
        var state = query[CidaasParameterNames.State];
        if (state.Count != 1 || string.IsNullOrEmpty(state[0]))
        {
            return null;
        }

        var properties = stateFormat.Unprotect(state[0]);
        return properties is not null && CidaasFlowState.HasPurpose(properties, CidaasStateKeys.SignOutPurpose) && !CidaasFlowState.IsExpired(properties, now)
            ? properties
            : null;
    }
}
