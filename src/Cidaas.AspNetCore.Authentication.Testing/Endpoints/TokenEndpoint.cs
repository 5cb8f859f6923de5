using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// <c>/token-srv/token</c>: redeems authorization codes (with PKCE) and refresh tokens for RS256 tokens (RFC 6749 §4.1.3, §6; RFC 7636).
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
            default:
                await Responses.WriteErrorAsync(context, "unsupported_grant_type", "Only authorization_code and refresh_token are supported.");
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

        return IssueTokensAsync(context, emulator, code.Grant, code.Nonce, refreshToken: null, code);
    }

    private static Task RedeemRefreshTokenAsync(HttpContext context, CidaasEmulator emulator, CidaasEmulatorClient client, IFormCollection form)
    {
        var value = ClientAuthenticator.Single(form, "refresh_token");
        if (value is null)
        {
            return Responses.WriteErrorAsync(context, "invalid_request", "The refresh_token parameter is missing.");
        }

        var refreshToken = emulator.Tokens.FindRefreshToken(value);
        if (refreshToken is null || refreshToken.Revoked || refreshToken.Grant.Client.ClientId != client.ClientId)
        {
            return InvalidGrant(context, "The refresh token is unknown, revoked or was issued to another client.");
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

        return IssueTokensAsync(context, emulator, grant, nonce: null, refreshToken.Token, code: null);
    }

    private static Task IssueTokensAsync(HttpContext context, CidaasEmulator emulator, AuthorizationGrant grant, string? nonce, string? refreshToken, AuthorizationCode? code)
    {
        var idToken = grant.HasScope("openid") ? emulator.Next.TakeIdToken() : IdTokenArrangement.None;
        var issued = emulator.TokenIssuer.Issue(grant, nonce, refreshToken, idToken);
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
            body["expires_in"] = (long)emulator.Options.AccessTokenLifetime.TotalSeconds;
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
