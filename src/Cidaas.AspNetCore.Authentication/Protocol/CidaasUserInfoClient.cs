using System.Net.Http.Headers;
using System.Text.Json;

namespace Cidaas.AspNetCore.Authentication.Protocol;

/// <summary>Reads the user's claims from the userinfo endpoint (OpenID Connect Core §5.3) with the access token.</summary>
internal static class CidaasUserInfoClient
{
    private const string EndpointName = "userinfo endpoint";

    /// <param name="backchannel">The scheme's back channel.</param>
    /// <param name="userInfoEndpoint">The userinfo endpoint.</param>
    /// <param name="accessToken">The access token, sent as <c>Authorization: Bearer</c>.</param>
    /// <param name="maxResponseBytes">The largest answer read.</param>
    /// <param name="timeout">Covers the whole exchange.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer, a JSON object; the caller owns it.</returns>
    /// <exception cref="CidaasProtocolException">The endpoint failed, answered a status outside 2xx or no JSON object.</exception>
    public static async Task<JsonDocument> GetUserInformationAsync(
        HttpClient backchannel, Uri userInfoEndpoint, string accessToken, int maxResponseBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, userInfoEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        CidaasBackchannel.AcceptJson(request);

        var response = await CidaasBackchannel.SendAsync(backchannel, request, maxResponseBytes, timeout, EndpointName, cancellationToken);
        var status = (int)response.StatusCode;
        if (!response.IsSuccess)
        {
            throw new CidaasProtocolException(CidaasErrors.UserInfoStatus(status)) { StatusCode = status };
        }

        return response.TryParseObject() ?? throw new CidaasProtocolException(CidaasErrors.UserInfoNotJson) { StatusCode = status };
    }

    /// <summary>
    /// The userinfo answer's <c>sub</c>, which must be there and, when the sign-in had an id_token, equal its <c>sub</c>
    /// (OpenID Connect Core §5.3.2: otherwise the answer may be another user's).
    /// </summary>
    /// <param name="user">The userinfo answer.</param>
    /// <param name="idTokenSubject">The id_token's <c>sub</c>; <see langword="null"/> without an id_token.</param>
    /// <param name="subject">The subject, when it is good.</param>
    /// <returns>The failure message, or <see langword="null"/>.</returns>
    public static string? ValidateSubject(JsonElement user, string? idTokenSubject, out string subject)
    {
        subject = CidaasJson.GetString(user, "sub"u8) ?? string.Empty;
        if (subject.Length == 0)
        {
            return CidaasErrors.UserInfoSubjectMissing;
        }

        return idTokenSubject is null || string.Equals(subject, idTokenSubject, StringComparison.Ordinal) ? null : CidaasErrors.UserInfoSubjectMismatch;
    }
}
