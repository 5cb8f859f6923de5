using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary><c>/token-srv/revoke</c>: RFC 7009 revocation of access and refresh tokens. Answers 200 for unknown tokens too.</summary>
internal static class RevocationEndpoint
{
    public const string Path = "/token-srv/revoke";

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        if (await FormRequest.ReadAuthenticatedAsync(context, emulator.Options) is not { } request)
        {
            return;
        }

        var (form, client) = request;

        var token = ClientAuthenticator.Single(form, "token");
        if (token is null)
        {
            await Responses.WriteErrorAsync(context, "invalid_request", "The token parameter is missing.");
            return;
        }

        emulator.RevokeToken(token, client);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store";
    }
}
