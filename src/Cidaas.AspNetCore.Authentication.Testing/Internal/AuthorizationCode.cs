namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>An issued authorization code and everything it is bound to.</summary>
internal sealed class AuthorizationCode
{
    private int _redeemed;

    public required string Code { get; init; }

    public required AuthorizationGrant Grant { get; init; }

    public required string RedirectUri { get; init; }

    public string? Nonce { get; init; }

    public string? CodeChallenge { get; init; }

    public string? CodeChallengeMethod { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The access token id and refresh token issued from this code, revoked if the code is replayed.</summary>
    public string? IssuedAccessTokenId { get; set; }

    public string? IssuedRefreshToken { get; set; }

    /// <summary>Marks the code used; only the first caller gets <see langword="true"/>.</summary>
    public bool TryMarkRedeemed() => Interlocked.Exchange(ref _redeemed, 1) == 0;
}
