using System.Security.Claims;
using System.Text.Json;
using Cidaas.AspNetCore.Authentication.Protocol;

namespace Cidaas.AspNetCore.Authentication.Bearer;

/// <summary>
/// RFC 7662 token introspection at cidaas: <see cref="IntrospectAsync"/> asks <c>/token-srv/introspect</c> through the
/// token client (<see cref="CidaasTokenClient.IntrospectAsync"/>, with the API's client authentication) and says how
/// long the answer may be cached;
/// <see cref="Evaluate"/> applies the resource server's checks to an answer (fresh or cached) and builds the identity.
/// </summary>
internal static class CidaasIntrospection
{
    private const string CannotValidateNow = "The token cannot be validated now";

    // The depth CidaasBackchannelResponse.TryParseObject and the claim reader allow.
    private const int MaxDepth = 32;

    /// <summary>The longest time an inactive answer is reused (at most <see cref="CidaasBearerOptions.IntrospectionCacheDuration"/>).</summary>
    internal static readonly TimeSpan InactiveCacheDuration = TimeSpan.FromSeconds(10);

    /// <summary>Asks cidaas about the token. Throws <see cref="CidaasProtocolException"/> when no usable answer comes back.</summary>
    public static async Task<CidaasIntrospectionEntry> IntrospectAsync(CidaasBearerOptions options, string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        CidaasBackchannelResponse response;
        try
        {
            response = await options.CreateTokenClient().IntrospectAsync(options.IntrospectionEndpoint!, token, "access_token", cancellationToken);
        }
        catch (CidaasProtocolException ex)
        {
            throw CidaasBearerErrors.Invalid(ex.Message, CannotValidateNow, ex);
        }

        if (!response.IsSuccess)
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IntrospectionStatus((int)response.StatusCode), CannotValidateNow);
        }

        bool active;
        DateTimeOffset? expires = null;
        using (var document = response.IsJson ? response.TryParseObject() : null)
        {
            if (document is null
                || !document.RootElement.TryGetProperty("active"u8, out var activeElement)
                || activeElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IntrospectionNotJson, CannotValidateNow);
            }

            active = activeElement.ValueKind == JsonValueKind.True;
            if (TryGetTime(document.RootElement, "exp"u8, out var exp))
            {
                expires = exp;
            }
        }

        // A "no" is kept shorter: it is cheap to ask again, and a flood of junk tokens should not linger.
        var cacheUntil = now + (active ? options.IntrospectionCacheDuration : TimeSpan.FromTicks(Math.Min(options.IntrospectionCacheDuration.Ticks, InactiveCacheDuration.Ticks)));
        if (active && expires is { } end && end < cacheUntil)
        {
            cacheUntil = end;
        }

        return new CidaasIntrospectionEntry(active, cacheUntil, response.Body);
    }

    /// <summary>Checks an introspection answer and builds the identity; throws <see cref="CidaasProtocolException"/> when the token must be refused.</summary>
    /// <remarks>
    /// The answer's members go through the reader of JWT payloads (<see cref="CidaasBearerClaims"/>): cidaas answers
    /// with the token's own claims, so a repeated member, an id_token's <c>at_hash</c>/<c>c_hash</c>, a time that is no
    /// JSON number and a member posing as a role or group claim type are handled as in a JWT.
    /// </remarks>
    public static (ClaimsIdentity Identity, CidaasIntrospectedToken Token) Evaluate(CidaasBearerOptions options, CidaasIntrospectionEntry entry, DateTimeOffset now)
    {
        if (!entry.Active)
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.TokenInactive, "The token is not active");
        }

        // A cached answer may come from a shared distributed cache: it is parsed as carefully as a fresh one.
        using var document = CidaasBackchannelResponse.ParseObject(entry.Body, MaxDepth)
            ?? throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IntrospectionNotJson, CannotValidateNow);
        var root = document.RootElement;
        var parameters = options.TokenValidationParameters;
        var skew = parameters.ClockSkew;

        var tokenType = CidaasJson.GetString(root, "token_type"u8);
        if (string.Equals(tokenType, "DPoP", StringComparison.OrdinalIgnoreCase))
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IntrospectionDPoP, CidaasBearerErrors.DPoPDescription);
        }

        if (tokenType is not null
            && !tokenType.Equals("Bearer", StringComparison.OrdinalIgnoreCase)
            && !tokenType.Equals("access_token", StringComparison.OrdinalIgnoreCase))
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IntrospectionWrongTokenType, CidaasBearerErrors.NotAnAccessTokenDescription);
        }

        var hasExpiry = TryGetTime(root, "exp"u8, out var expires);
        if (hasExpiry && CidaasTokenLifetime.IsLater(now.UtcDateTime, expires.UtcDateTime, skew))
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IntrospectionExpired, "The token has expired");
        }

        var hasNotBefore = TryGetTime(root, "nbf"u8, out var notBefore);
        if (hasNotBefore && CidaasTokenLifetime.IsLater(notBefore.UtcDateTime, now.UtcDateTime, skew))
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IntrospectionNotYetValid, "The token is not valid yet");
        }

        var hasIssuedAt = TryGetTime(root, "iat"u8, out var issuedAt);
        if (hasIssuedAt && CidaasTokenLifetime.IsLater(issuedAt.UtcDateTime, now.UtcDateTime, skew))
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IssuedInTheFuture, CidaasBearerErrors.IssuedInTheFutureDescription);
        }

        var issuer = CidaasJson.GetString(root, "iss"u8);
        if (issuer is not null && !string.Equals(CidaasUrls.TrimTrailingSlash(issuer), options.Authority, StringComparison.Ordinal))
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IntrospectionIssuerMismatch, "The issuer is invalid");
        }

        if (!CidaasBearerAudience.IsAccepted(root, options.Audiences))
        {
            throw CidaasBearerErrors.Invalid(CidaasBearerErrors.IntrospectionAudienceMismatch, "The audience is invalid");
        }

        issuer ??= options.Authority ?? string.Empty;
        var identity = CidaasBearerClaims.CreateIdentity(
            entry.Body.Span,
            parameters.AuthenticationType,
            parameters.NameClaimType ?? ClaimsIdentity.DefaultNameClaimType,
            parameters.RoleClaimType ?? ClaimsIdentity.DefaultRoleClaimType,
            issuer,
            options.AllowAnonymousSubject);

        var validFrom = hasNotBefore ? notBefore : issuedAt;
        var token = new CidaasIntrospectedToken(
            CidaasJson.GetString(root, "jti"u8),
            issuer,
            validFrom == default ? DateTime.MinValue : validFrom.UtcDateTime,
            hasExpiry ? expires.UtcDateTime : DateTime.MinValue);
        return (identity, token);
    }

    private static bool TryGetTime(JsonElement root, ReadOnlySpan<byte> name, out DateTimeOffset time)
    {
        time = default;
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var seconds))
        {
            return false;
        }

        // Out-of-range values are clamped: a far-future 'exp' must not throw.
        const long MaxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
        time = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, MaxSeconds));
        return true;
    }
}
