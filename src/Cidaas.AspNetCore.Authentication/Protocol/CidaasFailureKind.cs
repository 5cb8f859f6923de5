namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>Who has to act on a failure, which decides the level it is logged at.</summary>
internal enum CidaasFailureKind
{
    /// <summary>The user's doing (cancelled, took too long, came back twice): Information, nothing to fix.</summary>
    User,

    /// <summary>A request shaped like an attack (forged state, wrong issuer, bad signature): Warning.</summary>
    Attack,

    /// <summary>A mistake in the app's or the cidaas app's settings that shows only at run time: Error, with a hint.</summary>
    Configuration,

    /// <summary>cidaas could not be reached or answered unusably: Error.</summary>
    Unavailable,
}

/// <summary>Who has to act on an OAuth error cidaas sent (RFC 6749 §4.1.2.1, §5.2; OpenID Connect Core §3.1.2.6).</summary>
internal static class CidaasFailureKinds
{
    /// <summary>
    /// An <c>error</c> of the token endpoint: a spent or expired code or refresh token is the user's (a replayed or slow
    /// callback), a refused client or grant type is a misconfiguration. <c>invalid_request</c> and unknown words are
    /// attack-shaped: the handler's own requests are well-formed by construction (the same <c>redirect_uri</c> byte for
    /// byte, the verifier), so a malformed one carries a code the callback made up.
    /// </summary>
    public static CidaasFailureKind OfTokenError(string? error) => error switch
    {
        "invalid_grant" => CidaasFailureKind.User,
        null or "invalid_client" or "unauthorized_client" or "unsupported_grant_type" or "invalid_scope" => CidaasFailureKind.Configuration,
        "temporarily_unavailable" or "server_error" => CidaasFailureKind.Unavailable,
        _ => CidaasFailureKind.Attack,
    };

    /// <summary>
    /// An <c>error</c> of the authorization response (it arrives through the browser, after the state was checked): a
    /// login or consent the user did not give is the user's, a refused client, scope or request a misconfiguration, an
    /// unknown word attack-shaped.
    /// </summary>
    public static CidaasFailureKind OfAuthorizationError(string? error) => error switch
    {
        "login_required" or "consent_required" or "interaction_required" or "account_selection_required" => CidaasFailureKind.User,
        "invalid_request" or "invalid_client" or "unauthorized_client" or "invalid_scope" or "unsupported_response_type" => CidaasFailureKind.Configuration,
        "temporarily_unavailable" or "server_error" => CidaasFailureKind.Unavailable,
        _ => CidaasFailureKind.Attack,
    };

    /// <summary>The log level of a failure of this kind.</summary>
    public static Microsoft.Extensions.Logging.LogLevel LevelOf(CidaasFailureKind kind) => kind switch
    {
        CidaasFailureKind.User => Microsoft.Extensions.Logging.LogLevel.Information,
        CidaasFailureKind.Attack => Microsoft.Extensions.Logging.LogLevel.Warning,
        _ => Microsoft.Extensions.Logging.LogLevel.Error,
    };
}
