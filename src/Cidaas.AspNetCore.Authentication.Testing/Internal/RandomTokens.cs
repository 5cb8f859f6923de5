using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>Unguessable identifiers: codes, session ids, token ids.</summary>
internal static class RandomTokens
{
    /// <summary>256 random bits, base64url-encoded.</summary>
    public static string Create() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>A GUID-shaped id, as cidaas uses for <c>sid</c> and <c>jti</c>.</summary>
    public static string CreateId() => Guid.NewGuid().ToString();
}
