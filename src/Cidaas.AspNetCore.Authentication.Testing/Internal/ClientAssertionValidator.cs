using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>
/// Checks a client assertion (RFC 7523 §3, OpenID Connect Core §9) as an authorization server must: the exact
/// <c>client_assertion_type</c>; the signature with the registered key of the method its <c>alg</c> implies (HS256 and
/// the client secret for <c>client_secret_jwt</c>; RS256, PS256 or ES256 and the client's <c>jwks</c> for
/// <c>private_key_jwt</c>); <c>iss</c> = <c>sub</c> = the client; an <c>aud</c> naming this server (its issuer, its token
/// endpoint or the endpoint called); <c>exp</c> present and not passed; <c>iat</c> not in the future; a <c>jti</c> used
/// once (remembered until the assertion expires). A method weaker than the one registered is refused.
/// </summary>
internal sealed class ClientAssertionValidator
{
    public const string JwtBearerType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private readonly ConcurrentDictionary<string, DateTimeOffset> _usedIds = new(StringComparer.Ordinal);

    /// <summary>The strength of a <c>token_endpoint_auth_method</c>: the secret (post or basic) &lt; <c>client_secret_jwt</c> &lt; <c>private_key_jwt</c>.</summary>
    public static int Strength(string? method) => method switch
    {
        "private_key_jwt" => 2,
        "client_secret_jwt" => 1,
        _ => 0,
    };

    public async Task<ClientAuthenticator.Result> ValidateAsync(HttpContext context, CidaasEmulator emulator, string? formClientId, string? assertionType, string? assertion)
    {
        if (!string.Equals(assertionType, JwtBearerType, StringComparison.Ordinal))
        {
            return ClientAuthenticator.Result.Fail($"The client_assertion_type must be '{JwtBearerType}'.");
        }

        if (assertion is null || assertion.Length > 16 * 1024 || !Handler.CanReadToken(assertion))
        {
            return ClientAuthenticator.Result.Fail("The client_assertion is missing or not a JWT.");
        }

        JsonWebToken unverified;
        try
        {
            unverified = Handler.ReadJsonWebToken(assertion);
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenMalformedException)
        {
            return ClientAuthenticator.Result.Fail("The client_assertion is not a JWT.");
        }

        var clientId = unverified.Issuer;
        if (string.IsNullOrEmpty(clientId) || (formClientId is not null && formClientId != clientId))
        {
            return ClientAuthenticator.Result.Fail("The client assertion's issuer ('iss') is not the client_id of the request.");
        }

        var client = emulator.FindClient(clientId);
        if (client is null)
        {
            return ClientAuthenticator.Result.Fail("Unknown client.");
        }

        var (method, keys, problem) = KeysFor(client, unverified.Alg);
        if (problem is not null)
        {
            return ClientAuthenticator.Result.Fail(problem);
        }

        if (Strength(method) < Strength(client.TokenEndpointAuthMethod))
        {
            return ClientAuthenticator.Result.Fail($"The client is registered for {client.TokenEndpointAuthMethod}; {method} is weaker.");
        }

        var now = emulator.Options.TimeProvider.GetUtcNow();
        var endpoint = emulator.Authority + context.Request.Path.Value;
        var result = await Handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = clientId,
            ValidAudiences = [emulator.Authority, emulator.Authority + Endpoints.TokenEndpoint.Path, endpoint],
            ValidAlgorithms = [unverified.Alg],
            IssuerSigningKeys = keys,
            TryAllIssuerSigningKeys = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } exp && exp + ClockSkew > now.UtcDateTime && (notBefore is not { } nbf || nbf - ClockSkew <= now.UtcDateTime),
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            return ClientAuthenticator.Result.Fail("The client assertion is not valid: " + Describe(result.Exception));
        }

        if (!token.TryGetPayloadValue<string>("sub", out var subject) || subject != clientId)
        {
            return ClientAuthenticator.Result.Fail("The client assertion's subject ('sub') is not the client.");
        }

        if (token.TryGetPayloadValue<long>("iat", out var issuedAt) && DateTimeOffset.FromUnixTimeSeconds(issuedAt) > now + ClockSkew)
        {
            return ClientAuthenticator.Result.Fail("The client assertion was issued in the future ('iat').");
        }

        if (!token.TryGetPayloadValue<string>("jti", out var id) || string.IsNullOrEmpty(id))
        {
            return ClientAuthenticator.Result.Fail("The client assertion has no 'jti', so a replay could not be detected.");
        }

        return Remember(clientId + "\n" + id, token.ValidTo + ClockSkew, now)
            ? new ClientAuthenticator.Result(client, null)
            : ClientAuthenticator.Result.Fail("The client assertion was used before ('jti').");
    }

    private static (string Method, SecurityKey[] Keys, string? Problem) KeysFor(CidaasEmulatorClient client, string algorithm)
    {
        if (algorithm == SecurityAlgorithms.HmacSha256)
        {
            return string.IsNullOrEmpty(client.ClientSecret) || Encoding.UTF8.GetByteCount(client.ClientSecret) < 32
                ? ("client_secret_jwt", [], "The client has no secret of at least 32 bytes to check an HS256 assertion with.")
                : ("client_secret_jwt", [new SymmetricSecurityKey(Encoding.UTF8.GetBytes(client.ClientSecret))], null);
        }

        if (algorithm is not (SecurityAlgorithms.RsaSha256 or SecurityAlgorithms.RsaSsaPssSha256 or SecurityAlgorithms.EcdsaSha256))
        {
            return ("", [], $"The client assertion's algorithm must be HS256 (client_secret_jwt) or RS256, PS256 or ES256 (private_key_jwt).");
        }

        try
        {
            var keys = client.Jwks is { Length: > 0 } jwks ? new JsonWebKeySet(jwks).GetSigningKeys().ToArray() : [];
            return keys.Length == 0
                ? ("private_key_jwt", [], "The client has no registered public key (jwks) to check a private_key_jwt assertion with.")
                : ("private_key_jwt", [.. keys], null);
        }
        catch (ArgumentException)
        {
            return ("private_key_jwt", [], "The client's registered jwks is not a JWK Set.");
        }
    }

    private bool Remember(string key, DateTime expiresAt, DateTimeOffset now)
    {
        if (_usedIds.Count > 1024)
        {
            foreach (var (usedKey, until) in _usedIds)
            {
                if (until <= now)
                {
                    _usedIds.TryRemove(usedKey, out _);
                }
            }
        }

        return _usedIds.TryAdd(key, new DateTimeOffset(expiresAt, TimeSpan.Zero));
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenInvalidAudienceException => "its audience ('aud') is not this server.",
        SecurityTokenInvalidIssuerException => "its issuer ('iss') is not the client.",
        SecurityTokenNoExpirationException => "it has no 'exp'.",
        SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException => "it has expired or is not valid yet.",
        SecurityTokenInvalidAlgorithmException => "its algorithm is not allowed.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not match the client's registered key.",
        _ => "it could not be validated.",
    };
}
