using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth.Claims;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The ticket: the claims made from the user JSON by the claim actions, the tokens kept when <c>SaveTokens</c> is on,
/// and the result after <c>OnCreatingTicket</c>, whose return URL is held to the local-URL rule.
/// </summary>
internal static class CidaasTicketBuilder
{
    /// <summary>Runs every claim action over the user JSON (the userinfo answer, or the id_token's payload).</summary>
    public static void AddClaims(ClaimsIdentity identity, ClaimActionCollection actions, JsonElement user, string issuer)
    {
        foreach (var action in actions)
        {
            action.Run(user, identity, issuer);
        }
    }

    /// <summary>Keeps <c>access_token</c>, <c>refresh_token</c>, <c>id_token</c>, <c>token_type</c> and <c>expires_at</c> in the properties.</summary>
    public static void SaveTokens(AuthenticationProperties properties, CidaasTokenResponse tokens, DateTimeOffset now)
    {
        var saved = new List<AuthenticationToken>(5)
        {
            new() { Name = "access_token", Value = tokens.AccessToken! },
        };

        if (!string.IsNullOrEmpty(tokens.RefreshToken))
        {
            saved.Add(new AuthenticationToken { Name = "refresh_token", Value = tokens.RefreshToken });
        }

        if (!string.IsNullOrEmpty(tokens.IdToken))
        {
            saved.Add(new AuthenticationToken { Name = "id_token", Value = tokens.IdToken });
        }

        if (!string.IsNullOrEmpty(tokens.TokenType))
        {
            saved.Add(new AuthenticationToken { Name = "token_type", Value = tokens.TokenType });
        }

        // A lifetime past the calendar's end (cidaas would never send one) is left out rather than allowed to throw.
        if (tokens.ExpiresIn is long seconds and > 0 && seconds < (DateTimeOffset.MaxValue - now).TotalSeconds)
        {
            var expiresAt = now + TimeSpan.FromSeconds(seconds);
            saved.Add(new AuthenticationToken { Name = "expires_at", Value = expiresAt.ToString("o", CultureInfo.InvariantCulture) });
        }

        properties.StoreTokens(saved);
        Tokens.CidaasUserTokenManager.StoreLifetime(properties, tokens.ExpiresIn);
    }

    /// <summary>The sign-in's result once <c>OnCreatingTicket</c> ran: the event's own result, else the ticket.</summary>
    /// <param name="context">The event's context.</param>
    /// <param name="properties">The sign-in's properties, which a failure carries (whatever the event did to the context's).</param>
    /// <param name="pathBase">The path base a "~/" return URL is resolved against.</param>
    public static HandleRequestResult CreateResult(CidaasCreatingTicketContext context, AuthenticationProperties properties, PathString pathBase)
    {
        if (context.Result is { } result)
        {
            return result.Succeeded
                ? HandleRequestResult.Success(result.Ticket!)
                : result.Failure is not null ? HandleRequestResult.Fail(result.Failure, properties) : HandleRequestResult.NoResult();
        }

        // The base class redirects to this URL: an event may have set it, or a state of an older version carried it unencoded.
        var returnUrl = context.Properties.RedirectUri;
        context.Properties.RedirectUri = CidaasReturnUrl.ToLocation(returnUrl, pathBase) ?? returnUrl;
        return HandleRequestResult.Success(new AuthenticationTicket(context.Principal!, context.Properties, context.Scheme.Name));
    }
}
