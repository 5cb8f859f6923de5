using System.Collections.Concurrent;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>Authorization codes, access tokens and refresh tokens the emulator issued.</summary>
internal sealed class TokenStore
{
    private const int PruneThreshold = 1024;

    private readonly ConcurrentDictionary<string, AuthorizationCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedAccessToken> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedRefreshToken> _refreshTokens = new(StringComparer.Ordinal);

    public void AddCode(AuthorizationCode code, DateTimeOffset now)
    {
        if (_codes.Count > PruneThreshold)
        {
            // Codes live a minute; a long-running emulator drops the stale ones now and then.
            foreach (var pair in _codes)
            {
                if (pair.Value.ExpiresAt.AddMinutes(10) < now)
                {
                    _codes.TryRemove(pair);
                }
            }
        }

        _codes[code.Code] = code;
    }

    public AuthorizationCode? FindCode(string code) => _codes.TryGetValue(code, out var found) ? found : null;

    public void AddAccessToken(IssuedAccessToken token) => _accessTokens[token.TokenId] = token;

    public IssuedAccessToken? FindAccessToken(string tokenId) =>
        _accessTokens.TryGetValue(tokenId, out var found) ? found : null;

    public void AddRefreshToken(IssuedRefreshToken token) => _refreshTokens[token.Token] = token;

    public IssuedRefreshToken? FindRefreshToken(string token) =>
        _refreshTokens.TryGetValue(token, out var found) ? found : null;

    public void RevokeAccessToken(string? tokenId)
    {
        if (tokenId is not null && _accessTokens.TryGetValue(tokenId, out var token))
        {
            token.Revoked = true;
        }
    }

    /// <summary>Revokes a refresh token with its family: the tokens rotated from it and the access tokens issued with them (RFC 7009 §2.1).</summary>
    public void RevokeRefreshToken(string? refreshToken)
    {
        if (refreshToken is not null && _refreshTokens.TryGetValue(refreshToken, out var token))
        {
            token.Revoked = true;
            token.Family.Revoked = true;
        }
    }

    /// <summary>Revokes every access and refresh token of a session (cidaas: ending a session marks its tokens revoked).</summary>
    public void RevokeSession(string sessionId)
    {
        foreach (var token in _accessTokens.Values)
        {
            if (token.Grant.SessionId == sessionId)
            {
                token.Revoked = true;
            }
        }

        foreach (var token in _refreshTokens.Values)
        {
            if (token.Grant.SessionId == sessionId)
            {
                token.Revoked = true;
            }
        }
    }
}
