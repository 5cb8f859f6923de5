namespace Cidaas.Sample.Web.Api;

/// <summary>What the API answered to one call made with the signed-in user's access token.</summary>
/// <param name="Path">The API path.</param>
/// <param name="What">What the endpoint needs.</param>
/// <param name="StatusCode">The HTTP status, or 0 when the call failed.</param>
/// <param name="WwwAuthenticate">The <c>WWW-Authenticate</c> header of a 401 or 403.</param>
/// <param name="Body">The answer's body, or why the call failed.</param>
public sealed record ApiCallResult(string Path, string What, int StatusCode, string? WwwAuthenticate, string Body);

/// <summary>The API demo page: where the API was called and what each call answered.</summary>
/// <param name="ApiBaseAddress">The address the API was called at.</param>
/// <param name="HasAccessToken">Whether the session holds a usable access token of the user.</param>
/// <param name="Calls">The calls made with the user's token.</param>
public sealed record ApiDemoModel(string? ApiBaseAddress, bool HasAccessToken, IReadOnlyList<ApiCallResult> Calls)
{
    /// <summary>When the user's access token the calls were made with expires.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; init; }

    /// <summary>Why there is no usable user token (a <c>CIDAASnnnn</c> message), or <see langword="null"/>.</summary>
    public string? AccessTokenError { get; init; }

    /// <summary>The call made as the sample itself, with a client_credentials token.</summary>
    public ApiCallResult? MachineCall { get; init; }
}
