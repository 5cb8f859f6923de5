using System.Globalization;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>
/// Every failure message of the handler, in one place, each with a stable id (<c>CIDAAS1xxx</c> for the callback,
/// <c>CIDAAS2xxx</c> for the back channel, <c>CIDAAS3xxx</c> for id_tokens, <c>CIDAAS4xxx</c> for sign-out,
/// <c>CIDAAS6xxx</c> for back-channel logout and sessions, <c>CIDAAS7xxx</c> for tokens after sign-in,
/// <c>CIDAAS8xxx</c> for pushed authorization).
/// No message ever contains a secret, a code, a token or a verifier.
/// </summary>
internal static class CidaasErrors
{
    public const string StateMissing = "CIDAAS1001: The authorization response has no 'state' parameter.";
    public const string StateInvalid = "CIDAAS1002: The 'state' parameter could not be read: it was tampered with, protected for another scheme or by another key ring, or is not from this application.";
    public const string StateExpired = "CIDAAS1003: The sign-in took too long: the 'state' parameter has expired. Start the sign-in again.";
    public const string CorrelationFailed = "CIDAAS1004: Correlation failed: the correlation cookie of this sign-in is missing (another browser, a replayed callback, or blocked cookies).";
    public const string CodeMissing = "CIDAAS1005: The authorization response has neither a 'code' nor an 'error' parameter.";
    public const string IssuerMissing = "CIDAAS1007: The authorization response has no 'iss' parameter although cidaas announces that it sends one (RFC 9207).";
    public const string WrongMethod = "CIDAAS1009: The authorization response must arrive as a GET request with query parameters.";
    public const string StateNotForSignIn = "CIDAAS1010: The 'state' parameter does not belong to a sign-in.";
    public const string AccessDenied = "CIDAAS1011: Access was denied by the user or by cidaas.";
    public const string TokenResponseMissingAccessToken = "CIDAAS2004: The token endpoint's answer has no 'access_token'.";
    public const string IdTokenMissing = "CIDAAS3001: The token endpoint's answer has no 'id_token' although the 'openid' scope was requested.";
    public const string ConfigurationIssuerMissing = "CIDAAS3010: The cidaas configuration has no issuer.";
    public const string UserInfoNotJson = "CIDAAS2010: The userinfo endpoint's answer is not a JSON object.";
    public const string UserInfoSubjectMissing = "CIDAAS2011: The userinfo endpoint's answer has no 'sub'.";
    public const string UserInfoSubjectMismatch = "CIDAAS2012: The 'sub' of the userinfo answer differs from the 'sub' of the id_token.";

    // Back-channel logout and sessions (issue 15).
    public const string LogoutWrongMethod = "CIDAAS6001: A back-channel logout request must be a POST with a form-encoded body (application/x-www-form-urlencoded).";
    public const string LogoutTokenMissing = "CIDAAS6003: The back-channel logout request has no single 'logout_token' parameter.";
    public const string LogoutBodyTooLarge = "CIDAAS6004: The back-channel logout request body is too large.";
    public const string LogoutTokenReplayed = "CIDAAS6005: The logout token was already used (its 'jti' was seen before).";
    public const string LogoutTokenNoId = "CIDAAS6006: The logout token has no 'jti' claim, so a replay of it could not be detected.";
    public const string LogoutRefused = "CIDAAS6007: The back-channel logout was refused by the application (OnBackchannelLogout).";
    public const string SessionStoreUnavailable = "CIDAAS6008: The session store (the distributed cache) could not be reached; the session could not be read or written. Try again shortly.";
    public const string LogoutParametersInvalid = "CIDAAS6009: The back-channel logout request carries parameters other than a single 'logout_token'.";

    // Challenge options (issue 16): what max_age and acr_values ask of the id_token.
    public const string AuthTimeMissing = "CIDAAS3020: The id_token has no usable 'auth_time' claim although the sign-in sent max_age (OpenID Connect Core §3.1.2.1); cidaas's app setting 'require_auth_time' makes it send one.";
    public const string AuthenticationRequirementsWithoutIdToken = "CIDAAS3023: The sign-in sent max_age or required an acr but received no id_token to check them against (request the 'openid' scope).";

    public static string AuthTimeTooOld(string reason) => $"CIDAAS3021: The user's authentication is too old for this sign-in: {reason}";

    public static string AcrNotMet(string? acr)
        => "CIDAAS3022: The id_token's authentication context class ('acr') is " + (string.IsNullOrEmpty(acr) ? "missing" : $"'{Clean(acr)}'")
        + ", not one of the acr_values this sign-in required (RequireAcr).";

    public static string LogoutTokenInvalid(string reason) => $"CIDAAS6002: The logout token was rejected: {reason}";

    public static string DuplicateParameter(string name) => $"CIDAAS1008: The authorization response carries the '{name}' parameter more than once.";

    public static string IssuerMismatch => "CIDAAS1006: The 'iss' parameter of the authorization response is not the expected cidaas issuer (possible mix-up attack, RFC 9207).";

    public static string AuthorizationError(string error, string? description)
        => $"CIDAAS1012: cidaas answered the authorization request with the error '{Clean(error)}'" + (description is null ? "." : $": {Clean(description)}");

    public static string TokenEndpointError(string error, string? description)
        => $"CIDAAS2001: The token endpoint answered with the error '{Clean(error)}'" + (description is null ? "." : $": {Clean(description)}");

    public static string TokenEndpointStatus(int status)
        => $"CIDAAS2002: The token endpoint answered with HTTP {status.ToString(CultureInfo.InvariantCulture)} and no OAuth error.";

    public static string NotJson(string endpointName) => $"CIDAAS2003: The {endpointName}'s answer is not a JSON object.";

    public static string WrongTokenType(string? tokenType)
        => $"CIDAAS2005: The token endpoint issued a token of type '{Clean(tokenType ?? "(none)")}'; only 'Bearer' is supported.";

    public static string Timeout(string endpointName, TimeSpan timeout)
        => $"CIDAAS2006: The {endpointName} did not answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds (BackchannelTimeout).";

    public static string Unreachable(string endpointName, string reason)
        => $"CIDAAS2007: The {endpointName} could not be reached: {Clean(reason)}";

    public static string ResponseTooLarge(string endpointName, int maxBytes)
        => $"CIDAAS2008: The {endpointName}'s answer is larger than {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes (MaxBackchannelResponseSize).";

    public static string UserInfoStatus(int status)
        => $"CIDAAS2009: The userinfo endpoint answered with HTTP {status.ToString(CultureInfo.InvariantCulture)}.";

    // Client authentication with JWTs and HS256 id_tokens (issue 16).
    public const string IdTokenHs256Refused = "CIDAAS3030: The id_token is signed with HS256 (keyed with the client secret), which this application does not accept. Set the cidaas app's 'id_token_signed_response_alg' to 'RS256' (recommended: id_tokens are then checked with cidaas's published keys), or, for a confidential client with a secret of 32 bytes or more, turn on the 'AcceptHs256IdTokens' option.";

    public static string IdTokenInvalid(string reason) => $"CIDAAS3002: The id_token was rejected: {reason}";

    /// <summary>Why the keys refetched for an id_token's unknown key cannot be used (the HTTP status is not shown).</summary>
    public static string IdTokenSigningKeysNotRefetched(CidaasJwksProblem problem, int status) => IdTokenInvalid(problem switch
    {
        CidaasJwksProblem.Status => "its signing key is unknown and the key set could not be refetched.",
        CidaasJwksProblem.NotJson => "its signing key is unknown and the refetched key set is not valid JSON.",
        _ => "its signing key is unknown and the refetched key set holds no usable signing key.",
    });

    public static string ConfigurationUnavailable(string? address)
        => $"CIDAAS3003: The cidaas discovery document could not be loaded from '{address}'. No one can sign in until it can be read.";

    public static string ConfigurationIssuerMismatch(string? issuer, string? authority)
        => $"CIDAAS3004: The discovery document's issuer '{Clean(issuer ?? string.Empty)}' is not the configured Authority '{authority}'. Refusing to sign anyone in.";

    // Tokens after sign-in (issue 14): the user's and the client's access tokens, refresh and revocation.
    public const string UserTokenNoUser = "CIDAAS7001: No user is signed in, so there is no user access token.";
    public const string UserTokenNotStored = "CIDAAS7002: The session holds no access token: turn on SaveTokens in the cidaas options.";
    public const string UserTokenNoRefreshToken = "CIDAAS7003: The access token has expired and the session holds no refresh token to renew it (ask for the 'offline_access' scope and turn on SaveTokens).";
    public const string UserTokenRefreshRefused = "CIDAAS7004: cidaas refused to renew the access token (invalid_grant: the refresh token is expired, revoked or used up); the local session was ended, so the next protected request signs the user in again.";
    public const string UserTokenSchemeNotFound = "CIDAAS7006: The session was not signed in by a cidaas scheme of this application, or more than one cidaas scheme is registered and the session does not name its own.";
    public const string UserTokenRefreshWaitTimedOut = "CIDAAS7007: Another instance is renewing the access token and did not publish the result in time; try again.";
    public const string UserTokenIdTokenSubjectChanged = "CIDAAS7008: The id_token of the refresh answer names another subject than the session's; the answer was not used.";

    public static string UserTokenRefreshFailed(string reason) => $"CIDAAS7005: The access token could not be renewed; the session stays as it is: {reason}";

    public static string RevocationStatus(int status)
        => $"CIDAAS7010: The revocation endpoint answered with HTTP {status.ToString(CultureInfo.InvariantCulture)}.";

    public static string ClientTokenFailed(string name, string reason) => $"CIDAAS7020: The client token '{Clean(name)}' could not be obtained: {reason}";

    // Pushed authorization requests (issue 16): CIDAAS8001–8019.
    public const string PushedAuthorizationRequestUriMissing = "CIDAAS8003: The pushed authorization request endpoint's answer has no usable 'request_uri' (a non-empty string of no more than 2048 characters).";
    public const string PushedAuthorizationEndpointMissing = "CIDAAS8005: PushedAuthorizationBehavior is Require, but no PAR endpoint is known: the discovery document names no 'pushed_authorization_request_endpoint' and the PushedAuthorizationEndpoint option is not set.";
    public const string PushedAuthorizationRequiredButDisabled = "CIDAAS8006: The discovery document says cidaas requires pushed authorization requests ('require_pushed_authorization_requests'), but no PAR endpoint is known to push to.";
    public const string PushedAuthorizationEndpointNotHttps = "CIDAAS8007: The discovery document's 'pushed_authorization_request_endpoint' is not an absolute https URL (plain http is allowed only for loopback addresses or with RequireHttpsMetadata off); the client's credentials are not sent to it.";

    public static string PushedAuthorizationError(string error, string? description)
        => $"CIDAAS8001: The pushed authorization request endpoint answered with the error '{Clean(error)}'" + (description is null ? "." : $": {Clean(description)}");

    public static string PushedAuthorizationStatus(int status)
        => $"CIDAAS8002: The pushed authorization request endpoint answered with HTTP {status.ToString(CultureInfo.InvariantCulture)} and no OAuth error.";

    public static string PushedAuthorizationLifetime(string received, int minimumSeconds)
        => $"CIDAAS8004: The pushed authorization request endpoint's 'expires_in' is {Clean(received)}; a whole number of {minimumSeconds.ToString(CultureInfo.InvariantCulture)} seconds or more is required, so that the browser reaches cidaas before the request_uri expires.";

    /// <summary>Replaces each secret in text from cidaas, as is or percent-encoded, with <c>[redacted]</c>.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Redact(string? text, params ReadOnlySpan<string?> secrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            text = text.Replace(secret, "[redacted]", StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(secret), "[redacted]", StringComparison.Ordinal)
                .Replace(System.Net.WebUtility.UrlEncode(secret), "[redacted]", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Text from cidaas or from the request, made safe for a log line or a plain-text page: short, one line.</summary>
    public static string Clean(string value)
    {
        const int MaxLength = 200;
        var span = value.AsSpan(0, Math.Min(value.Length, MaxLength));
        var chars = new char[span.Length];
        for (var i = 0; i < span.Length; i++)
        {
            chars[i] = char.IsControl(span[i]) ? ' ' : span[i];
        }

        var cleaned = new string(chars);
        return value.Length > MaxLength ? cleaned + "…" : cleaned;
    }
}
