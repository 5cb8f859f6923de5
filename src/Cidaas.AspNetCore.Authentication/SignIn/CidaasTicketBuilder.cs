using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OAuth.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The ticket: the claims made from the user JSON by the claim actions, the tokens kept when <c>SaveTokens</c> is on,
/// and the result after <c>OnCreatingTicket</c>, whose return URL is held to the local-URL rule.
/// </summary>
internal static class CidaasTicketBuilder
{
    private static readonly string[] RolesAndGroups = ["roles", "groups"];

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

    /// <summary>
    /// Keeps the id_token alone, when <c>SaveTokens</c> is off, as the sign-out's <c>id_token_hint</c>: cidaas ignores
    /// <c>post_logout_redirect_uri</c> without a hint, and the id_token is the one token meant to be handed back to it.
    /// </summary>
    public static void KeepSignOutHint(AuthenticationProperties properties, CidaasTokenResponse tokens)
    {
        if (!string.IsNullOrEmpty(tokens.IdToken))
        {
            properties.SetString(Protocol.CidaasStateKeys.IdTokenHint, tokens.IdToken);
        }
    }

    /// <summary>
    /// The user JSON with the <c>roles</c> and <c>groups</c> of the validated id_token added where the userinfo answer
    /// has none, or <see langword="null"/> when there is nothing to add. cidaas answers userinfo with <c>roles</c> only
    /// for the <c>roles</c> scope and <c>groups</c> only for <c>groups</c>, while its id_token carries both whatever the
    /// scopes (docs/cidaas-compatibility.md). The id_token has been validated (signature, issuer, audience, lifetime,
    /// nonce) and its subject matched to the userinfo answer's before this runs.
    /// </summary>
    public static JsonDocument? AddIdTokenRolesAndGroups(JsonElement user, JsonWebToken idToken)
    {
        JsonObject? merged = null;
        using var payload = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(idToken.EncodedPayload));
        foreach (var name in RolesAndGroups)
        {
            if (user.TryGetProperty(name, out _) || !payload.RootElement.TryGetProperty(name, out var value))
            {
                continue;
            }

            merged ??= JsonObject.Create(user)!.DeepClone().AsObject();
            merged[name] = JsonNode.Parse(value.GetRawText());
        }

        return merged is null ? null : JsonDocument.Parse(merged.ToJsonString());
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
