using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Fetches the issuer's signing keys from its JWKS endpoint through the back channel (timeout and size cap included).
/// Each caller words its own failures: the sign-in, the bearer handler and later token validators report them with
/// their own <c>CIDAAS</c> codes.
/// </summary>
internal static class CidaasJwks
{
    /// <param name="backchannel">The back channel of the scheme.</param>
    /// <param name="jwksUri">The <c>jwks_uri</c> of the discovery document.</param>
    /// <param name="maxResponseBytes">The largest answer read.</param>
    /// <param name="timeout">Covers the whole exchange.</param>
    /// <param name="describe">The message of the <see cref="CidaasProtocolException"/> thrown for a problem, given the HTTP status.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The signing keys; never empty.</returns>
    /// <exception cref="CidaasProtocolException">The endpoint failed, timed out, answered too much, or answered no usable key set.</exception>
    public static async Task<ICollection<SecurityKey>> GetSigningKeysAsync(
        HttpClient backchannel,
        string jwksUri,
        int maxResponseBytes,
        TimeSpan timeout,
        Func<CidaasJwksProblem, int, string> describe,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, jwksUri);
        var response = await CidaasBackchannel.SendAsync(backchannel, request, maxResponseBytes, timeout, "JWKS endpoint", cancellationToken);
        var status = (int)response.StatusCode;
        if (!response.IsSuccess)
        {
            throw new CidaasProtocolException(describe(CidaasJwksProblem.Status, status)) { Kind = CidaasFailureKind.Unavailable };
        }

        IList<SecurityKey> keys;
        try
        {
            keys = new JsonWebKeySet(Encoding.UTF8.GetString(response.Body.Span)).GetSigningKeys();
        }
        catch (ArgumentException ex)
        {
            throw new CidaasProtocolException(describe(CidaasJwksProblem.NotJson, status), ex) { Kind = CidaasFailureKind.Unavailable };
        }

        // An empty set would replace the cached keys with nothing: it counts as a failed fetch, and the keys are kept.
        return keys.Count > 0 ? keys : throw new CidaasProtocolException(describe(CidaasJwksProblem.NoSigningKeys, status)) { Kind = CidaasFailureKind.Unavailable };
    }
}
