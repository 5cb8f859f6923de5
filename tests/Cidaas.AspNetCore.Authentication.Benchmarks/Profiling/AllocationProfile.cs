using System.Diagnostics.Tracing;
using Cidaas.AspNetCore.Authentication.Benchmarks.Hosting;

namespace Cidaas.AspNetCore.Authentication.Benchmarks.Profiling;

/// <summary>
/// <c>-- --profile [name]</c>: the bytes each scenario allocates per request (and the bare host's, for an anonymous
/// request), then interleaved timings (wall time and CPU time of the request thread, and the paired ratios of each
/// cidaas scenario to the others of its kind), for the scenarios whose name contains <c>name</c>.
/// <c>PROFILE_TYPES=1</c> adds the types that allocate most (the runtime's AllocationTick events);
/// <c>PROFILE_LOOP_SECONDS=n</c> runs the scenarios that long first, for <c>dotnet-trace</c> or <c>perf</c>. A quick
/// profile without tools beyond the SDK; BenchmarkDotNet's numbers stay the reference.
/// </summary>
internal static class AllocationProfile
{
    public static async Task RunAsync(string? only)
    {
        using var scenario = await SignInScenario.CreateAsync();
        using var bearer = new BearerScenario(scenario);
        await bearer.CheckAsync();
        using var sessions = await SessionScenario.CreateAsync();
        foreach (var (name, host, callback) in new[] { ("Microsoft", scenario.MicrosoftHost, scenario.MicrosoftCallback), ("cidaas", scenario.CidaasHost, scenario.CidaasCallback) })
        {
            var signIn = await host.GetWithHeadersAsync(callback.Path, callback.Query, callback.Cookie);
            var challenge = await host.GetWithHeadersAsync("/protected", "", null);
            Console.WriteLine($"{name}: authorization URL {challenge.Location.Length} chars, challenge cookies {challenge.SetCookies.Sum(c => c.Length)} chars; sign-in cookies {signIn.SetCookies.Length} headers, {signIn.SetCookies.Sum(c => c.Length)} chars");
        }

        var operations = new (string Name, Func<Task> Run)[]
        {
            ("host: anonymous /public (Microsoft host)", () => scenario.MicrosoftHost.GetAsync("/public", "", null, 200)),
            ("host: anonymous /public (cidaas host)", () => scenario.CidaasHost.GetAsync("/public", "", null, 200)),
            ("challenge: Microsoft", () => scenario.MicrosoftHost.GetAsync("/protected", "", null, 302)),
            ("challenge: cidaas", () => scenario.CidaasHost.GetAsync("/protected", "", null, 302)),
            ("challenge: floor", () => scenario.FloorHost.GetAsync("/protected", "", null, 302)),
            ("callback: Microsoft", () => scenario.MicrosoftHost.GetAsync(scenario.MicrosoftCallback.Path, scenario.MicrosoftCallback.Query, scenario.MicrosoftCallback.Cookie, 302)),
            ("callback: cidaas", () => scenario.CidaasHost.GetAsync(scenario.CidaasCallback.Path, scenario.CidaasCallback.Query, scenario.CidaasCallback.Cookie, 302)),
            ("bearer: AddJwtBearer", () => bearer.JwtBearerHost.GetAsync("/protected", "", null, 200, bearer.Authorization)),
            ("bearer: AddCidaasBearer", () => bearer.CidaasBearerHost.GetAsync("/protected", "", null, 200, bearer.Authorization)),
            ("session: ticket in the cookie", () => sessions.CookieOnlyHost.GetAsync("/protected", "", sessions.CookieOnlyCookie, 200)),
            ("session: server-side, cidaas store (memory cache)", () => sessions.SessionsHost.GetAsync("/protected", "", sessions.SessionsCookie, 200)),
        };

        foreach (var (name, run) in operations)
        {
            if (only is not null && !name.Contains(only, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            for (var i = 0; i < 2_000; i++)
            {
                await run();
            }

            const int Count = 5_000;
            var showTypes = only is not null && Environment.GetEnvironmentVariable("PROFILE_TYPES") == "1";
            using var listener = showTypes ? new AllocationListener() : null;
            var before = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < Count; i++)
            {
                await run();
            }

            var perOperation = (GC.GetTotalAllocatedBytes(precise: true) - before) / Count;
            Console.WriteLine($"{name}: {perOperation} B/op");
            if (listener is not null)
            {
                foreach (var (type, bytes) in listener.ByType.OrderByDescending(p => p.Value).Take(25))
                {
                    Console.WriteLine($"    {bytes / Count,8} B/op  {type}");
                }
            }
        }

        // PROFILE_LOOP_SECONDS=n: run the selected operations that long, for a trace, printing the time per round.
        if (int.TryParse(Environment.GetEnvironmentVariable("PROFILE_LOOP_SECONDS"), out var seconds))
        {
            var until = DateTime.UtcNow.AddSeconds(seconds);
            var selected = operations.Where(o => only is null || o.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray();
            while (DateTime.UtcNow < until)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var count = 0;
                while (watch.ElapsedMilliseconds < 2_000)
                {
                    foreach (var (_, run) in selected)
                    {
                        await run();
                    }

                    count++;
                }

                Console.WriteLine($"{watch.Elapsed.TotalMicroseconds / count:F1} us per round; heap {GC.GetTotalMemory(false) / 1024} KB; gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
            }
        }

        await CompareTimesAsync(operations.Where(o => only is null || o.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray());

        scenario.MicrosoftHost.ThrowIfAnyUnexpectedAnswer("Microsoft");
        scenario.CidaasHost.ThrowIfAnyUnexpectedAnswer("cidaas");
        scenario.FloorHost.ThrowIfAnyUnexpectedAnswer("floor");
        bearer.JwtBearerHost.ThrowIfAnyUnexpectedAnswer("AddJwtBearer");
        bearer.CidaasBearerHost.ThrowIfAnyUnexpectedAnswer("AddCidaasBearer");
        sessions.CookieOnlyHost.ThrowIfAnyUnexpectedAnswer("sessions: cookie only");
        sessions.SessionsHost.ThrowIfAnyUnexpectedAnswer("sessions: server-side");
    }

    /// <summary>
    /// Rounds of interleaved batches, so that a busy machine slows every operation alike; prints the median per
    /// operation and, for each cidaas operation, the median over the rounds of its time divided by that of the other
    /// operations of its kind in the same round. Batches of one round run within a fraction of a second of each other,
    /// so that ratio compares the handlers in the same state of the machine (see docs/performance.md).
    /// </summary>
    private static async Task CompareTimesAsync((string Name, Func<Task> Run)[] operations)
    {
        const int Rounds = 30;
        const int Batch = 200;
        var samples = operations.Select(_ => new List<double>()).ToArray();
        var cpuSamples = operations.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < operations.Length; i++)
            {
                var cpu = ThreadCpuTime();
                var watch = System.Diagnostics.Stopwatch.StartNew();
                for (var j = 0; j < Batch; j++)
                {
                    await operations[i].Run();
                }

                samples[i].Add(watch.Elapsed.TotalMicroseconds / Batch);
                cpuSamples[i].Add((ThreadCpuTime() - cpu).TotalMicroseconds / Batch);
            }
        }

        for (var i = 0; i < operations.Length; i++)
        {
            Console.WriteLine($"{operations[i].Name}: median {Median(samples[i]):F1} us/op (min {samples[i].Min():F1}), thread CPU median {Median(cpuSamples[i]):F1} us/op");
        }

        for (var i = 0; i < operations.Length; i++)
        {
            var kind = Kind(operations[i].Name);
            if (!operations[i].Name.Contains("cidaas", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            for (var j = 0; j < operations.Length; j++)
            {
                if (j != i && Kind(operations[j].Name) == kind)
                {
                    var ratios = samples[i].Zip(samples[j], (own, other) => own / other).ToList();
                    var cpuRatios = cpuSamples[i].Zip(cpuSamples[j], (own, other) => other > 0 ? own / other : 0).ToList();
                    Console.WriteLine($"{operations[i].Name} / {operations[j].Name}: paired median ratio {Median(ratios):F2} (rounds from {ratios.Min():F2} to {ratios.Max():F2}), in thread CPU {Median(cpuRatios):F2}");
                }
            }
        }

        static string Kind(string name) => name[..name.IndexOf(':', StringComparison.Ordinal)];

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    }

    // CPU time of this thread (the requests complete synchronously on it), which a busy machine does not inflate as it does wall time.
    private static TimeSpan ThreadCpuTime()
    {
        if (!OperatingSystem.IsLinux() || clock_gettime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var time) != 0)
        {
            return TimeSpan.Zero;
        }

        return TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    private readonly struct TimeSpec
    {
        public readonly long Seconds;
        public readonly long Nanoseconds;
    }

    private sealed class AllocationListener : EventListener
    {
        public Dictionary<string, long> ByType { get; } = new(StringComparer.Ordinal);

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName != "GCAllocationTick_V4" || eventData.Payload is null)
            {
                return;
            }

            var type = eventData.Payload[eventData.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
            var amount = Convert.ToInt64(eventData.Payload[eventData.PayloadNames!.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
            lock (ByType)
            {
                ByType[type] = ByType.GetValueOrDefault(type) + amount;
            }
        }
    }
}
