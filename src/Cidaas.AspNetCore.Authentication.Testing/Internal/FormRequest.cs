using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Cidaas.AspNetCore.Authentication.Testing.Internal;

/// <summary>The back-channel endpoints take <c>POST application/x-www-form-urlencoded</c> only.</summary>
internal static class FormRequest
{
    /// <summary>Reads the form, or answers 405 / <c>invalid_request</c> and returns <see langword="null"/>.</summary>
    public static async Task<IFormCollection?> ReadAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return null;
        }

        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            await Responses.WriteErrorAsync(context, "invalid_request", "The request body must be application/x-www-form-urlencoded.");
            return null;
        }

        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            await Responses.WriteErrorAsync(context, "invalid_request", "The form body could not be read.");
            return null;
        }
    }

    /// <summary>
    /// Reads the form and authenticates the client, or answers the error (405, <c>invalid_request</c>,
    /// <c>invalid_client</c>) and returns <see langword="null"/>.
    /// </summary>
    public static async Task<(IFormCollection Form, CidaasEmulatorClient Client)?> ReadAuthenticatedAsync(HttpContext context, CidaasEmulatorOptions options)
    {
        var form = await ReadAsync(context);
        if (form is null)
        {
            return null;
        }

        var authentication = await ClientAuthenticator.AuthenticateAsync(context, form, options);
        if (authentication.Client is null)
        {
            await Responses.WriteInvalidClientAsync(context, authentication.Error!);
            return null;
        }

        return (form, authentication.Client);
    }
}
