using Cidaas.AspNetCore.Authentication.Testing;

namespace Cidaas.Sample.Web;

/// <summary>The lines printed at start: where the sample runs, whom it signs in with, and the demo users. Never a secret.</summary>
internal static class SampleBanner
{
    public static void Write(TextWriter output, IReadOnlyList<string> urls, CidaasTenant tenant, CidaasEmulator? emulator, bool farm)
    {
        output.WriteLine();
        output.WriteLine("cidaas sample is running at " + string.Join(" and ", urls.Select(Browsable)));
        if (emulator is null)
        {
            output.WriteLine($"Signing in with the cidaas tenant {tenant.Authority} (client {tenant.ClientId}).");
        }
        else
        {
            output.WriteLine($"No Cidaas:Authority is configured, so it signs in with the embedded cidaas emulator at {emulator.Authority}.");
            output.WriteLine("Demo users:");
            foreach (var user in SampleEmulator.DescribeUsers(emulator))
            {
                output.WriteLine($"  {user.Username} / {user.Password}  ({user.Description})");
            }

            output.WriteLine("To use your own cidaas tenant, set Cidaas:Authority, Cidaas:ClientId and Cidaas:ClientSecret (see README.md).");
        }

        if (farm)
        {
            output.WriteLine($"Farm mode ({SampleFarm.RedisKey}): the key ring, the sessions and the caches are in Redis, shared with every instance that uses it.");
        }

        output.WriteLine();
    }

    // A wildcard address is not something to paste into a browser.
    private static string Browsable(string url) =>
        url.Replace("://[::]:", "://localhost:", StringComparison.Ordinal).Replace("://0.0.0.0:", "://localhost:", StringComparison.Ordinal);
}
