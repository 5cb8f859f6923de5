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
/// <param name="HasAccessToken">Whether the sign-in saved an access token.</param>
/// <param name="Calls">The calls.</param>
public sealed record ApiDemoModel(string? ApiBaseAddress, bool HasAccessToken, IReadOnlyList<ApiCallResult> Calls);
