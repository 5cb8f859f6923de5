// The cidaas emulator as its own process (the .NET tool `cidaas-emulator`), on Kestrel at http://127.0.0.1:{port} until
// Ctrl+C. `cidaas-emulator --help` lists the options; README "Run your app against the emulator" shows a session.
using System.Runtime.InteropServices;
using Cidaas.AspNetCore.Authentication.Testing;
using Cidaas.AspNetCore.Authentication.Testing.Host;

EmulatorCommandLine commandLine;
try
{
    commandLine = EmulatorCommandLine.Parse(args);
}
catch (FormatException exception)
{
    await Console.Error.WriteLineAsync("cidaas-emulator: " + exception.Message);
    await Console.Error.WriteLineAsync("Run 'cidaas-emulator --help' for the options.");
    return 2;
}

if (commandLine.ShowHelp)
{
    Console.WriteLine(EmulatorCommandLine.Help);
    return 0;
}

var options = commandLine.Options;
await using var emulator = await CidaasEmulator.StartAsync(options, commandLine.Port);

Console.WriteLine($"cidaas emulator listening on {emulator.Authority}");
Console.WriteLine($"  authority: {emulator.Authority}");
Console.WriteLine($"  discovery: {emulator.Authority}/.well-known/openid-configuration");
foreach (var client in options.Clients)
{
    var secret = commandLine.FromConfiguration ? "(see configuration)" : client.ClientSecret;
    var redirects = client.AllowAnyRedirectUri ? "any redirect URI"
        : client.AllowLoopbackRedirectUris ? "any loopback redirect URI"
        : string.Join(", ", client.RedirectUris);
    Console.WriteLine($"  client:    {client.ClientId} / {secret} ({redirects})");
}

foreach (var user in options.Users)
{
    // Demo credentials are printed on purpose; configured ones are not.
    Console.WriteLine(commandLine.FromConfiguration ? $"  user:      {user.Username}" : $"  user:      {user.Username} / {user.Password}");
}

Console.WriteLine($"  tokens:    access token {options.AccessTokenLifetime}, id_token {options.IdTokenLifetime}");
foreach (var (path, status) in options.FailingEndpoints)
{
    Console.WriteLine($"  failing:   {path} answers {status}");
}

if (options.EnableTestTokenEndpoint)
{
    Console.WriteLine($"  TEST-ONLY: POST {emulator.Authority}/emulator/test-token mints tokens (client authentication, form username and scope)");
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

return 0;
