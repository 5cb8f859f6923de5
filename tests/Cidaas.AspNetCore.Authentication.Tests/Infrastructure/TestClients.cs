namespace Cidaas.AspNetCore.Authentication.Tests.Infrastructure;

public static class TestClients
{
    public const string ClientId = "test-client";

    // Characters that break naive Basic encoding: ':', '+', '%', a space and non-ASCII.
    public const string ClientSecret = "s3cr:et+%20/ü-Ω 42";

    public static CidaasEmulatorOptions CreateEmulatorOptions(string issuer = "https://cidaas.test")
    {
        var options = CidaasEmulatorOptions.CreateDefault();
        options.Issuer = issuer;
        options.Clients.Add(new CidaasEmulatorClient
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientName = "Test app",
            AllowAnyRedirectUri = false,
            RedirectUris = { TestApp.Origin + "/signin-cidaas", TestApp.Origin + "/signin-cidaas-b" },
            PostLogoutRedirectUris = { TestApp.Origin + "/signout-callback-cidaas" },
        });
        options.AutoSignInUsername = "alice";
        return options;
    }
}
