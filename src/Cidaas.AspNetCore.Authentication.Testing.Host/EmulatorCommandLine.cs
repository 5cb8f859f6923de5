using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Cidaas.AspNetCore.Authentication.Testing.Host;

/// <summary>
/// The tool's command line: its own switches (<c>--port</c>, <c>--config</c>, lifetimes, <c>--fail</c>,
/// <c>--enable-test-token-endpoint</c>), then configuration (the JSON file's <c>CidaasEmulator</c> section, environment
/// variables prefixed <c>CIDAAS_EMULATOR_</c>, and <c>--CidaasEmulator:Name value</c> pairs) for everything else.
/// </summary>
internal sealed class EmulatorCommandLine
{
    public const string Help = """
        cidaas-emulator: a local cidaas (OAuth 2.0 / OpenID Connect) for development and tests. Not for production.

        Options:
          --port <n>                      TCP port on 127.0.0.1 (default 5100; 0 picks a free one)
          --config <file.json>            clients and users from the file's "CidaasEmulator" section
                                          (default: the demo client and the demo users alice and bob)
          --access-token-lifetime <t>     e.g. 120s, 2m, 1h or 00:02:00 (default 1h)
          --id-token-lifetime <t>         same format (default 1h)
          --fail <path>=<status>          every request to <path> answers <status> (400-599), e.g.
                                          --fail /token-srv/token=503; may be repeated
          --enable-test-token-endpoint    TEST-ONLY: POST /emulator/test-token mints tokens for curl
          --help                          this text

        Environment variables prefixed CIDAAS_EMULATOR_ set the same configuration (e.g. CIDAAS_EMULATOR_PORT).
        """;

    private EmulatorCommandLine(CidaasEmulatorOptions options, int port, bool fromConfiguration, bool showHelp)
    {
        Options = options;
        Port = port;
        FromConfiguration = fromConfiguration;
        ShowHelp = showHelp;
    }

    public CidaasEmulatorOptions Options { get; }

    public int Port { get; }

    /// <summary>Whether clients and users come from configuration (their secrets are then not printed).</summary>
    public bool FromConfiguration { get; }

    public bool ShowHelp { get; }

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="FormatException">An argument is unknown or its value is not valid; the message says which.</exception>
    public static EmulatorCommandLine Parse(string[] args)
    {
        var rest = new List<string>();
        var failing = new List<(string Path, int Status)>();
        TimeSpan? accessTokenLifetime = null, idTokenLifetime = null;
        var enableTestTokenEndpoint = false;
        var showHelp = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h" or "-?":
                    showHelp = true;
                    break;
                case "--enable-test-token-endpoint":
                    enableTestTokenEndpoint = true;
                    break;
                case "--fail":
                    failing.Add(ParseFailing(Value(args, ref i)));
                    break;
                case "--access-token-lifetime":
                    accessTokenLifetime = ParseLifetime(args[i], Value(args, ref i));
                    break;
                case "--id-token-lifetime":
                    idTokenLifetime = ParseLifetime(args[i], Value(args, ref i));
                    break;
                case "--port" or "--config":
                    rest.Add(args[i]);
                    rest.Add(Value(args, ref i));
                    break;
                default:
                    if (!args[i].StartsWith("--CidaasEmulator:", StringComparison.OrdinalIgnoreCase))
                    {
                        throw new FormatException($"Unknown argument '{args[i]}'.");
                    }

                    rest.Add(args[i]);
                    rest.Add(Value(args, ref i));
                    break;
            }
        }

        var configuration = Configure(rest);
        var section = configuration.GetSection("CidaasEmulator");
        var fromConfiguration = section.GetSection("Clients").Exists();
        var options = fromConfiguration ? CidaasEmulatorOptions.FromConfiguration(section) : CidaasEmulatorOptions.CreateDefault();
        if (!fromConfiguration)
        {
            // Lifetimes, switches and failing endpoints of the file apply to the demo client and users too.
            section.Bind(options);
        }

        if (section["ShowLoginPage"] is null)
        {
            options.ShowLoginPage = true;
        }

        options.AccessTokenLifetime = accessTokenLifetime ?? options.AccessTokenLifetime;
        options.IdTokenLifetime = idTokenLifetime ?? options.IdTokenLifetime;
        options.EnableTestTokenEndpoint |= enableTestTokenEndpoint;
        foreach (var (path, status) in failing)
        {
            options.FailingEndpoints[path] = status;
        }

        var portText = configuration["port"] ?? "5100";
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"The port '{portText}' is not a number from 0 to 65535.");
        }

        return new EmulatorCommandLine(options, port, fromConfiguration, showHelp);
    }

    private static IConfigurationRoot Configure(List<string> arguments)
    {
        var commandLine = new ConfigurationBuilder().AddCommandLine(arguments.ToArray()).Build();
        var builder = new ConfigurationBuilder().AddEnvironmentVariables("CIDAAS_EMULATOR_");
        if (commandLine["config"] is { Length: > 0 } file)
        {
            var path = Path.GetFullPath(file);
            if (!File.Exists(path))
            {
                throw new FormatException($"The configuration file '{path}' does not exist.");
            }

            builder.AddJsonFile(path, optional: false);
        }

        return builder.AddCommandLine(arguments.ToArray()).Build();
    }

    private static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new FormatException($"'{args[i]}' needs a value.");
        }

        return args[++i];
    }

    private static (string Path, int Status) ParseFailing(string value)
    {
        var separator = value.LastIndexOf('=');
        if (separator <= 0
            || !value.StartsWith('/')
            || !int.TryParse(value.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            || status is < 400 or > 599)
        {
            throw new FormatException($"--fail takes <path>=<status> with a path starting with '/' and a status from 400 to 599, not '{value}'.");
        }

        return (value[..separator], status);
    }

    /// <summary>Parses <c>120s</c>, <c>2m</c>, <c>1h</c> or a <see cref="TimeSpan"/> (<c>00:02:00</c>); a bare number is refused as ambiguous.</summary>
    internal static TimeSpan ParseLifetime(string name, string value)
    {
        TimeSpan lifetime;
        if (value.Length > 1 && char.IsAsciiLetter(value[^1])
            && long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            lifetime = char.ToLowerInvariant(value[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => throw new FormatException($"{name} takes a unit s, m or h, not '{value}'."),
            };
        }
        else if (!value.Contains(':', StringComparison.Ordinal) || !TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out lifetime))
        {
            throw new FormatException($"{name} takes e.g. 120s, 2m, 1h or 00:02:00, not '{value}'.");
        }

        if (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(30))
        {
            throw new FormatException($"{name} must be more than 0 and at most 30 days, not '{value}'.");
        }

        return lifetime;
    }
}
