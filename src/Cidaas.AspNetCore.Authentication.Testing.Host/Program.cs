// Runs the cidaas emulator on Kestrel until Ctrl+C.
//   dotnet run --project src/Cidaas.AspNetCore.Authentication.Testing.Host -- --port 5100
//   dotnet run --project src/Cidaas.AspNetCore.Authentication.Testing.Host -- --port 5100 --config emulator.json
// Without --config (or without a "CidaasEmulator" section in it) the demo client and users are used.
// Settings may also come from environment variables prefixed CIDAAS_EMULATOR_ (e.g. CIDAAS_EMULATOR_PORT).
using System.Globalization;
using System.Runtime.InteropServices;
using Cidaas.AspNetCore.Authentication.Testing;
using Microsoft.Extensions.Configuration;

var commandLine = new ConfigurationBuilder().AddCommandLine(args).Build();
var builder = new ConfigurationBuilder().AddEnvironmentVariables("CIDAAS_EMULATOR_");
if (commandLine["config"] is { Length: > 0 } configFile)
{
    builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
}

var configuration = builder.AddCommandLine(args).Build();
var section = configuration.GetSection("CidaasEmulator");
var fromConfiguration = section.GetSection("Clients").Exists();
var options = fromConfiguration ? CidaasEmulatorOptions.FromConfiguration(section) : CidaasEmulatorOptions.CreateDefault();
if (section["ShowLoginPage"] is null)
{
    options.ShowLoginPage = true;
}

var port = int.Parse(configuration["port"] ?? "5100", CultureInfo.InvariantCulture);

await using var emulator = await CidaasEmulator.StartAsync(options, port);

Console.WriteLine($"cidaas emulator listening on {emulator.Authority}");
Console.WriteLine($"  discovery: {emulator.Authority}/.well-known/openid-configuration");
foreach (var client in options.Clients)
{
    var secret = fromConfiguration ? "(see configuration)" : client.ClientSecret;
    var redirects = client.AllowAnyRedirectUri ? "any redirect URI"
        : client.AllowLoopbackRedirectUris ? "any loopback redirect URI"
        : string.Join(", ", client.RedirectUris);
    Console.WriteLine($"  client:    {client.ClientId} / {secret} ({redirects})");
}

foreach (var user in options.Users)
{
    // Demo credentials are printed on purpose; configured ones are not.
    Console.WriteLine(fromConfiguration ? $"  user:      {user.Username}" : $"  user:      {user.Username} / {user.Password}");
}

Console.WriteLine("Press Ctrl+C to stop.");

using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("Stopping.");
}
