using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

/// <summary>RFC 7636 §4.2, computed by the test and not by the package under test.</summary>
internal static class Pkce
{
    /// <summary>BASE64URL(SHA256(ASCII(verifier))).</summary>
    public static string S256Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}
