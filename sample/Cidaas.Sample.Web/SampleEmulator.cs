using System.Net;
using Cidaas.AspNetCore.Authentication;
using Cidaas.AspNetCore.Authentication.Testing;

namespace Cidaas.Sample.Web;

/// <summary>
/// The embedded cidaas emulator: its demo client and users (<see cref="CidaasEmulatorOptions.CreateDefault"/>), a login
/// page with an SSO session, and exactly the sample's redirect URIs registered, as a real cidaas app would have them.
/// </summary>
internal static class SampleEmulator
{
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    public static Task<CidaasEmulator> StartAsync(CancellationToken cancellationToken)
    {
        var options = CidaasEmulatorOptions.CreateDefault();
        options.ShowLoginPage = true;
        var client = DemoClient(options);
        client.ClientName = "cidaas sample";
        // Only the sample's own callback URLs (RegisterSample), not any loopback URL.
        client.AllowLoopbackRedirectUris = false;
        return CidaasEmulator.StartAsync(options, port: 0, cancellationToken);
    }

    /// <summary>Registers <c>{origin}/signin-cidaas</c> and <c>{origin}/signout-callback-cidaas</c> for every origin the sample answers on.</summary>
    public static void RegisterSample(CidaasEmulator emulator, IEnumerable<string> sampleUrls)
    {
        var client = DemoClient(emulator.Options);
        foreach (var origin in sampleUrls.SelectMany(Origins).Distinct(StringComparer.Ordinal))
        {
            client.RedirectUris.Add(origin + CidaasDefaults.CallbackPath);
            client.PostLogoutRedirectUris.Add(origin + CidaasDefaults.SignedOutCallbackPath);
        }
    }

    public static IReadOnlyList<DemoUser> DescribeUsers(CidaasEmulator emulator) =>
        emulator.Options.Users
            .Select(user => new DemoUser(
                user.Username,
                user.Password,
                $"roles {string.Join(", ", user.Roles)}; group {string.Join(", ", user.Groups.Select(g => g.GroupId))}"))
            .ToArray();

    private static CidaasEmulatorClient DemoClient(CidaasEmulatorOptions options) =>
        options.Clients.Single(c => c.ClientId == CidaasEmulatorOptions.DemoClientId);

    /// <summary>
    /// The origins a browser may use for a listening address: a loopback or wildcard address is reachable as
    /// localhost, 127.0.0.1 and [::1]; any other host as itself.
    /// </summary>
    private static IEnumerable<string> Origins(string address)
    {
        // Kestrel reports wildcards as http://[::]:5000 or http://0.0.0.0:5000; '*' and '+' are not valid URI hosts.
        var normalized = address.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri))
        {
            yield break;
        }

        var isAnyAddress = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip)
            && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));
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
