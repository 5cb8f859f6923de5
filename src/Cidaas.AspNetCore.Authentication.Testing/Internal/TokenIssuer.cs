using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>Creates the emulator's RS256 tokens (and, on request, deliberately broken id_tokens) and checks its own tokens.</summary>
internal sealed class TokenIssuer
{
    private const string OtherClient = "another-client";
    private const string UnknownCriticalExtension = "urn:cidaas-emulator:unknown";
    private const string BackchannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    // Times are written as claims so that defects (expired, future, missing iat) are under our control.
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly CidaasEmulator _emulator;

    public TokenIssuer(CidaasEmulator emulator) => _emulator = emulator;

    private CidaasEmulatorOptions Options => _emulator.Options;

    /// <summary>
    /// Issues the tokens of one grant and keeps them in the token store: an access token; a refresh token for
    /// <c>offline_access</c> unless <paramref name="refreshToken"/> (the one being redeemed) is kept; an id_token for
    /// <c>openid</c>, shaped by <paramref name="idToken"/>.
    /// </summary>
    public IssuedTokens Issue(AuthorizationGrant grant, string? nonce, string? refreshToken, IdTokenArrangement idToken)
    {
        var (accessToken, record) = CreateAccessToken(grant);
        _emulator.Tokens.AddAccessToken(record);
        if (refreshToken is null && grant.HasScope("offline_access"))
        {
            refreshToken = RandomTokens.Create();
            _emulator.Tokens.AddRefreshToken(new IssuedRefreshToken { Token = refreshToken, Grant = grant });
        }

        var idTokenValue = grant.HasScope("openid") ? CreateIdToken(grant, nonce, accessToken, idToken) : null;
        if (idTokenValue is not null)
        {
            _emulator.Logouts.Record(grant);
        }

        return new IssuedTokens(accessToken, record, idTokenValue, refreshToken);
    }

    private (string Token, IssuedAccessToken Record) CreateAccessToken(AuthorizationGrant grant)
    {
        var now = Options.TimeProvider.GetUtcNow();
        var record = new IssuedAccessToken
        {
            TokenId = RandomTokens.CreateId(),
            Grant = grant,
            IssuedAt = now,
            ExpiresAt = now + Options.AccessTokenLifetime,
        };
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = _emulator.Authority,
            ["sub"] = grant.User.Sub,
            ["aud"] = grant.Client.ClientId,
            ["client_id"] = grant.Client.ClientId,
            ["scopes"] = new List<object>(grant.Scopes),
            ["roles"] = UserClaims.Roles(grant.User),
            ["groups"] = UserClaims.Groups(grant.User),
            ["jti"] = record.TokenId,
            ["sid"] = grant.SessionId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = record.ExpiresAt.ToUnixTimeSeconds(),
        };
        return (Sign(claims, _emulator.Keys.Current), record);
    }

    private string CreateIdToken(AuthorizationGrant grant, string? nonce, string accessToken, IdTokenArrangement arrangement)
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
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = defect == CidaasIdTokenDefect.WrongIssuer ? "https://wrong-issuer.example" : _emulator.Authority,
        };
        if (defect != CidaasIdTokenDefect.MissingSub)
        {
            claims["sub"] = grant.User.Sub;
        }

        switch (defect)
        {
            case CidaasIdTokenDefect.MissingAudience:
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
                claims["aud"] = clientId;
                claims["azp"] = OtherClient;
                break;
            default:
                claims["aud"] = clientId;
                claims["azp"] = clientId;
                break;
        }

        claims["exp"] = (issuedAt + Options.IdTokenLifetime).ToUnixTimeSeconds();
        if (defect != CidaasIdTokenDefect.MissingIat)
        {
            claims["iat"] = issuedAt.ToUnixTimeSeconds();
        }

        claims["auth_time"] = grant.AuthTime.ToUnixTimeSeconds();
        if (defect == CidaasIdTokenDefect.WrongNonce)
        {
            claims["nonce"] = RandomTokens.Create();
        }
        else if (nonce is not null && defect != CidaasIdTokenDefect.MissingNonce)
        {
            claims["nonce"] = nonce;
        }

        claims["at_hash"] = ComputeAtHash(accessToken);
        claims["sid"] = grant.SessionId;
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
                        TokenType = "JWT",
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
                return Sign(claims, _emulator.Keys.Current);
        }
    }

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
            default:
                return Sign(claims, _emulator.Keys.Current, type: type);
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
        if (record is null || record.Revoked || record.ExpiresAt <= Options.TimeProvider.GetUtcNow())
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
        var result = await Handler.ValidateTokenAsync(token, parameters);
        return result.IsValid ? result.SecurityToken as JsonWebToken : null;
    }

    private string Sign(Dictionary<string, object> claims, SigningKey key, Dictionary<string, object>? additionalHeader = null, string? type = "JWT") =>
        type is null ? SignWithoutType(claims, key) : Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = type,
            SigningCredentials = new SigningCredentials(key.SecurityKey(Options.PublishKeyIdInJwks), SecurityAlgorithms.RsaSha256),
            AdditionalHeaderClaims = additionalHeader,
        });

    // IdentityModel always writes a 'typ' header; cidaas writes none: the header is written here and the token signed anew.
    private string SignWithoutType(Dictionary<string, object> claims, SigningKey key)
    {
        var securityKey = key.SecurityKey(Options.PublishKeyIdInJwks);
        var payload = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(securityKey, SecurityAlgorithms.RsaSha256),
        }).Split('.')[1];
        var header = new System.Text.Json.Nodes.JsonObject { ["alg"] = SecurityAlgorithms.RsaSha256 };
        if (securityKey.KeyId is { } keyId)
        {
            header["kid"] = keyId;
        }

        var signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + payload;
        var provider = securityKey.CryptoProviderFactory.CreateForSigning(securityKey, SecurityAlgorithms.RsaSha256);
        try
        {
            return signingInput + "." + Base64UrlEncoder.Encode(provider.Sign(Encoding.ASCII.GetBytes(signingInput)));
        }
        finally
        {
            securityKey.CryptoProviderFactory.ReleaseSignatureProvider(provider);
        }
    }

    private string SignWithPublicKeyAsHmacSecret(Dictionary<string, object> claims)
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
            TokenType = "JWT",
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

    private static string ComputeAtHash(string accessToken)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(accessToken));
        return Base64UrlEncoder.Encode(hash, 0, hash.Length / 2);
    }
}
