namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>
/// Sends a client token (grant <c>client_credentials</c>) of a named client with each request; on a 401 it gets a new
/// token once and sends the request once more (a body of known length up to 1 MiB is buffered for that).
/// </summary>
internal sealed class CidaasClientAccessTokenHandler(CidaasClientTokenCache tokens, string name) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(name, forceRenewal: false, cancellationToken);
        var replayable = await CidaasUserAccessTokenHandler.PrepareReplayAsync(request.Content, cancellationToken);
        request.Headers.Authorization = new("Bearer", token.AccessToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized || !replayable)
        {
            return response;
        }

        var renewed = await tokens.GetAsync(name, forceRenewal: true, cancellationToken);
        if (renewed.AccessToken == token.AccessToken)
        {
            return response;
        }

        response.Dispose();
        request.Headers.Authorization = new("Bearer", renewed.AccessToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
