using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.Bearer;

/// <summary>
/// Real access tokens from the emulator (authorization code flow with PKCE through its automatic sign-in, then the
/// token endpoint), and the defective tokens an attacker would build from a real one.
/// </summary>
public static class BearerTokens
{
    public const string ClientId = CidaasEmulatorOptions.DemoClientId;
    public const string ClientSecret = CidaasEmulatorOptions.DemoClientSecret;
    private const string RedirectUri = "http://localhost/callback";

    public static async Task<string> GetAccessTokenAsync(CidaasEmulator emulator, string user = "alice", string scope = "openid orders:read")
        => (await GetTokenResponseAsync(emulator, user, scope)).GetProperty("access_token").GetString()!;

    public static async Task<JsonElement> GetTokenResponseAsync(CidaasEmulator emulator, string user = "alice", string scope = "openid orders:read")
    {
        using var client = emulator.CreateClient();
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = QueryHelpers.AddQueryString(emulator.Authority + CidaasDefaults.AuthorizationPath, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = ClientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = scope,
            ["state"] = "bearer-tests",
            ["login_hint"] = user,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

        using var authorization = await client.GetAsync(authorize);
        authorization.StatusCode.Should().Be(HttpStatusCode.Redirect, await authorization.Content.ReadAsStringAsync());
        var code = QueryHelpers.ParseQuery(authorization.Headers.Location!.Query)["code"].ToString();
        code.Should().NotBeNullOrEmpty();

        using var tokenResponse = await client.PostAsync(emulator.Authority + CidaasDefaults.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["client_id"] = ClientId,
            ["client_secret"] = ClientSecret,
            ["code_verifier"] = verifier,
        }));
        var body = await tokenResponse.Content.ReadAsStringAsync();
        tokenResponse.StatusCode.Should().Be(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Revokes a token through the emulator's RFC 7009 endpoint, as the client that holds it would.</summary>
    public static async Task RevokeAsync(CidaasEmulator emulator, string token)
    {
        using var client = emulator.CreateClient();
        using var response = await client.PostAsync(emulator.Authority + CidaasDefaults.RevocationPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["token_type_hint"] = "access_token",
            ["client_id"] = ClientId,
            ["client_secret"] = ClientSecret,
        }));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    public static JsonObject Header(string jwt) => JsonNode.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[0]))!.AsObject();

    public static JsonObject Payload(string jwt) => JsonNode.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[1]))!.AsObject();

    /// <summary>The real token's header and payload with <c>alg: none</c> and no signature.</summary>
    public static string WithAlgNone(string jwt)
    {
        var header = Header(jwt);
        header["alg"] = "none";
        return Encode(header) + "." + jwt.Split('.')[1] + ".";
    }

    /// <summary>The real token re-signed with HS256, using the issuer's published RSA public key (PEM) as the HMAC secret.</summary>
    public static async Task<string> WithHs256UsingThePublicKeyAsync(CidaasEmulator emulator, string jwt)
    {
        var header = Header(jwt);
        var jwk = await GetPublishedKeyAsync(emulator, header["kid"]?.GetValue<string>());
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters
        {
            Modulus = Base64UrlEncoder.DecodeBytes(jwk["n"]!.GetValue<string>()),
            Exponent = Base64UrlEncoder.DecodeBytes(jwk["e"]!.GetValue<string>()),
        });
        var secret = Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem());
        header["alg"] = "HS256";
        var signingInput = Encode(header) + "." + jwt.Split('.')[1];
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>The real token with a changed payload, re-signed (RS256) with a key the issuer never published, under the issuer's <c>kid</c>.</summary>
    public static string WithForgedPayload(string jwt, Action<JsonObject> change)
    {
        var header = Header(jwt);
        var payload = Payload(jwt);
        change(payload);
        using var attackerKey = RSA.Create(2048);
        return Sign(header, payload, attackerKey);
    }

    /// <summary>The real token's payload signed by a fresh key under a made-up <c>kid</c>.</summary>
    public static string SignedByAnUnknownKey(string jwt)
    {
        var header = Header(jwt);
        header["kid"] = "unknown-" + Guid.NewGuid().ToString("N");
        using var key = RSA.Create(2048);
        return Sign(header, Payload(jwt), key);
    }

    public static string Sign(JsonObject header, JsonObject payload, RSA key) => SignRaw(header.ToJsonString(), payload.ToJsonString(), key);

    /// <summary>Signs header and payload JSON exactly as written (RS256), so that duplicate members or odd spellings survive.</summary>
    public static string SignRaw(string headerJson, string payloadJson, RSA key)
    {
        var signingInput = Base64UrlEncoder.Encode(headerJson) + "." + Base64UrlEncoder.Encode(payloadJson);
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    private static async Task<JsonObject> GetPublishedKeyAsync(CidaasEmulator emulator, string? kid)
    {
        using var client = emulator.CreateClient();
        var jwks = JsonNode.Parse(await client.GetStringAsync(emulator.Authority + CidaasDefaults.JwksPath))!["keys"]!.AsArray();
        return jwks.Select(k => k!.AsObject()).First(k => kid is null || k["kid"]?.GetValue<string>() == kid);
    }

    private static string Encode(JsonObject json) => Base64UrlEncoder.Encode(json.ToJsonString());
}
