using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>PKCE (RFC 7636): the S256 challenge of a verifier (<see cref="CidaasRandomValue"/> makes the verifier).</summary>
internal static class CidaasPkce
{
    public const string MethodS256 = "S256";

    /// <summary>The size of an S256 challenge before base64url: a SHA-256 hash.</summary>
    public const int S256ChallengeSize = SHA256.HashSizeInBytes;

    /// <summary>BASE64URL(SHA256(ASCII(verifier))).</summary>
    public static string CreateS256Challenge(string verifier)
    {
        Span<byte> hash = stackalloc byte[S256ChallengeSize];
        ComputeS256Challenge(verifier, hash);
        return WebEncoders.Base64UrlEncode(hash);
    }

    /// <summary>SHA256(ASCII(verifier)) into <paramref name="hash"/>, to be base64url-encoded where it is written.</summary>
    public static void ComputeS256Challenge(string verifier, Span<byte> hash)
    {
        Span<byte> ascii = verifier.Length <= 256 ? stackalloc byte[verifier.Length] : new byte[verifier.Length];
        Encoding.ASCII.GetBytes(verifier, ascii);
        SHA256.HashData(ascii, hash);
    }
}
