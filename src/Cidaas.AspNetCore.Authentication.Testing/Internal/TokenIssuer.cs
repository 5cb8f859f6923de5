using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>Creates the emulator's RS256 tokens (and, on request, deliberately broken id_tokens) and checks its own tokens.</summary>
internal sealed class TokenIssuer
{
    private const string OtherClient = "another-client";
    private const string UnknownCriticalExtension = "urn:cidaas-emulator:unknown";
    private const string BackchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    // cidaas writes 'amr' as numeric strings whose meaning it does not document; its code-flow token said ["2"].
    private const string PasswordAuthenticationMethod = "2";

    // Times are written as claims so that defects (expired, future, missing iat) are under our control.
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly CidaasEmulator _emulator;

    public TokenIssuer(CidaasEmulator emulator) => _emulator = emulator;

    private CidaasEmulatorOptions Options => _emulator.Options;

    /// <summary>
    /// Issues the tokens of one grant and keeps them in the token store: an access token; for <c>offline_access</c> a
    /// refresh token, unless <paramref name="redeemed"/> (the refresh token being redeemed) is kept because its client does
    /// not rotate refresh tokens; an id_token for <c>openid</c>, shaped by <paramref name="idToken"/>. A client-only grant
    /// (<c>client_credentials</c>) gets an access token alone. As cidaas's, the access token and the id_token of one answer
    /// share <c>jti</c>, <c>sid</c>, <c>iat</c> and <c>exp</c>-style members, and a refresh grant's tokens carry no
    /// <c>amr</c> and no <c>nonce</c>.
    /// </summary>
    public IssuedTokens Issue(AuthorizationGrant grant, string? nonce, IdTokenArrangement idToken, IssuedRefreshToken? redeemed = null)
    {
        var now = Options.TimeProvider.GetUtcNow();
        var refreshGrant = redeemed is not null;
        var family = redeemed?.Family ?? (grant.HasScope("offline_access") && !grant.IsClientOnly ? new RefreshTokenFamily() : null);
        var (accessToken, record) = CreateAccessToken(grant, nonce, refreshGrant, family, now);
        _emulator.Tokens.AddAccessToken(record);
        string? refreshToken = null;
        if (redeemed is not null && !redeemed.Grant.Client.RotateRefreshTokens)
        {
            refreshToken = redeemed.Token;
        }
        else if (family is not null)
        {
            refreshToken = RandomTokens.Create();
            _emulator.Tokens.AddRefreshToken(new IssuedRefreshToken
            {
                Token = refreshToken,

                // RFC 6749 §6: a rotated refresh token keeps the scope of the one it replaces (a refresh may narrow the
                // access token's scope only), and the family keeps its absolute lifetime.
                Grant = redeemed?.Grant ?? grant,
                Family = family,
                ExpiresAt = redeemed?.ExpiresAt ?? now + Options.RefreshTokenLifetime,
            });
        }

        var idTokenValue = grant.HasScope("openid") && !grant.IsClientOnly ? CreateIdToken(grant, record, nonce, refreshGrant, accessToken, idToken) : null;
        if (idTokenValue is not null)
        {
            _emulator.Logouts.Record(grant);
        }

        return new IssuedTokens(accessToken, record, idTokenValue, refreshToken);
    }

    /// <summary>
    /// The members cidaas puts in both tokens of one answer (see <c>docs/cidaas-compatibility.md</c>): <c>amr</c> (numeric
    /// strings; not after a refresh), <c>sid</c>, <c>sub</c>, <c>isub</c>, <c>aud</c> (the client id as a string),
    /// <c>auth_time</c>, <c>iss</c>, <c>jti</c>, <c>nonce</c> (not after a refresh), <c>scopes</c> (an array),
    /// <c>roles</c> and <c>groups</c> (whatever the scopes), <c>iat</c> and <c>exp</c>. No <c>nbf</c>, <c>azp</c> or
    /// <c>client_id</c>.
    /// </summary>
    private Dictionary<string, object> CreateSharedClaims(AuthorizationGrant grant, string tokenId, string? nonce, bool refreshGrant)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        var user = !grant.IsClientOnly;
        if (!refreshGrant && user)
        {
            claims["amr"] = new List<object> { PasswordAuthenticationMethod };
        }

        if (user)
        {
            claims["sid"] = grant.SessionId;
        }

        claims["sub"] = grant.User.Sub;
        if (user)
        {
            claims["isub"] = grant.User.IdentityId;
        }

        claims["aud"] = grant.Client.ClientId;
        if (user)
        {
            claims["auth_time"] = grant.AuthTime.ToUnixTimeSeconds();
        }

        claims["iss"] = _emulator.Authority;
        claims["jti"] = tokenId;
        if (nonce is not null && !refreshGrant)
        {
            claims["nonce"] = nonce;
        }

        claims["scopes"] = new List<object>(grant.Scopes);
        if (!user)
        {
            // cidaas's client-only tokens (sub "ANONYMOUS") carry no roles and no groups.
            return claims;
        }

        claims["roles"] = UserClaims.Roles(grant.User);
        if (grant.User.Groups.Count > 0)
        {
            claims["groups"] = UserClaims.Groups(grant.User);
        }

        return claims;
    }

    private (string Token, IssuedAccessToken Record) CreateAccessToken(AuthorizationGrant grant, string? nonce, bool refreshGrant, RefreshTokenFamily? family, DateTimeOffset now)
    {
        var record = new IssuedAccessToken
        {
            TokenId = RandomTokens.CreateId(),
            Grant = grant,
            IssuedAt = now,
            ExpiresAt = now + (grant.Client.AccessTokenLifetime ?? Options.AccessTokenLifetime),
            Family = family,
        };
        var claims = CreateSharedClaims(grant, record.TokenId, nonce, refreshGrant);
        claims["iat"] = now.ToUnixTimeSeconds();
        claims["exp"] = record.ExpiresAt.ToUnixTimeSeconds();
        var token = Sign(claims, _emulator.Keys.Current);
        record.Fingerprint = Fingerprint(token);
        return (token, record);
    }

    private string CreateIdToken(AuthorizationGrant grant, IssuedAccessToken accessTokenRecord, string? nonce, bool refreshGrant, string accessToken, IdTokenArrangement arrangement)
    {
        var defect = arrangement.Defect;
        if (defect == CidaasIdTokenDefect.Malformed)
        {
            return "not.a.jwt";
        }

        var now = Options.TimeProvider.GetUtcNow();
        var issuedAt = defect switch
        {
            CidaasIdTokenDefect.Expired => now - Options.IdTokenLifetime - TimeSpan.FromHours(1),
            CidaasIdTokenDefect.FutureIat => now + TimeSpan.FromHours(1),
            _ => now,
        };
        var clientId = grant.Client.ClientId;
        var claims = CreateSharedClaims(grant, accessTokenRecord.TokenId, nonce, refreshGrant);
        if (defect == CidaasIdTokenDefect.WrongIssuer)
        {
            claims["iss"] = "https://wrong-issuer.example";
        }

        if (defect == CidaasIdTokenDefect.MissingSub)
        {
            claims.Remove("sub");
        }

        // cidaas's id_tokens carry 'aud' (a string) and no 'azp'; the defects add what they need.
        switch (defect)
        {
            case CidaasIdTokenDefect.MissingAudience:
                claims.Remove("aud");
                claims["azp"] = clientId;
                break;
            case CidaasIdTokenDefect.WrongAudience:
                claims["aud"] = OtherClient;
                claims["azp"] = clientId;
                break;
            case CidaasIdTokenDefect.ExtraUntrustedAudience:
                claims["aud"] = new List<object> { clientId, "other-api" };
                break;
            case CidaasIdTokenDefect.ExtraUntrustedAudienceWithAzp:
                claims["aud"] = new List<object> { clientId, "other-api" };
                claims["azp"] = clientId;
                break;
            case CidaasIdTokenDefect.WrongAzp:
                claims["azp"] = OtherClient;
                break;
        }

        claims["exp"] = (issuedAt + Options.IdTokenLifetime).ToUnixTimeSeconds();
        if (defect != CidaasIdTokenDefect.MissingIat)
        {
            claims["iat"] = issuedAt.ToUnixTimeSeconds();
        }

        if (defect == CidaasIdTokenDefect.WrongNonce)
        {
            claims["nonce"] = RandomTokens.Create();
        }
        else if (defect == CidaasIdTokenDefect.MissingNonce)
        {
            claims.Remove("nonce");
        }

        if (grant.Acr is not null)
        {
            claims["acr"] = grant.Acr; // the acr_values the emulator supports (issue 16)
        }

        claims["at_hash"] = ComputeAtHash(accessToken);
        UserClaims.AddProfileClaims(claims, grant.User, grant);
        foreach (var (name, value) in arrangement.Members)
        {
            if (value is { } json)
            {
                claims[name] = json;
            }
            else
            {
                claims.Remove(name);
            }
        }

        switch (defect)
        {
            case CidaasIdTokenDefect.UnknownSigningKey:
                using (var unknownKey = SigningKey.Generate())
                {
                    return Handler.CreateToken(new SecurityTokenDescriptor
                    {
                        Claims = claims,
                        SigningCredentials = new SigningCredentials(unknownKey.WithKeyId, SecurityAlgorithms.RsaSha256),
                    });
                }

            case CidaasIdTokenDefect.Hs256WithPublicKey:
                return SignWithPublicKeyAsHmacSecret(claims);
            case CidaasIdTokenDefect.AlgNone:
                return StripSignature(Sign(claims, _emulator.Keys.Current));
            case CidaasIdTokenDefect.BadSignature:
                return FlipSignature(Sign(claims, _emulator.Keys.Current));
            case CidaasIdTokenDefect.CriticalHeader:
                return Sign(claims, _emulator.Keys.Current, new Dictionary<string, object>(StringComparer.Ordinal)
                {
                    ["crit"] = new List<object> { UnknownCriticalExtension },
                    [UnknownCriticalExtension] = true,
                });
            default:
                return grant.Client.IdTokenSignedResponseAlg == SecurityAlgorithms.HmacSha256 ? SignWithClientSecret(claims, grant.Client) : Sign(claims, _emulator.Keys.Current);
        }
    }

    /// <summary>An HS256 id_token (or logout token) keyed with the UTF-8 bytes of the client secret (OpenID Connect Core §10.1), no <c>kid</c>.</summary>
    private static string SignWithClientSecret(Dictionary<string, object> claims, CidaasEmulatorClient client, string? type = "JWT")
        => Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = type,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(client.ClientSecret)), SecurityAlgorithms.HmacSha256),
        });

    /// <summary>
    /// A logout token (Back-Channel Logout 1.0 §2.4) for a client, a user and a session: <c>iss</c>, <c>aud</c>, <c>iat</c>,
    /// <c>exp</c>, <c>jti</c>, <c>sub</c>, <c>sid</c>, <c>events</c>, typed <c>logout+jwt</c>; or defective in one way.
    /// </summary>
    public string CreateLogoutToken(CidaasEmulatorClient client, CidaasEmulatorUser user, string sessionId, CidaasLogoutTokenDefect defect)
    {
        var now = Options.TimeProvider.GetUtcNow();
        var issuedAt = defect switch
        {
            CidaasLogoutTokenDefect.Expired => now - Options.LogoutTokenLifetime - TimeSpan.FromHours(1),
            CidaasLogoutTokenDefect.FutureIat => now + TimeSpan.FromHours(1),
            CidaasLogoutTokenDefect.TooOld => now - TimeSpan.FromHours(1),
            _ => now,
        };
        var expires = defect == CidaasLogoutTokenDefect.TooOld ? now + TimeSpan.FromHours(1) : issuedAt + Options.LogoutTokenLifetime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = defect == CidaasLogoutTokenDefect.WrongIssuer ? "https://wrong-issuer.example" : _emulator.Authority,
            ["aud"] = defect == CidaasLogoutTokenDefect.WrongAudience ? OtherClient : client.ClientId,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["exp"] = expires.ToUnixTimeSeconds(),
        };
        if (defect != CidaasLogoutTokenDefect.MissingJti)
        {
            claims["jti"] = RandomTokens.CreateId();
        }

        if (defect != CidaasLogoutTokenDefect.NoSubjectNoSession)
        {
            claims["sub"] = user.Sub;
            claims["sid"] = sessionId;
        }

        switch (defect)
        {
            case CidaasLogoutTokenDefect.MissingEvents:
                break;
            case CidaasLogoutTokenDefect.EventNotAnObject:
                claims["events"] = new Dictionary<string, object> { [BackchannelLogoutEvent] = "logout" };
                break;
            case CidaasLogoutTokenDefect.OtherEvent:
                claims["events"] = new Dictionary<string, object> { ["http://schemas.openid.net/event/other"] = new Dictionary<string, object>() };
                break;
            default:
                claims["events"] = new Dictionary<string, object> { [BackchannelLogoutEvent] = new Dictionary<string, object>() };
                break;
        }

        if (defect == CidaasLogoutTokenDefect.NoncePresent)
        {
            claims["nonce"] = RandomTokens.Create();
        }

        var type = defect switch
        {
            CidaasLogoutTokenDefect.TypeJwt => "JWT",
            CidaasLogoutTokenDefect.NoType => null,
            _ => "logout+jwt",
        };
        switch (defect)
        {
            case CidaasLogoutTokenDefect.UnknownSigningKey:
                using (var unknownKey = SigningKey.Generate())
                {
                    return Sign(claims, unknownKey, type: type);
                }

            case CidaasLogoutTokenDefect.AlgNone:
                return StripSignature(Sign(claims, _emulator.Keys.Current, type: type));
            case CidaasLogoutTokenDefect.BadSignature:
                return FlipSignature(Sign(claims, _emulator.Keys.Current, type: type));
            case CidaasLogoutTokenDefect.Hs256WithPublicKey:
                return SignWithPublicKeyAsHmacSecret(claims, type);
            default:
                // Signed as the client's id_tokens are (Back-Channel Logout 1.0 §2.4 uses the keys of id_tokens; the OpenID
                // Foundation's certification checks the algorithm as for id_tokens): HS256 for a client that gets HS256 id_tokens.
                return client.IdTokenSignedResponseAlg == SecurityAlgorithms.HmacSha256
                    ? SignWithClientSecret(claims, client, type)
                    : Sign(claims, _emulator.Keys.Current, type: type);
        }
    }

    /// <summary>Checks a bearer token: signed by one of our keys, our issuer, issued by us as an access token, not revoked, not expired.</summary>
    public async Task<IssuedAccessToken?> ValidateAccessTokenAsync(string token)
    {
        var jwt = await ValidateSignatureAsync(token);
        if (jwt is null || !jwt.TryGetPayloadValue<string>("jti", out var tokenId))
        {
            return null;
        }

        var record = _emulator.Tokens.FindAccessToken(tokenId);
        if (record is null
            || !CryptographicOperations.FixedTimeEquals(record.Fingerprint, Fingerprint(token))
            || record.IsRevoked
            || record.ExpiresAt <= Options.TimeProvider.GetUtcNow())
        {
            return null;
        }

        return record;
    }

    /// <summary>Checks that a token (expired or not) was signed by the emulator with one of its keys for its issuer.</summary>
    public async Task<JsonWebToken?> ValidateSignatureAsync(string token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 16 * 1024 || !Handler.CanReadToken(token))
        {
            return null;
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = _emulator.Authority,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            IssuerSigningKeys = _emulator.Keys.All.Select(key => (SecurityKey)key.WithKeyId).ToArray(),
            TryAllIssuerSigningKeys = true,
        };
        if (ReadOrNull(token) is { Alg: SecurityAlgorithms.HmacSha256 } hs256
            && hs256.Audiences.FirstOrDefault() is { } audience
            && _emulator.FindClient(audience) is { IdTokenSignedResponseAlg: SecurityAlgorithms.HmacSha256, ClientSecret.Length: > 0 } client)
        {
            // An id_token of a client that has its id_tokens signed with its secret (e.g. an id_token_hint).
            parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            parameters.IssuerSigningKeys = [new SymmetricSecurityKey(Encoding.UTF8.GetBytes(client.ClientSecret))];
        }

        var result = await Handler.ValidateTokenAsync(token, parameters);
        return result.IsValid ? result.SecurityToken as JsonWebToken : null;
    }

    private static JsonWebToken? ReadOrNull(string token)
    {
        try
        {
            return Handler.ReadJsonWebToken(token);
        }
        catch (Exception exception) when (exception is ArgumentException or SecurityTokenMalformedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Signs with RS256. cidaas's tokens have only <c>alg</c> and <c>kid</c> in their header, no <c>typ</c> (<paramref name="type"/>
    /// <see langword="null"/>, the default); the token handler always writes one, so the header is written again without it
    /// and the token signed anew. A logout token names its type (<c>logout+jwt</c>).
    /// </summary>
    private string Sign(Dictionary<string, object> claims, SigningKey key, Dictionary<string, object>? additionalHeader = null, string? type = null)
    {
        var securityKey = key.SecurityKey(Options.PublishKeyIdInJwks);
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = type ?? "JWT",
            SigningCredentials = new SigningCredentials(securityKey, SecurityAlgorithms.RsaSha256),
            AdditionalHeaderClaims = additionalHeader,
        });
        if (type is not null)
        {
            return token;
        }

        var parts = token.Split('.');
        var header = JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!.AsObject();
        header.Remove("typ");
        var signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + parts[1];
        var provider = CryptoProviderFactory.Default.CreateForSigning(securityKey, SecurityAlgorithms.RsaSha256);
        try
        {
            return signingInput + "." + Base64UrlEncoder.Encode(provider.Sign(Encoding.ASCII.GetBytes(signingInput)));
        }
        finally
        {
            CryptoProviderFactory.Default.ReleaseSignatureProvider(provider);
        }
    }

    private string SignWithPublicKeyAsHmacSecret(Dictionary<string, object> claims, string? type = "JWT")
    {
        var current = _emulator.Keys.Current;
        var publishedJwk = current.CreatePublicJwk(Options.PublishKeyIdInJwks).ToJsonString();
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(publishedJwk))
        {
            KeyId = Options.PublishKeyIdInJwks ? current.KeyId : null,
        };
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = type,
            SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256),
        });
    }

    private static string StripSignature(string jwt)
    {
        var payload = jwt.Split('.')[1];
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        return $"{header}.{payload}.";
    }

    private static string FlipSignature(string jwt)
    {
        var parts = jwt.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        for (var i = 0; i < 8; i++)
        {
            signature[i] ^= 0xFF;
        }

        return $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}";
    }

    private static byte[] Fingerprint(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    private static string ComputeAtHash(string accessToken)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accessToken));
        return Base64UrlEncoder.Encode(hash, 0, hash.Length / 2);
    }
}
