using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.Testing;
using Cidaas.Sample.Web.Api;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Cidaas.Sample.Web;

/// <summary>
/// Builds and starts the sample: a cookie session, cidaas as the way to sign in, MVC, and, when no cidaas tenant is
/// configured, the embedded cidaas emulator on a loopback port. Program.cs runs it; the browser tests start the same
/// app in their own process on a port of their choosing.
/// </summary>
public static class SampleApp
{
    /// <summary>Where cidaas sends the user who cancelled the sign-in or was refused (<c>error=access_denied</c>).</summary>
    public const string AccessDeniedPath = "/account/access-denied";

    /// <summary>Where a signed-in user lands who lacks the role a page needs (403).</summary>
    public const string ForbiddenPath = "/account/forbidden";

    /// <summary>Where any other failed sign-in lands, with the cause shown.</summary>
    public const string SignInFailedPath = "/account/sign-in-failed";

    /// <summary>Where the sample listens unless told otherwise.</summary>
    public const string DefaultUrl = "http://localhost:5000";

    /// <summary>
    /// Builds the sample from <paramref name="args"/> (the usual <c>--urls</c>, <c>--environment</c>, <c>--contentRoot</c>,
    /// <c>--Cidaas:Authority</c> …), starts it, and returns once it listens.
    /// </summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="configure">Runs on the builder before the sample reads its configuration (tests override settings here).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running sample; dispose it to stop the sample and its emulator.</returns>
    public static async Task<SampleHost> StartAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // MVC finds the controllers and views through the application name, also when a test process hosts the sample.
            ApplicationName = typeof(SampleApp).Assembly.GetName().Name,
        });
        configure?.Invoke(builder);
        if (!HasListenAddress(builder.Configuration))
        {
            // The default when neither --urls, ASPNETCORE_URLS, the ports variables nor Kestrel endpoints name one
            // (the launch profile names none, so that those settings are never overridden by it).
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var tenant = CidaasTenant.FromConfiguration(builder.Configuration);
        CidaasEmulator? emulator = null;
        if (tenant.Authority is null)
        {
            emulator = await SampleEmulator.StartAsync(builder.Configuration, cancellationToken);
            tenant = tenant with
            {
                Authority = emulator.Authority,
                ClientId = CidaasEmulatorOptions.DemoClientId,
                ClientSecret = CidaasEmulatorOptions.DemoClientSecret,
            };
        }

        try
        {
            var app = Build(builder, tenant, emulator);
            await app.StartAsync(cancellationToken);

            var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
            if (emulator is not null)
            {
                SampleEmulator.RegisterSample(emulator, urls);
            }

            SampleBanner.Write(Console.Out, urls, tenant, emulator, SampleFarm.IsOn(builder.Configuration));
            return new SampleHost(app, emulator, urls);
        }
        catch
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }

            throw;
        }
    }

    private static bool HasListenAddress(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["urls"])
        || !string.IsNullOrWhiteSpace(configuration["http_ports"])
        || !string.IsNullOrWhiteSpace(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").Exists();

    private static WebApplication Build(WebApplicationBuilder builder, CidaasTenant tenant, CidaasEmulator? emulator)
    {
        var farm = SampleFarm.IsOn(builder.Configuration);
        if (farm)
        {
            SampleFarm.Add(builder.Services, builder.Configuration);
        }

        var authentication = builder.Services
            .AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = CidaasDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = "Cidaas.Sample";
                // Lax: sent along when cidaas sends the browser back with a top-level GET. SameAsRequest: Secure on
                // https, and still stored on plain http://localhost, where a Secure cookie would be dropped.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.AccessDeniedPath = ForbiddenPath;
            })
            .AddCidaas(o =>
            {
                o.Authority = tenant.Authority;
                o.ClientId = tenant.ClientId;
                o.ClientSecret = tenant.ClientSecret;
                if (tenant.Scope.Length > 0)
                {
                    o.Scope.Clear();
                    foreach (var scope in tenant.Scope)
                    {
                        o.Scope.Add(scope);
                    }
                }

                // Keeps the id_token for sign-out's id_token_hint, expires_at for the profile page, and the access and
                // refresh tokens for the API page (GetCidaasUserAccessTokenAsync renews the access token before it expires).
                o.SaveTokens = true;
                o.AccessDeniedPath = AccessDeniedPath;
                // The correlation cookie must survive the cross-site GET back from cidaas (Lax, not Strict) and
                // must not be Secure on plain http://localhost (SameAsRequest, not Always).
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Events.OnRemoteFailure = SignInFailure.RedirectToFriendlyPageAsync;
            })
            .AddSampleApi(tenant.Authority!, tenant.ClientId!);
        if (farm)
        {
            // The cookie carries only a session key; the ticket with the tokens lives in Redis, where every instance
            // sees a refresh or a back-channel logout at once.
            authentication.AddCidaasServerSideSessions();
        }

        // AddCidaas validates the options at start: a missing ClientId or ClientSecret stops the start with one message.
        // /health reports whether cidaas is reachable (discovery document and key set); see the README, "In production".
        builder.Services.AddHealthChecks().AddCidaasHealthCheck();
        SampleTelemetry.AddIfAskedFor(builder);

        builder.Services.AddSingleton(new SignInProvider(
            tenant.Authority!,
            emulator is not null,
            emulator is null ? [] : SampleEmulator.DescribeUsers(emulator)));
        builder.Services.AddControllersWithViews();

        var app = builder.Build();
        if (farm)
        {
            SampleFarm.ConnectNow(app.Services);
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error");
            app.UseHsts();
        }

        // A styled page for an empty 404 (or other error status) of a page; the API keeps its bare statuses and headers.
        app.UseWhen(
            context => !context.Request.Path.StartsWithSegments("/api"),
            branch => branch.UseStatusCodePagesWithReExecute("/status/{0}"));
        app.UseStaticFiles();
        // Routing after the status-code pages, so that their re-executed request finds its endpoint.
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapControllers();
        app.MapSampleApi();
        app.MapHealthChecks("/health");
        return app;
    }
}
