using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>
/// A client's key pair for <c>private_key_jwt</c>: the <see cref="SigningCredentials"/> the app signs with, and the
/// public half as the JWK Set JSON registered with the cidaas app (<c>jwks</c>).
/// </summary>
public sealed class ClientKeys : IDisposable
{
    /// <summary>A client secret long enough for HS256 (32 bytes and more in UTF-8), with characters that need encoding.</summary>
    public const string LongSecret = "jwt-s3cr:et+%20/ü-Ω-0123456789-abcdefghij";

    private readonly IDisposable _key;

    private ClientKeys(IDisposable key, SigningCredentials credentials, JsonObject publicJwk)
    {
        _key = key;
        Credentials = credentials;
        publicJwk["use"] = "sig";
        Jwks = new JsonObject { ["keys"] = new JsonArray(publicJwk) }.ToJsonString();
    }

    public SigningCredentials Credentials { get; }

    public string Jwks { get; }

    public static ClientKeys Rsa(string keyId = "client-rsa", string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var rsa = RSA.Create(2048);
        return new ClientKeys(rsa, new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = keyId }, algorithm), RsaJwk(rsa, keyId));
    }

    public static ClientKeys Ec(string keyId = "client-ec")
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdsa.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["kid"] = keyId,
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X!),
            ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y!),
        };
        return new ClientKeys(ecdsa, new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = keyId }, SecurityAlgorithms.EcdsaSha256), jwk);
    }

    /// <summary>A self-signed certificate with its RSA key; the JWK names it by the <c>kid</c> IdentityModel gives it (its thumbprint) and carries <c>x5t</c>.</summary>
    public static ClientKeys Certificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=cidaas test client", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var credentials = new X509SigningCredentials(certificate);
        var jwk = RsaJwk(certificate.GetRSAPublicKey()!, credentials.Key.KeyId);
        jwk["x5t"] = Base64UrlEncoder.Encode(certificate.GetCertHash());
        return new ClientKeys(certificate, credentials, jwk);
    }

    public void Dispose() => _key.Dispose();

    private static JsonObject RsaJwk(RSA rsa, string keyId)
    {
        var parameters = rsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["kid"] = keyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus!),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent!),
        };
    }
}
