using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;

namespace Cidaas.AspNetCore.Authentication.Benchmarks;

/// <summary>
/// A short job so that the whole run takes minutes on two cores: one launch, 30 warm-up iterations (the ASP.NET Core
/// pipeline needs that many before tiered compilation and dynamic PGO have settled on a small machine) and 100
/// measured ones: the shared virtual machine this was tuned on alternates between two speeds every few seconds
/// (docs/performance.md), and 10 to 35 seconds of measurement per benchmark spread each one over several changes.
/// With allocations per operation, and the ratios to the baseline of each class, of means and of medians.
/// </summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(30)
            .WithIterationCount(100)
            .WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, new MedianRatioColumn(), BaselineAllocationRatioColumn.RatioMean);
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Value));
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared));
    }
}
