using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary>
/// <c>/authz-srv/par</c>: pushed authorization requests (RFC 9126), as cidaas documents them: a form POST of the
/// authorization parameters with client authentication (as at the token endpoint), answered <c>201 Created</c> with
/// <c>{ "request_uri": "urn:ietf:params:oauth:request_uri:…", "expires_in": 90 }</c>; a refused client is 401
/// <c>invalid_client</c>, refused parameters 400 with the error the authorization endpoint would give. The
/// <c>request_uri</c> is then used once at <c>/authz-srv/authz</c> (<see cref="TakeAsync"/>), before it expires.
/// </summary>
internal static class PushedAuthorizationEndpoint
{
    public const string Path = "/authz-srv/par";

    private const string RequestUriPrefix = "urn:ietf:params:oauth:request_uri:";

    public static async Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        if (await FormRequest.ReadAuthenticatedAsync(context, emulator.Options) is not { } authenticated)
        {
            return;
        }

        var (form, client) = authenticated;
        var parameters = form.ToDictionary(StringComparer.Ordinal);

        // The client's credentials authenticate the push; they are no authorization parameters.
        parameters.Remove("client_secret");
        if (parameters.ContainsKey("request_uri"))
        {
            await Responses.WriteErrorAsync(context, "invalid_request", "A pushed authorization request must not contain request_uri (RFC 9126 §2.1).");
            return;
        }

        if (AuthorizeEndpoint.Single(parameters, "client_id") != client.ClientId)
        {
            await Responses.WriteErrorAsync(context, "invalid_request", "The client_id parameter is missing or is not the authenticated client.");
            return;
        }

        var redirectUri = AuthorizeEndpoint.Single(parameters, "redirect_uri");
        if (redirectUri is null || !RedirectUris.IsAllowed(client, redirectUri))
        {
            await Responses.WriteErrorAsync(context, "invalid_request", $"The redirect_uri is missing or not registered for the client '{client.ClientId}'.");
            return;
        }

        var request = new AuthorizationRequest { Client = client, RedirectUri = redirectUri, State = AuthorizeEndpoint.Single(parameters, "state") };
        if (AuthorizeEndpoint.Validate(parameters, request) is { } error)
        {
            await Responses.WriteErrorAsync(context, error.Error, error.Description);
            return;
        }

        var now = emulator.Options.TimeProvider.GetUtcNow();
        var lifetime = emulator.Options.PushedAuthorizationRequestLifetime;
        var requestUri = RequestUriPrefix + RandomTokens.Create();
        emulator.PushedRequests.Add(requestUri, new PushedRequest(client.ClientId, parameters, now + lifetime), now);
        await Responses.WriteJsonAsync(
            context,
            new JsonObject { ["request_uri"] = requestUri, ["expires_in"] = (long)lifetime.TotalSeconds },
            StatusCodes.Status201Created);
    }

    /// <summary>
    /// The pushed parameters a <c>request_uri</c> at the authorization endpoint stands for (RFC 9126 §4): the request's
    /// <c>client_id</c> must be the pushing client, and its other query parameters are ignored, for only the pushed ones
    /// count. An unknown, used, expired or foreign <c>request_uri</c> gets an error page (there is no verified
    /// <c>redirect_uri</c> to send an error to) and <see langword="null"/>.
    /// </summary>
    public static async Task<Dictionary<string, StringValues>?> TakeAsync(HttpContext context, CidaasEmulator emulator, Dictionary<string, StringValues> query)
    {
        var clientId = AuthorizeEndpoint.Single(query, "client_id");
        var requestUri = AuthorizeEndpoint.Single(query, "request_uri");
        if (clientId is null || requestUri is null)
        {
            await Responses.WriteErrorPageAsync(context, "invalid_request_uri: an authorization request with a request_uri needs exactly one client_id and one request_uri.");
            return null;
        }

        var pushed = emulator.PushedRequests.Take(requestUri);
        if (pushed is null)
        {
            await Responses.WriteErrorPageAsync(context, "invalid_request_uri: the request_uri is unknown or was already used.");
            return null;
        }

        if (pushed.ExpiresAt <= emulator.Options.TimeProvider.GetUtcNow())
        {
            await Responses.WriteErrorPageAsync(context, "invalid_request_uri: the request_uri has expired.");
            return null;
        }

        if (pushed.ClientId != clientId)
        {
            await Responses.WriteErrorPageAsync(context, "invalid_request_uri: the request_uri was pushed by another client.");
            return null;
        }

        return pushed.Parameters;
    }
}
