using System.Globalization;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The challenge with a pushed authorization request (RFC 9126): every parameter the authorization request would carry
/// (<see cref="CidaasAuthorizationRequestBuilder.Write"/>: response type, client, <c>redirect_uri</c>, scopes, state, PKCE
/// challenge, nonce and every additional or per-challenge parameter) is POSTed as a form to the PAR endpoint with the
/// client's authentication (the token requests' <see cref="CidaasClientAuthentication"/>), and the browser is sent to
/// the authorization endpoint with only <c>client_id</c> and the <c>request_uri</c> cidaas answered. An answer that
/// cannot be used fails the challenge (CIDAAS8xxx, or the back channel's CIDAAS2003/2006/2007/2008): the handler never
/// falls back to the URL once it has decided to push.
/// </summary>
internal static class CidaasPushedAuthorization
{
    /// <summary>
    /// The shortest <c>expires_in</c> accepted, in seconds: the browser follows the redirect at once, but a lifetime below
    /// this leaves no room for a slow network or clocks; cidaas documents about 90 seconds.
    /// </summary>
    public const int MinimumLifetimeSeconds = 10;

    private const int MaxRequestUriLength = 2048;

    /// <summary>
    /// The PAR endpoint this challenge pushes to, or <see langword="null"/> when the parameters go in the URL
    /// (<see cref="CidaasPushedAuthorizationBehavior"/>). The discovery document is read only when the behavior is not
    /// <c>Disable</c> and no endpoint is configured; it is the scheme's cached one, which the callback reads anyway.
    /// </summary>
    /// <exception cref="CidaasProtocolException">The discovery document cannot be used, or PAR is required and no usable endpoint is known.</exception>
    public static async ValueTask<string?> FindEndpointAsync(CidaasOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (options.PushedAuthorizationBehavior == CidaasPushedAuthorizationBehavior.Disable)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(options.PushedAuthorizationEndpoint))
        {
            return options.PushedAuthorizationEndpoint;
        }

        var configuration = await CidaasConfigurationLoader.LoadAsync(options, logger, cancellationToken);
        var endpoint = configuration.PushedAuthorizationRequestEndpoint;
        if (string.IsNullOrEmpty(endpoint))
        {
            if (options.PushedAuthorizationBehavior == CidaasPushedAuthorizationBehavior.Require)
            {
                throw new CidaasProtocolException(CidaasErrors.PushedAuthorizationEndpointMissing) { Kind = CidaasFailureKind.Configuration };
            }

            return configuration.RequirePushedAuthorizationRequests
                ? throw new CidaasProtocolException(CidaasErrors.PushedAuthorizationRequiredButDisabled) { Kind = CidaasFailureKind.Configuration }
                : null;
        }

        // The client's credentials go to this address: it must be as safe as the configured endpoints.
        var checker = new CidaasOptionsChecker(options.RequireHttpsMetadata);
        checker.CheckEndpoint(endpoint, "PushedAuthorizationEndpoint");
        return checker.HasErrors
            ? throw new CidaasProtocolException(CidaasErrors.PushedAuthorizationEndpointNotHttps) { Kind = CidaasFailureKind.Configuration }
            : endpoint;
    }

    /// <summary>Writes the sign-in's values into <paramref name="properties"/>, pushes the parameters and returns the URL to redirect to.</summary>
    /// <exception cref="CidaasProtocolException">The push failed or its answer cannot be used.</exception>
    public static async Task<string> PushAsync(
        CidaasOptions options, string endpoint, AuthenticationProperties properties, string redirectUri, DateTimeOffset now, ILogger logger, CancellationToken cancellationToken)
    {
        using var form = CidaasParameterWriter.ForForm();
        CidaasAuthorizationRequestBuilder.Write(form, options, properties, redirectUri, now, logger);
        logger.PushingAuthorizationRequest(endpoint);
        var response = await options.CreateTokenClient(logger).PushAuthorizationAsync(endpoint, form, cancellationToken);
        var (requestUri, lifetime) = ReadAnswer(response, options.ClientSecret, form);
        logger.AuthorizationRequestPushed(endpoint, lifetime);

        using var url = CidaasParameterWriter.ForUrl(options.AuthorizationEndpoint!);
        url.Add(CidaasParameterNames.ClientId, options.ClientId!);
        url.Add(CidaasParameterNames.RequestUri, requestUri);
        return url.ToString();
    }

    /// <summary>
    /// The PAR endpoint's answer (RFC 9126 §2.2, §2.3): a JSON object with a <c>request_uri</c> and an <c>expires_in</c>
    /// of at least <see cref="MinimumLifetimeSeconds"/> under a 2xx status (201 Created as the RFC and cidaas say; 200 is
    /// taken too, for the body decides), else a failure that carries the OAuth error with the client secret, the state
    /// and the nonce redacted.
    /// </summary>
    private static (string RequestUri, int Lifetime) ReadAnswer(CidaasBackchannelResponse response, string? clientSecret, CidaasParameterWriter form)
    {
        var status = (int)response.StatusCode;
        using var document = response.TryParseObject();
        if (document is null)
        {
            throw new CidaasProtocolException(response.IsSuccess
                ? CidaasErrors.NotJson(CidaasTokenClient.PushedAuthorizationEndpointName)
                : CidaasErrors.PushedAuthorizationStatus(status))
            { StatusCode = status, Kind = status is >= 400 and < 500 ? CidaasFailureKind.Configuration : CidaasFailureKind.Unavailable };
        }

        var root = document.RootElement;
        var error = CidaasJson.GetString(root, CidaasParameterNames.Error);
        if (!response.IsSuccess || error is not null)
        {
            if (error is null)
            {
                throw new CidaasProtocolException(CidaasErrors.PushedAuthorizationStatus(status))
                {
                    StatusCode = status,
                    Kind = status is >= 400 and < 500 ? CidaasFailureKind.Configuration : CidaasFailureKind.Unavailable,
                };
            }

            // The error may quote the request back: nothing of the client secret, the state or the nonce leaves here.
            var sent = form.ToString();
            string?[] secrets = [clientSecret, FormValue(sent, CidaasParameterNames.State), FormValue(sent, CidaasParameterNames.Nonce)];
            error = CidaasErrors.Redact(error, secrets);
            var description = CidaasErrors.Redact(CidaasJson.GetString(root, CidaasParameterNames.ErrorDescription), secrets);
            throw new CidaasProtocolException(
                CidaasErrors.PushedAuthorizationError(error, description),
                error,
                description,
                CidaasErrors.Redact(CidaasJson.GetString(root, CidaasParameterNames.ErrorUri), secrets))
            {
                StatusCode = status,
                Kind = error is "server_error" or "temporarily_unavailable" ? CidaasFailureKind.Unavailable : CidaasFailureKind.Configuration,
            };
        }

        var requestUri = CidaasJson.GetString(root, CidaasParameterNames.RequestUri);
        if (string.IsNullOrWhiteSpace(requestUri) || requestUri.Length > MaxRequestUriLength || requestUri.Any(char.IsControl))
        {
            throw new CidaasProtocolException(CidaasErrors.PushedAuthorizationRequestUriMissing) { StatusCode = status, Kind = CidaasFailureKind.Unavailable };
        }

        return (requestUri, ReadLifetime(root, status));
    }

    private static int ReadLifetime(System.Text.Json.JsonElement root, int status)
    {
        if (!root.TryGetProperty(CidaasParameterNames.ExpiresIn, out var expiresIn))
        {
            throw new CidaasProtocolException(CidaasErrors.PushedAuthorizationLifetime("missing", MinimumLifetimeSeconds)) { StatusCode = status, Kind = CidaasFailureKind.Unavailable };
        }

        // A number as RFC 9126 says; a string of digits as some servers write numbers.
        var seconds = expiresIn.ValueKind switch
        {
            System.Text.Json.JsonValueKind.Number when expiresIn.TryGetInt32(out var number) => number,
            System.Text.Json.JsonValueKind.String when int.TryParse(expiresIn.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            _ => (int?)null,
        };

        return seconds is >= MinimumLifetimeSeconds
            ? seconds.Value
            : throw new CidaasProtocolException(CidaasErrors.PushedAuthorizationLifetime(expiresIn.GetRawText(), MinimumLifetimeSeconds)) { StatusCode = status, Kind = CidaasFailureKind.Unavailable };
    }

    /// <summary>A value of the pushed form, for redaction (the failure path only).</summary>
    private static string? FormValue(string form, string name)
    {
        foreach (var pair in form.Split('&'))
        {
            if (pair.Length > name.Length && pair.StartsWith(name, StringComparison.Ordinal) && pair[name.Length] == '=')
            {
                return Uri.UnescapeDataString(pair[(name.Length + 1)..]);
            }
        }

        return null;
    }
}
