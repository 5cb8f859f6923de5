using Microsoft.Extensions.Configuration;

namespace Cidaas.AspNetCore.Authentication.Tests.ClientAuthentication;

/// <summary>The emulator's client registration of issue 16 comes from configuration too, as the emulator tool reads it.</summary>
public sealed class EmulatorClientRegistrationTests
{
    [Fact]
    public async Task A_clients_method_public_key_and_id_token_algorithm_are_read_from_configuration_and_used()
    {
        using var keys = ClientKeys.Rsa();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Clients:0:ClientId"] = "configured",
            ["Clients:0:ClientSecret"] = ClientKeys.LongSecret,
            ["Clients:0:TokenEndpointAuthMethod"] = "private_key_jwt",
            ["Clients:0:Jwks"] = keys.Jwks,
            ["Clients:0:IdTokenSignedResponseAlg"] = "HS256",
        }).Build();

        var options = CidaasEmulatorOptions.FromConfiguration(configuration);
        var client = options.Clients.Single();
        client.TokenEndpointAuthMethod.Should().Be("private_key_jwt");
        client.Jwks.Should().Be(keys.Jwks);
        client.IdTokenSignedResponseAlg.Should().Be("HS256");

        await using var emulator = await CidaasEmulator.CreateAsync(options);
        using var http = emulator.CreateClient();
        using var refused = await http.PostAsync(CidaasDefaults.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "configured",
            ["client_secret"] = ClientKeys.LongSecret,
        }));
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the configured client is registered for private_key_jwt");
    }
}
