using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>Unguessable protocol values: PKCE verifiers (RFC 7636 §4.1) and nonces (OpenID Connect Core §3.1.2.1).</summary>
internal static class CidaasRandomValue
{
    /// <summary>32 random bytes, base64url: a 43-character value with 256 bits of entropy.</summary>
    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return WebEncoders.Base64UrlEncode(bytes);
    }
}
