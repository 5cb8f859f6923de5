using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// <c>/token-srv/token</c>: redeems authorization codes (with PKCE) and refresh tokens, and issues client-only tokens
/// (<c>client_credentials</c>), all RS256 (RFC 6749 §4.1.3, §4.4, §6; RFC 7636). Refresh tokens rotate when the client
/// says so, and a rotated one used again revokes its whole family (RFC 9700 §4.14.2).
/// </summary>
internal static class TokenEndpoint
{
    public const string Path = "/token-srv/token";

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        if (await FormRequest.ReadAuthenticatedAsync(context, emulator.Options) is not { } request)
        {
            return;
        }

        var (form, client) = request;

        var repeated = form.FirstOrDefault(pair => pair.Value.Count > 1).Key;
        if (repeated is not null)
        {
            await Responses.WriteErrorAsync(context, "invalid_request", $"The parameter '{repeated}' is repeated.");
            return;
        }

        switch (ClientAuthenticator.Single(form, "grant_type"))
        {
            case null:
                await Responses.WriteErrorAsync(context, "invalid_request", "The grant_type parameter is missing.");
                break;
            case "authorization_code":
                await RedeemCodeAsync(context, emulator, client, form);
                break;
            case "refresh_token":
                await RedeemRefreshTokenAsync(context, emulator, client, form);
                break;
            case "client_credentials":
                await IssueClientTokenAsync(context, emulator, client, form);
                break;
            default:
                await Responses.WriteErrorAsync(context, "unsupported_grant_type", "Only authorization_code, refresh_token and client_credentials are supported.");
                break;
        }
    }

    private static Task RedeemCodeAsync(HttpContext context, CidaasEmulator emulator, CidaasEmulatorClient client, IFormCollection form)
    {
        var value = ClientAuthenticator.Single(form, "code");
        if (value is null)
        {
            return Responses.WriteErrorAsync(context, "invalid_request", "The code parameter is missing.");
        }

        var code = emulator.Tokens.FindCode(value);
        if (code is null)
        {
            return InvalidGrant(context, "The authorization code is unknown.");
        }

        if (code.Grant.Client.ClientId != client.ClientId)
        {
            return InvalidGrant(context, "The authorization code was issued to another client.");
        }

        if (!code.TryMarkRedeemed())
        {
            // RFC 6749 §4.1.2: a replayed code revokes what was issued from it.
            emulator.Tokens.RevokeAccessToken(code.IssuedAccessTokenId);
            emulator.Tokens.RevokeRefreshToken(code.IssuedRefreshToken);
            return InvalidGrant(context, "The authorization code was already used.");
        }

        if (emulator.Options.TimeProvider.GetUtcNow() >= code.ExpiresAt)
        {
            return InvalidGrant(context, "The authorization code has expired.");
        }

        if (ClientAuthenticator.Single(form, "redirect_uri") != code.RedirectUri)
        {
            return InvalidGrant(context, "The redirect_uri does not match the one of the authorization request.");
        }

        var verifier = ClientAuthenticator.Single(form, "code_verifier");
        if (code.CodeChallenge is null)
        {
            if (verifier is not null)
            {
                return InvalidGrant(context, "A code_verifier was sent but the authorization request had no code_challenge.");
            }
        }
        else
        {
            if (verifier is null)
            {
                return InvalidGrant(context, "The code_verifier is missing.");
            }

            if (!Pkce.IsValidSyntax(verifier))
            {
                return InvalidGrant(context, "The code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~].");
            }

            if (!Pkce.Verify(verifier, code.CodeChallenge, code.CodeChallengeMethod!))
            {
                return InvalidGrant(context, "The code_verifier does not match the code_challenge.");
            }
        }

        return IssueTokensAsync(context, emulator, code.Grant, code.Nonce, redeemed: null, code);
    }

    private static Task RedeemRefreshTokenAsync(HttpContext context, CidaasEmulator emulator, CidaasEmulatorClient client, IFormCollection form)
    {
        var value = ClientAuthenticator.Single(form, "refresh_token");
        if (value is null)
        {
            return Responses.WriteErrorAsync(context, "invalid_request", "The refresh_token parameter is missing.");
        }

        var refreshToken = emulator.Tokens.FindRefreshToken(value);
        if (refreshToken is null || refreshToken.Grant.Client.ClientId != client.ClientId)
        {
            return InvalidGrant(context, "The refresh token is unknown, revoked or was issued to another client.");
        }

        if (refreshToken.Rotated && !refreshToken.Revoked && !refreshToken.Family.Revoked)
        {
            // RFC 9700 §4.14.2: a rotated refresh token comes back; the legitimate client and an attacker cannot be told
            // apart, so every token of the family is revoked.
            refreshToken.Family.Revoked = true;
            return InvalidGrant(context, "The refresh token was already used; its token family is revoked.");
        }

        if (!refreshToken.IsActive(emulator.Options.TimeProvider.GetUtcNow()))
        {
            return InvalidGrant(context, "The refresh token is unknown, revoked or expired, or was issued to another client.");
        }

        var grant = refreshToken.Grant;
        var requested = ClientAuthenticator.Single(form, "scope");
        if (requested is not null)
        {
            var scopes = Scopes.Parse(requested);
            if (scopes.Any(scope => !grant.HasScope(scope)))
            {
                return Responses.WriteErrorAsync(context, "invalid_scope", "A refresh cannot widen the granted scope.");
            }

            grant = grant with { Scopes = scopes };
        }

        if (client.RotateRefreshTokens && !refreshToken.TryMarkRotated())
        {
            // A concurrent refresh with the same token won the rotation: this one is the reuse.
            refreshToken.Family.Revoked = true;
            return InvalidGrant(context, "The refresh token was already used; its token family is revoked.");
        }

        return IssueTokensAsync(context, emulator, grant, nonce: null, refreshToken, code: null);
    }

    private static Task IssueClientTokenAsync(HttpContext context, CidaasEmulator emulator, CidaasEmulatorClient client, IFormCollection form)
    {
        if (string.IsNullOrEmpty(client.ClientSecret))
        {
            // RFC 6749 §4.4: only confidential clients may use the grant.
            return Responses.WriteErrorAsync(context, "unauthorized_client", "A public client cannot use the client_credentials grant.");
        }

        var requested = ClientAuthenticator.Single(form, "scope");
        IReadOnlyList<string> scopes = requested is null ? [.. client.AllowedScopes] : Scopes.Parse(requested);
        if (Scopes.FindForbidden(client, scopes) is not null)
        {
            return Responses.WriteErrorAsync(context, "invalid_scope", "The client may not ask for one of the requested scopes.");
        }

        var now = emulator.Options.TimeProvider.GetUtcNow();
        var grant = new AuthorizationGrant(client, AuthorizationGrant.ClientOnlyUser, scopes, RandomTokens.CreateId(), now);
        return IssueTokensAsync(context, emulator, grant, nonce: null, redeemed: null, code: null);
    }

    private static Task IssueTokensAsync(HttpContext context, CidaasEmulator emulator, AuthorizationGrant grant, string? nonce, IssuedRefreshToken? redeemed, AuthorizationCode? code)
    {
        var idToken = grant.HasScope("openid") && !grant.IsClientOnly ? emulator.Next.TakeIdToken() : IdTokenArrangement.None;
        var issued = emulator.TokenIssuer.Issue(grant, nonce, idToken, redeemed);
        if (code is not null)
        {
            code.IssuedAccessTokenId = issued.Record.TokenId;
            code.IssuedRefreshToken = issued.RefreshToken;
        }

        // The members and order of cidaas's own answer: token_type, sub, expires_in, id_token_expires_in, access_token,
        // id_token, refresh_token, identity_id; no 'scope' (see docs/cidaas-compatibility.md).
        var defect = emulator.Next.TakeTokenResponse();
        var body = new JsonObject
        {
            ["token_type"] = defect == CidaasTokenResponseDefect.WrongTokenType ? "mac" : "Bearer",
            ["sub"] = grant.User.Sub,
        };
        if (defect != CidaasTokenResponseDefect.MissingExpiresIn)
        {
            body["expires_in"] = (long)(issued.Record.ExpiresAt - issued.Record.IssuedAt).TotalSeconds;
        }

        var withIdToken = issued.IdToken is not null && defect != CidaasTokenResponseDefect.MissingIdToken;
        if (withIdToken)
        {
            body["id_token_expires_in"] = (long)emulator.Options.IdTokenLifetime.TotalSeconds;
        }

        if (defect != CidaasTokenResponseDefect.MissingAccessToken)
        {
            body["access_token"] = issued.AccessToken;
        }

        if (withIdToken)
        {
            body["id_token"] = issued.IdToken;
        }

        if (issued.RefreshToken is not null)
        {
            body["refresh_token"] = issued.RefreshToken;
        }

        body["identity_id"] = grant.User.IdentityId;
        return Responses.WriteJsonAsync(context, body);
    }

    private static Task InvalidGrant(HttpContext context, string description) =>
        Responses.WriteErrorAsync(context, "invalid_grant", description);
}
