using System.Text.Json.Nodes;
using Cidaas.AspNetCore.Authentication.Testing.Internal;
using Microsoft.AspNetCore.Http;

namespace Cidaas.AspNetCore.Authentication.Testing.Endpoints;

/// <summary><c>/.well-known/jwks.json</c>: the published public signing keys.</summary>
internal static class JwksEndpoint
{
    public const string Path = "/.well-known/jwks.json";

    public static Task HandleAsync(HttpContext context, CidaasEmulator emulator)
    {
        var keys = new JsonArray();
        if (emulator.Options.PublishKeyIdInJwks)
        {
            foreach (var key in emulator.Keys.Published)
            {
                keys.Add(key.CreatePublicJwk(includeKeyId: true));
            }
        }
        else
        {
            // Without kids a client cannot tell keys apart, so only the signing key is published.
            keys.Add(emulator.Keys.Current.CreatePublicJwk(includeKeyId: false));
        }

        return Responses.WriteJsonAsync(context, new JsonObject { ["keys"] = keys }, noStore: false);
    }
}
