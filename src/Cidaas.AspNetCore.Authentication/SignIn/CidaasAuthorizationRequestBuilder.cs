using System.Globalization;
using Cidaas.AspNetCore.Authentication.Protocol;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.SignIn;

/// <summary>
/// The challenge: the URL of the authorization request (RFC 6749 §4.1.1) with <c>response_type=code</c>, the client,
/// the exact <c>redirect_uri</c>, the scopes, the protected <c>state</c>, a PKCE challenge (RFC 7636) and a nonce when
/// <c>openid</c> is asked for. The verifier, the nonce, the <c>redirect_uri</c> and the expiry travel in the state:
/// nothing is kept in server memory.
/// </summary>
internal static class CidaasAuthorizationRequestBuilder
{
    /// <summary>Writes the sign-in's values into <paramref name="properties"/> and returns the authorization URL.</summary>
    /// <param name="options">The scheme's options.</param>
    /// <param name="properties">The challenge's properties, with the correlation id and the local return URL set.</param>
    /// <param name="redirectUri">The absolute callback URL.</param>
    /// <param name="now">The time of the challenge; the state expires <c>RemoteAuthenticationTimeout</c> later.</param>
    /// <param name="logger">Logs parameters that were ignored.</param>
    public static string Build(CidaasOptions options, AuthenticationProperties properties, string redirectUri, DateTimeOffset now, ILogger logger)
    {
        using var url = CidaasParameterWriter.ForUrl(options.AuthorizationEndpoint!);
        Write(url, options, properties, redirectUri, now, logger);
        return url.ToString();
    }

    /// <summary>
    /// Writes the sign-in's values into <paramref name="properties"/> and every authorization parameter into
    /// <paramref name="url"/>: the query of the authorization URL, or the form body pushed to the PAR endpoint
    /// (<see cref="CidaasPushedAuthorization"/>), so that both carry the same parameters.
    /// </summary>
    public static void Write(CidaasParameterWriter url, CidaasOptions options, AuthenticationProperties properties, string redirectUri, DateTimeOffset now, ILogger logger)
    {
        var requestedScope = ResolveRequestedScope(properties);
        var codeVerifier = options.UsePkce ? CidaasRandomValue.Create() : null;
        var openId = requestedScope is null ? options.Scope.Contains("openid") : ContainsScope(requestedScope, "openid");
        var nonce = openId ? CidaasRandomValue.Create() : null;

        properties.Items[CidaasStateKeys.RedirectUri] = redirectUri;
        CidaasFlowState.Start(properties, CidaasStateKeys.SignInPurpose, now + options.RemoteAuthenticationTimeout);
        if (codeVerifier is not null)
        {
            properties.Items[CidaasStateKeys.CodeVerifier] = codeVerifier;
        }

        if (nonce is not null)
        {
            properties.Items[CidaasStateKeys.Nonce] = nonce;
        }

        url.Add(CidaasParameterNames.ResponseType, "code");
        url.Add(CidaasParameterNames.ClientId, options.ClientId!);
        url.Add(CidaasParameterNames.RedirectUri, redirectUri);
        if (requestedScope is null)
        {
            url.AddList(CidaasParameterNames.Scope, options.Scope);
        }
        else
        {
            url.Add(CidaasParameterNames.Scope, requestedScope);
        }

        var challengeParameters = CidaasChallengeParameters.Resolve(options, properties); // issue 16: before the state is protected
        AddState(url, options.StateDataFormat, properties);
        if (codeVerifier is not null)
        {
            AddCodeChallenge(url, codeVerifier);
            url.Add(CidaasParameterNames.CodeChallengeMethod, CidaasPkce.MethodS256);
        }

        if (nonce is not null)
        {
            url.Add(CidaasParameterNames.Nonce, nonce);
        }

        challengeParameters.AddTo(url);
        AddExtraParameters(url, options.AdditionalAuthorizationParameters, properties, logger);
    }

    /// <summary>The scopes this challenge asks for itself (its <c>scope</c> parameter); <see langword="null"/> for the options' scopes.</summary>
    private static string? ResolveRequestedScope(AuthenticationProperties properties)
    {
        var requested = properties.GetParameter<object>(CidaasParameterNames.Scope);
        return requested switch
        {
            string text when !string.IsNullOrWhiteSpace(text) => text.Trim(),
            IEnumerable<string> list when list.Any() => string.Join(' ', list),
            _ => null,
        };
    }

    private static bool ContainsScope(string scope, string value)
    {
        foreach (var part in scope.AsSpan().Split(' '))
        {
            if (scope.AsSpan(part).SequenceEqual(value))
            {
                return true;
            }
        }

        return false;
    }

    private static void AddState(CidaasParameterWriter url, ISecureDataFormat<AuthenticationProperties> stateFormat, AuthenticationProperties properties)
    {
        if (stateFormat is CidaasStateDataFormat format)
        {
            // The default format hands over the protected bytes: they are base64url-encoded straight into the URL.
            url.AddBase64Url(CidaasParameterNames.State, format.ProtectToBytes(properties));
        }
        else
        {
            url.Add(CidaasParameterNames.State, stateFormat.Protect(properties));
        }
    }

    private static void AddCodeChallenge(CidaasParameterWriter url, string codeVerifier)
    {
        Span<byte> challenge = stackalloc byte[CidaasPkce.S256ChallengeSize];
        CidaasPkce.ComputeS256Challenge(codeVerifier, challenge);
        url.AddBase64Url(CidaasParameterNames.CodeChallenge, challenge);
    }

    /// <summary>
    /// The options' additional parameters, then the challenge's own (which win), except those the request sets itself:
    /// a reserved name is logged and left out.
    /// </summary>
    private static void AddExtraParameters(
        CidaasParameterWriter url, IDictionary<string, string> additionalParameters, AuthenticationProperties properties, ILogger logger)
    {
        Dictionary<string, string>? merged = null;
        foreach (var parameter in additionalParameters)
        {
            (merged ??= new(StringComparer.Ordinal))[parameter.Key] = parameter.Value;
        }

        foreach (var parameter in properties.Parameters)
        {
            if (parameter.Key != CidaasParameterNames.Scope && parameter.Value is not null)
            {
                var value = parameter.Value switch
                {
                    string text => text,
                    TimeSpan span => ((long)span.TotalSeconds).ToString(CultureInfo.InvariantCulture),
                    IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                    _ => null,
                };

                if (value is not null)
                {
                    (merged ??= new(StringComparer.Ordinal))[parameter.Key] = value;
                }
            }
        }

        if (merged is null)
        {
            return;
        }

        foreach (var parameter in merged)
        {
            if (CidaasChallengeParameterRules.Covers(parameter.Key))
            {
                continue; // written, checked, by CidaasChallengeParameters
            }

            if (CidaasParameterNames.IsReserved(parameter.Key) || parameter.Key == CidaasParameterNames.Scope)
            {
                logger.ReservedParameterIgnored(parameter.Key);
                continue;
            }

            url.Add(parameter.Key, parameter.Value);
        }
    }
}
