using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.Testing;
using Cidaas.Sample.Blazor.Components;
using Microsoft.AspNetCore.Authentication.Cookies;

// The Blazor Web App sample: `dotnet run --project sample/Cidaas.Sample.Blazor` signs in through an embedded cidaas
// emulator unless Cidaas:Authority, Cidaas:ClientId and Cidaas:ClientSecret name a tenant.
var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://localhost:5002");
}

var cidaas = builder.Configuration.GetSection("Cidaas");
CidaasEmulator? emulator = null;
if (string.IsNullOrWhiteSpace(cidaas["Authority"]))
{
    // The demo client accepts any loopback redirect URL, so the sample needs no registration at the emulator.
    var options = CidaasEmulatorOptions.CreateDefault();
    options.ShowLoginPage = true;
    emulator = await CidaasEmulator.StartAsync(options);
}

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents()
    .AddInteractiveWebAssemblyComponents()
    // WebAssembly pages get the user's claims (never a token) through the page's persistent state.
    .AddAuthenticationStateSerialization(o => o.SerializeAllClaims = true);
builder.Services.AddCascadingAuthenticationState();

builder.Services
    .AddAuthentication(o =>
    {
        o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        o.DefaultChallengeScheme = CidaasDefaults.AuthenticationScheme;
    })
    .AddCookie(o =>
    {
        o.Cookie.Name = "Cidaas.Sample.Blazor";
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    })
    .AddCidaas(o =>
    {
        o.Authority = emulator?.Authority ?? cidaas["Authority"];
        o.ClientId = emulator is null ? cidaas["ClientId"] : CidaasEmulatorOptions.DemoClientId;
        o.ClientSecret = emulator is null ? cidaas["ClientSecret"] : CidaasEmulatorOptions.DemoClientSecret;
        foreach (var scope in (cidaas["Scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!o.Scope.Contains(scope))
            {
                o.Scope.Add(scope);
            }
        }

        // The id_token for sign-out's hint; the correlation cookie must survive cidaas's redirect back on plain http://localhost.
        o.SaveTokens = true;
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    });
builder.Services.AddAuthorization();

// The server calls APIs with the user's access token (the browser never holds it): here cidaas's own userinfo API.
builder.Services.AddHttpClient("cidaas-api", c => c.BaseAddress = new Uri((emulator?.Authority ?? cidaas["Authority"])!.TrimEnd('/') + "/"))
    .AddCidaasUserAccessTokenHandler();

var app = builder.Build();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapCidaasAccountEndpoints();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode()
    .AddInteractiveWebAssemblyRenderMode()
    .AddAdditionalAssemblies(typeof(Cidaas.Sample.Blazor.Client._Imports).Assembly);

await app.StartAsync();
Console.WriteLine("cidaas Blazor sample is running at " + string.Join(" and ", app.Urls));
if (emulator is not null)
{
    Console.WriteLine($"It signs in with the embedded cidaas emulator at {emulator.Authority}; demo users: alice / alice-password, bob / bob-password.");
}

await app.WaitForShutdownAsync();
if (emulator is not null)
{
    await emulator.DisposeAsync();
}
