using System.ComponentModel;

namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>A cached client token. Immutable, so that HybridCache keeps the instance in memory instead of deserializing it per hit.</summary>
[ImmutableObject(true)]
internal sealed class CidaasClientToken(string accessToken, DateTimeOffset? expiresAt)
{
    public string AccessToken { get; } = accessToken;

    public DateTimeOffset? ExpiresAt { get; } = expiresAt;

    /// <summary>Shows no token.</summary>
    public override string ToString() => $"cidaas client token, expiring {ExpiresAt:O}";
}
