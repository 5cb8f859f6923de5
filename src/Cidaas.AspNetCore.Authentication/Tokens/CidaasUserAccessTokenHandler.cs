using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>
/// Sends the signed-in user's access token (<c>Authorization: Bearer</c>) with each request of an <see cref="HttpClient"/>,
/// and, when the API answers 401, renews the token once and sends the request once more. Without a signed-in user (or
/// outside a request) the request goes out without a token.
/// </summary>
/// <remarks>
/// A retry sends the body again: a body whose length is known and at most <see cref="MaxReplayableBodyBytes"/> is buffered
/// before the first attempt; any other body (a stream of unknown length, a large upload) is not retried, and the 401 is
/// returned as it came, with a log line that says why.
/// </remarks>
internal sealed class CidaasUserAccessTokenHandler : DelegatingHandler
{
    internal const long MaxReplayableBodyBytes = 1024 * 1024;

    private readonly IHttpContextAccessor _accessor;
    private readonly ILogger _logger;

    public CidaasUserAccessTokenHandler(IHttpContextAccessor accessor, ILoggerFactory loggerFactory)
    {
        _accessor = accessor;
        _logger = loggerFactory.CreateLogger("Cidaas.AspNetCore.Authentication.Tokens");
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = _accessor.HttpContext;
        var token = context is null ? null : await context.GetCidaasUserAccessTokenAsync(forceRefresh: false, cancellationToken);
        if (token is not { Succeeded: true })
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var replayable = await PrepareReplayAsync(request.Content, cancellationToken);
        request.Headers.Authorization = new("Bearer", token.AccessToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.Unauthorized)
        {
            return response;
        }

        if (!replayable)
        {
            _logger.RetryImpossible();
            return response;
        }

        var renewed = await context!.GetCidaasUserAccessTokenAsync(forceRefresh: true, cancellationToken);
        if (!renewed.Succeeded || renewed.AccessToken == token.AccessToken)
        {
            return response;
        }

        _logger.RetryingWithRenewedToken();
        response.Dispose();
        request.Headers.Authorization = new("Bearer", renewed.AccessToken);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>Makes the body sendable twice: buffers it when its length is known and small enough.</summary>
    internal static async Task<bool> PrepareReplayAsync(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return true;
        }

        if (content.Headers.ContentLength is not long length || length > MaxReplayableBodyBytes)
        {
            return false;
        }

        await content.LoadIntoBufferAsync(MaxReplayableBodyBytes, cancellationToken);
        return true;
    }
}
