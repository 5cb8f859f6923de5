using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Cidaas.Sample.Web;

/// <summary>
/// With <c>Telemetry:Console=true</c> (for example <c>dotnet run -- --Telemetry:Console=true</c>), the sample writes the
/// metrics and traces of the cidaas package, ASP.NET Core and HttpClient to the console through OpenTelemetry: one
/// sign-in shows up as one trace, the callback request with <c>cidaas.callback</c> and its steps inside.
/// </summary>
internal static class SampleTelemetry
{
    /// <summary>The name of the package's meter and activity source.</summary>
    private const string CidaasTelemetryName = "Cidaas.AspNetCore.Authentication";

    public static void AddIfAskedFor(WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue<bool>("Telemetry:Console"))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddSource(CidaasTelemetryName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddConsoleExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(CidaasTelemetryName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddConsoleExporter());
    }
}
