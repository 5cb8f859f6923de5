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

    /// <summary>
    /// Asks the emulator's introspection endpoint about a token as cidaas's own clients do (a JSON body, the test client in
    /// a Basic header, each half form-url-encoded), expects a 200 and returns <c>active</c>. cidaas answers <c>active</c>
    /// only to a client in the token's audience: introspect as the client the token was issued to.
    /// </summary>
    public static async Task<bool> IntrospectAsync(HttpClient emulatorClient, string token, string clientId = ClientId, string clientSecret = ClientSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, CidaasDefaults.IntrospectionPath)
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { token }), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            System.Text.Encoding.UTF8.GetBytes(WebUtility.UrlEncode(clientId) + ":" + WebUtility.UrlEncode(clientSecret))));
        using var response = await emulatorClient.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("active").GetBoolean();
    }
}
