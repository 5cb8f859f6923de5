#pragma warning disable IDE0005 // The README quotes these usings; the project's global usings repeat some of them.
// The README's "Testing your app with the emulator" quotes the lines between "README:begin" and "README:end" character
// for character (ReadmeTests checks it), and they run here as they stand there: a user's test in a user's namespace.
// README:begin
using System.Net;
using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

public sealed class OrdersApiTests
{
    [Fact]
    public async Task Orders_need_a_token_with_the_orders_read_scope()
    {
        await using var emulator = await CidaasEmulator.CreateAsync(CidaasEmulatorOptions.CreateDefault());

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication(CidaasDefaults.BearerAuthenticationScheme)
            .AddCidaasBearer(o => emulator.ConfigureClient(o));
        builder.Services.AddAuthorization();
        await using var app = builder.Build();
        app.MapGet("/api/orders", () => "orders").RequireAuthorization(CidaasPolicies.Scope("orders:read"));
        await app.StartAsync();
        using var client = app.GetTestClient();

        var alice = await emulator.GetAccessTokenAsync("alice", "openid orders:read");
        client.DefaultRequestHeaders.Authorization = new("Bearer", alice.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/orders")).StatusCode);

        var bob = await emulator.GetAccessTokenAsync("bob", "openid");
        client.DefaultRequestHeaders.Authorization = new("Bearer", bob.AccessToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/orders")).StatusCode);
    }
}
// README:end
