using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>RFC 7636: code challenge syntax and verification.</summary>
internal static class Pkce
{
    public const string S256 = "S256";
    public const string Plain = "plain";

    /// <summary>43–128 characters of <c>[A-Za-z0-9-._~]</c> (RFC 7636 §4.1 and §4.2).</summary>
    public static bool IsValidSyntax(string value) =>
        value.Length is >= 43 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    public static bool Verify(string verifier, string challenge, string method)
    {
        var expected = method == S256
            ? Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))
            : verifier;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(challenge));
    }
}
