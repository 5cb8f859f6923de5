using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>PKCE (RFC 7636) and other random protocol values.</summary>
internal static class CidaasPkce
{
    public const string MethodS256 = "S256";

    /// <summary>32 random bytes, base64url: a 43-character verifier, nonce or id (256 bits of entropy).</summary>
    public static string CreateRandomValue()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return WebEncoders.Base64UrlEncode(bytes);
    }

    /// <summary>BASE64URL(SHA256(ASCII(verifier))).</summary>
    public static string CreateS256Challenge(string verifier)
    {
        Span<byte> ascii = verifier.Length <= 256 ? stackalloc byte[verifier.Length] : new byte[verifier.Length];
        Encoding.ASCII.GetBytes(verifier, ascii);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(ascii, hash);
        return WebEncoders.Base64UrlEncode(hash);
    }
}
