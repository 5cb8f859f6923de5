using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary><c>/token-srv/revoke</c>: RFC 7009 revocation of access and refresh tokens. Answers 200 for unknown tokens too.</summary>
internal static class RevocationEndpoint
{
    public const string Path = "/token-srv/revoke";

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        var form = await FormRequest.ReadAsync(context);
        if (form is null)
        {
            return;
        }

        var authentication = ClientAuthenticator.Authenticate(context, form, emulator.Options);
        if (authentication.Client is null)
        {
            await Responses.WriteInvalidClientAsync(context, authentication.Error!);
            return;
        }

        var token = ClientAuthenticator.Single(form, "token");
        if (token is null)
        {
            await Responses.WriteErrorAsync(context, "invalid_request", "The token parameter is missing.");
            return;
        }

        emulator.RevokeToken(token, authentication.Client);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers.CacheControl = "no-store";
    }
}
