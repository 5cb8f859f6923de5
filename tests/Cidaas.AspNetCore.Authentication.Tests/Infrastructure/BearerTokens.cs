using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>
/// The client of the bearer tests (the emulator's demo client), and the defective tokens an attacker would build from a
/// real one.
/// </summary>
public static class BearerTokens
{
    public const string ClientId = CidaasEmulatorOptions.DemoClientId;
    public const string ClientSecret = CidaasEmulatorOptions.DemoClientSecret;

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
