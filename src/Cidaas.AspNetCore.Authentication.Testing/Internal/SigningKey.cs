using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>An RSA key pair the emulator signs with, in the two shapes it is used in (with and without <c>kid</c>).</summary>
internal sealed class SigningKey : IDisposable
{
    private readonly RSA _rsa;
    private readonly string _modulus;
    private readonly string _exponent;

    private SigningKey(RSA rsa, string keyId)
    {
        _rsa = rsa;
        KeyId = keyId;
        WithKeyId = new RsaSecurityKey(rsa) { KeyId = keyId };
        WithoutKeyId = new RsaSecurityKey(rsa);

        // JsonWebKeyConverter reads n and e from the public parameters only.
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(includePrivateParameters: false)));
        _modulus = jwk.N;
        _exponent = jwk.E;
    }

    public string KeyId { get; }

    public RsaSecurityKey WithKeyId { get; }

    public RsaSecurityKey WithoutKeyId { get; }

    public static SigningKey Generate() =>
        new(RSA.Create(2048), Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)));

    public RsaSecurityKey SecurityKey(bool includeKeyId) => includeKeyId ? WithKeyId : WithoutKeyId;

    /// <summary>The public JWK as the JWKS endpoint publishes it.</summary>
    public JsonObject CreatePublicJwk(bool includeKeyId)
    {
        var json = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
        };
        if (includeKeyId)
        {
            json["kid"] = KeyId;
        }

        json["n"] = _modulus;
        json["e"] = _exponent;
        return json;
    }

    public void Dispose() => _rsa.Dispose();
}
