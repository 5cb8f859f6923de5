using System.Diagnostics;

namespace Cidaas.AspNetCore.Authentication.Tests.Hardening;

/// <summary>Runs alone: allocations are counted for the whole process.</summary>
[CollectionDefinition(nameof(BoundedMemoryCollection), DisableParallelization = true)]
public sealed class BoundedMemoryCollection;

/// <summary>
/// A back channel answering without end costs the handler no more than <c>MaxBackchannelResponseSize</c>: it stops
/// reading at the cap, whether or not the answer announced its length.
/// </summary>
[Collection(nameof(BoundedMemoryCollection))]
public sealed class BoundedMemoryTests(ITestOutputHelper output) : SignInTestBase(output)
{
    private const int Cap = 1024 * 1024;
    private const int Answer = 256 * 1024 * 1024;

    [Theory]
    [InlineData(CidaasDefaults.TokenPath, true)]
    [InlineData(CidaasDefaults.TokenPath, false)]
    [InlineData(CidaasDefaults.UserInformationPath, true)]
    [InlineData(CidaasDefaults.UserInformationPath, false)]
    public async Task A_256_MiB_answer_is_refused_after_reading_at_most_the_cap(string path, bool chunked)
    {
        var callback = await StartAppAndAuthorizeAsync(o => o.MaxBackchannelResponseSize = Cap);
        await App.GetOptions().ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
        Emulator.Next.Fault(path, CidaasEmulatorFault.Oversized(Answer, chunked));

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var response = await Browser.GetAsync(callback.ToString());
        stopwatch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        await ExpectFailureAsync(response, "CIDAAS2008");
        Output.WriteLine($"{path}, chunked: {chunked}: {allocated / 1024} KiB allocated in {stopwatch.ElapsedMilliseconds} ms");
        allocated.Should().BeLessThan(16L * Cap, "the handler reads at most the cap, not the 256 MiB on offer");
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }
}
