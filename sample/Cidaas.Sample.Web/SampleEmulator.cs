using System.Net;
using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.Testing;

namespace Cidaas.Sample.Web;

/// <summary>
/// The embedded cidaas emulator: its demo client and users (<see cref="CidaasEmulatorOptions.CreateDefault"/>), a login
/// page with an SSO session, and exactly the sample's redirect URIs and back-channel logout URI registered, as a real
/// cidaas app would have them. <c>Cidaas:Emulator:AccessTokenLifetime</c> (e.g. <c>00:02:00</c> in the development
/// settings) shortens the access tokens' lifetime, so that their renewal can be watched.
/// </summary>
internal static class SampleEmulator
{
    /// <summary>The configuration key of the emulator's access-token lifetime.</summary>
    public const string AccessTokenLifetimeKey = "Cidaas:Emulator:AccessTokenLifetime";

    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    public static Task<CidaasEmulator> StartAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var options = CidaasEmulatorOptions.CreateDefault();
        options.ShowLoginPage = true;
        var lifetime = configuration.GetValue<TimeSpan?>(AccessTokenLifetimeKey);
        if (lifetime is { } accessTokenLifetime)
        {
            if (accessTokenLifetime <= TimeSpan.Zero)
            {
                throw new InvalidOperationException($"{AccessTokenLifetimeKey} must be positive, e.g. 00:02:00.");
            }

            options.AccessTokenLifetime = accessTokenLifetime;
        }

        var client = DemoClient(options);
        client.ClientName = "cidaas sample";
        // Only the sample's own callback URLs (RegisterSample), not any loopback URL.
        client.AllowLoopbackRedirectUris = false;
        return CidaasEmulator.StartAsync(options, port: 0, cancellationToken);
    }

    /// <summary>
    /// Registers <c>{origin}/signin-cidaas</c> and <c>{origin}/signout-callback-cidaas</c> for every origin the sample
    /// answers on, and <c>/backchannel-logout-cidaas</c> at the address it listens on (http preferred) as the
    /// back-channel logout URI (one per app, as in cidaas's app settings), so that an end of the session at the
    /// emulator ends the sample's session too.
    /// </summary>
    public static void RegisterSample(CidaasEmulator emulator, IEnumerable<string> sampleUrls)
    {
        var client = DemoClient(emulator.Options);
        foreach (var origin in sampleUrls.SelectMany(Origins).Distinct(StringComparer.Ordinal))
        {
            client.RedirectUris.Add(origin + CidaasDefaults.CallbackPath);
            client.PostLogoutRedirectUris.Add(origin + CidaasDefaults.SignedOutCallbackPath);
        }

        // The emulator POSTs to the address the sample listens on (a wildcard one is reachable at 127.0.0.1), over
        // plain http when it can: a development certificate may not be one the emulator's HttpClient trusts.
        var listening = sampleUrls.Select(Normalize).OfType<Uri>().OrderBy(uri => uri.Scheme == Uri.UriSchemeHttp ? 0 : 1).FirstOrDefault();
        if (listening is not null)
        {
            var host = IsAnyAddress(listening) ? "127.0.0.1" : listening.Host;
            client.BackchannelLogoutUri = $"{listening.Scheme}://{host}:{listening.Port}{CidaasDefaults.BackchannelLogoutPath}";
            client.BackchannelLogoutSessionRequired = true;
        }
    }

    public static IReadOnlyList<DemoUser> DescribeUsers(CidaasEmulator emulator) =>
        emulator.Options.Users
            .Select(user => new DemoUser(
                user.Username,
                user.Password,
                $"roles {string.Join(", ", user.Roles)}; group {string.Join(", ", user.Groups.Select(g => g.GroupId))}"))
            .ToArray();

    // Kestrel reports wildcards as http://[::]:5000 or http://0.0.0.0:5000; '*' and '+' are not valid URI hosts.
    private static Uri? Normalize(string address) =>
        Uri.TryCreate(
            address.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal),
            UriKind.Absolute,
            out var uri) ? uri : null;

    private static bool IsAnyAddress(Uri uri) =>
        IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));

    private static CidaasEmulatorClient DemoClient(CidaasEmulatorOptions options) =>
        options.Clients.Single(c => c.ClientId == CidaasEmulatorOptions.DemoClientId);

    /// <summary>
    /// The origins a browser may use for a listening address: a loopback or wildcard address is reachable as
    /// localhost, 127.0.0.1 and [::1]; any other host as itself.
    /// </summary>
    private static IEnumerable<string> Origins(string address)
    {
        if (Normalize(address) is not { } uri)
        {
            yield break;
        }

        var isAnyAddress = IsAnyAddress(uri);
        if (uri.IsLoopback || isAnyAddress)
        {
            foreach (var host in LoopbackHosts)
            {
                yield return $"{uri.Scheme}://{host}:{uri.Port}";
            }
        }

        if (!uri.IsLoopback && !isAnyAddress)
        {
            yield return uri.GetLeftPart(UriPartial.Authority);
        }
    }
}
