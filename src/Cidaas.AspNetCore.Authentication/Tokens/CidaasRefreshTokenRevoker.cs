using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;

namespace Cidaas.AspNetCore.Authentication.Tokens;

/// <summary>
/// Revokes the session's refresh token at sign-out (RFC 7009, <c>token_type_hint=refresh_token</c>, with the client
/// authentication of the token endpoint, as cidaas documents for revocation). Bounded in time and never failing: the
/// sign-out goes on whatever happens here.
/// </summary>
internal static class CidaasRefreshTokenRevoker
{
    /// <summary>The most a sign-out waits for the revocation.</summary>
    internal static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public static async Task RevokeAsync(CidaasOptions options, AuthenticationProperties? session, ILogger logger)
    {
        if (!options.RevokeRefreshTokenOnSignOut || session?.GetTokenValue("refresh_token") is not { Length: > 0 } refreshToken
            || string.IsNullOrEmpty(options.RevocationEndpoint))
        {
            return;
        }

        // Not the request's token: a browser that goes away must not leave the token valid, and the budget bounds the wait.
        using var budget = new CancellationTokenSource(options.BackchannelTimeout < Budget ? options.BackchannelTimeout : Budget);
        try
        {
            await options.CreateTokenClient(logger).RevokeAsync(options.RevocationEndpoint, refreshToken, "refresh_token", budget.Token);
            logger.RefreshTokenRevoked();
        }
        catch (Exception ex)
        {
            // Whatever went wrong (no answer within the budget, a broken connection, an error status), the sign-out goes on.
            logger.RefreshTokenRevocationFailed(ex switch
            {
                CidaasProtocolException => ex.Message,
                OperationCanceledException => "no answer within the time budget",
                _ => ex.GetType().Name,
            });
        }
    }
}
