namespace Cidaas.AspNetCore.Authentication.Testing;

/// <summary>
/// Tokens the emulator issued through <see cref="CidaasEmulator.GetAccessTokenAsync(string, string, string?, CancellationToken)"/>:
/// the same as a token response of its token endpoint would carry. <see cref="ToString"/> shows no token.
/// </summary>
public sealed class CidaasEmulatorTokens
{
    internal CidaasEmulatorTokens()
    {
    }

    /// <summary>The RS256 access token (a JWT, as cidaas issues them).</summary>
    public string AccessToken { get; internal init; } = "";

    /// <summary>The id_token, when <c>openid</c> was granted; otherwise <see langword="null"/>.</summary>
    public string? IdToken { get; internal init; }

    /// <summary>The refresh token, when <c>offline_access</c> was granted; otherwise <see langword="null"/>.</summary>
    public string? RefreshToken { get; internal init; }

    /// <summary>When the access token expires (its <c>exp</c>).</summary>
    public DateTimeOffset ExpiresAt { get; internal init; }

    /// <summary>The granted scopes.</summary>
    public IReadOnlyList<string> Scopes { get; internal init; } = [];

    /// <inheritdoc/>
    public override string ToString() => $"cidaas emulator tokens for '{string.Join(' ', Scopes)}', expiring {ExpiresAt:O}";
}
