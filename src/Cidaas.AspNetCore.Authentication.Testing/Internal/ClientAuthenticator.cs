using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>
/// Client authentication at the token, introspection and revocation endpoints:
/// <c>client_secret_post</c> or <c>client_secret_basic</c> (RFC 6749 §2.3.1), or a <c>client_secret_jwt</c> or
/// <c>private_key_jwt</c> assertion (RFC 7523, <see cref="ClientAssertionValidator"/>), never two of them, and never one
/// weaker than the client's registered <c>token_endpoint_auth_method</c>.
/// </summary>
internal static class ClientAuthenticator
{
    public readonly record struct Result(CidaasEmulatorClient? Client, string? Error)
    {
        public static Result Fail(string error) => new(null, error);
    }

    public static Task<Result> AuthenticateAsync(HttpContext context, IFormCollection form, CidaasEmulatorOptions options) =>
        AuthenticateAsync(context, Single(form, "client_id"), Single(form, "client_secret"), options, Single(form, "client_assertion_type"), Single(form, "client_assertion"));

    /// <summary>
    /// Authenticates with a client assertion when the body carries one, else with a Basic header, else with the id and
    /// secret the body (a form or JSON) carries.
    /// </summary>
    public static Task<Result> AuthenticateAsync(
        HttpContext context, string? formClientId, string? formSecret, CidaasEmulatorOptions options, string? assertionType = null, string? assertion = null)
    {
        if (assertionType is null && assertion is null)
        {
            return Task.FromResult(Authenticate(context, formClientId, formSecret, options));
        }

        if (formSecret is not null || context.Request.Headers.Authorization.Count > 0)
        {
            return Task.FromResult(Result.Fail("The client used more than one authentication method (a client assertion and a secret)."));
        }

        var emulator = context.Features.Get<CidaasEmulator>()!;
        return emulator.ClientAssertions.ValidateAsync(context, emulator, formClientId, assertionType, assertion);
    }

    /// <summary>Authenticates with a Basic header, else with the id and secret the body (a form or JSON) carries.</summary>
    private static Result Authenticate(HttpContext context, string? formClientId, string? formSecret, CidaasEmulatorOptions options)
    {
        string? clientId;
        string? secret;

        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            if (!AuthenticationHeaderValue.TryParse(authorization, out var header)
                || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
            {
                return Result.Fail("Unsupported Authorization scheme; use Basic or client_secret_post.");
            }

            if (formSecret is not null)
            {
                return Result.Fail("The client used more than one authentication method (Basic and client_secret in the body).");
            }

            if (!TryDecodeBasic(header.Parameter, out clientId, out secret))
            {
                return Result.Fail("The Basic credentials could not be decoded.");
            }

            if (formClientId is not null && formClientId != clientId)
            {
                return Result.Fail("The client_id in the body does not match the Basic credentials.");
            }
        }
        else
        {
            clientId = formClientId;
            secret = formSecret;
        }

        if (string.IsNullOrEmpty(clientId))
        {
            return Result.Fail("Client authentication is required.");
        }

        var client = options.Clients.FirstOrDefault(c => c.ClientId == clientId);
        if (client is null)
        {
            return Result.Fail("Unknown client.");
        }

        if (ClientAssertionValidator.Strength(client.TokenEndpointAuthMethod) > 0)
        {
            return Result.Fail($"The client is registered for {client.TokenEndpointAuthMethod}; it must authenticate with a client assertion.");
        }

        if (string.IsNullOrEmpty(client.ClientSecret))
        {
            // A public client: nothing to check, but it must not pretend to have a secret.
            return string.IsNullOrEmpty(secret) ? new Result(client, null) : Result.Fail("The client has no secret.");
        }

        if (secret is null)
        {
            return Result.Fail("Client authentication is required.");
        }

        return SecretsEqual(secret, client.ClientSecret) ? new Result(client, null) : Result.Fail("Client authentication failed.");
    }

    /// <summary>A form value sent once, or <see langword="null"/> when absent or empty. Repeated values count as absent for this purpose.</summary>
    public static string? Single(IFormCollection form, string name)
    {
        var values = form[name];
        return values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
    }

    private static bool TryDecodeBasic(string? parameter, out string? clientId, out string? secret)
    {
        clientId = null;
        secret = null;
        if (string.IsNullOrEmpty(parameter))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        // RFC 6749 §2.3.1: both parts are application/x-www-form-urlencoded before Base64.
        clientId = WebUtility.UrlDecode(decoded[..colon]);
        secret = WebUtility.UrlDecode(decoded[(colon + 1)..]);
        return true;
    }

    private static bool SecretsEqual(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
