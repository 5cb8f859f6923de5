namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>
/// The signed-in user's access token, as <c>HttpContext.GetCidaasUserAccessTokenAsync</c> found or renewed it, or why there
/// is none. <see cref="ToString"/> shows no token.
/// </summary>
public sealed class CidaasUserToken
{
    private CidaasUserToken(string? accessToken, DateTimeOffset? expiresAt, string? error)
    {
        AccessToken = accessToken;
        ExpiresAt = expiresAt;
        Error = error;
    }

    /// <summary>Whether <see cref="AccessToken"/> holds a usable access token.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(AccessToken))]
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    /// <summary>The access token; <see langword="null"/> when <see cref="Succeeded"/> is <see langword="false"/>.</summary>
    public string? AccessToken { get; }

    /// <summary>When the access token expires, when the session knows it (<c>expires_at</c>).</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>Why there is no token: a message with a <c>CIDAAS7xxx</c> id; <see langword="null"/> on success.</summary>
    public string? Error { get; }

    internal static CidaasUserToken Success(string accessToken, DateTimeOffset? expiresAt) => new(accessToken, expiresAt, null);

    internal static CidaasUserToken Failure(string error) => new(null, null, error);

    /// <inheritdoc/>
    public override string ToString() => Succeeded
        ? ExpiresAt is { } expiresAt ? $"cidaas user access token, expiring {expiresAt:O}" : "cidaas user access token"
        : Error;
}
