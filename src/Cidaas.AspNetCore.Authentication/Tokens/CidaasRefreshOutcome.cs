namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>What one refresh of a refresh token came to, shared by every request that waited for it. Holds tokens: never logged.</summary>
internal sealed class CidaasRefreshOutcome
{
    private CidaasRefreshOutcome(CidaasRefreshOutcomeKind kind, string? accessToken, string? refreshToken, string? idToken, DateTimeOffset? expiresAt, string? subject, string? error)
    {
        Kind = kind;
        AccessToken = accessToken;
        RefreshToken = refreshToken;
        IdToken = idToken;
        ExpiresAt = expiresAt;
        Subject = subject;
        Error = error;
    }

    public CidaasRefreshOutcomeKind Kind { get; }

    public string? AccessToken { get; }

    /// <summary>The new refresh token; <see langword="null"/> when the answer kept the old one.</summary>
    public string? RefreshToken { get; }

    /// <summary>The new id_token, when the answer had one.</summary>
    public string? IdToken { get; }

    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The access token's lifetime in seconds (<c>expires_in</c>), when given.</summary>
    public long? Lifetime { get; private init; }

    /// <summary>The session's subject the refresh was made for.</summary>
    public string? Subject { get; }

    /// <summary>The <c>CIDAAS7xxx</c> message of a refusal or failure.</summary>
    public string? Error { get; }

    public static CidaasRefreshOutcome Refreshed(string accessToken, string? refreshToken, string? idToken, DateTimeOffset? expiresAt, long? lifetime, string? subject)
        => new(CidaasRefreshOutcomeKind.Refreshed, accessToken, refreshToken, idToken, expiresAt, subject, null) { Lifetime = lifetime };

    public static CidaasRefreshOutcome Refused(string? subject) => new(CidaasRefreshOutcomeKind.Refused, null, null, null, null, subject, Protocol.CidaasErrors.UserTokenRefreshRefused);

    public static CidaasRefreshOutcome Failed(string error) => new(CidaasRefreshOutcomeKind.Failed, null, null, null, null, null, error);
}

/// <summary>How a refresh ended.</summary>
internal enum CidaasRefreshOutcomeKind
{
    /// <summary>New tokens.</summary>
    Refreshed,

    /// <summary>cidaas answered <c>invalid_grant</c>: the session is over.</summary>
    Refused,

    /// <summary>No answer to go by (network, timeout, 5xx, a broken answer): the session stays, a later call tries again.</summary>
    Failed,
}
