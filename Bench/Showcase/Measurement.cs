using System.Diagnostics;
using JitDsl.Bench.Workloads;

namespace JitDsl.Bench.Showcase;

/// <summary>What one variant of a workload measured: first call (definition + compile + run), steady-state runs, allocation.</summary>
internal sealed record VariantResult(string Name, double FirstCallMs, double MedianMs, IReadOnlyList<double> RunsMs, long AllocatedBytes, double Checksum);

/// <summary>
/// Times a variant: the first definition-and-call once, then repeated calls (each from a collected heap)
/// until enough time has passed.
/// </summary>
internal static class Measurement
{
    public static VariantResult Run(Variant variant, TimeSpan budget, int minRuns, int maxRuns)
    {
        // The garbage of earlier variants (hundreds of MB of temporaries) must not be collected inside this one's timing.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var clock = Stopwatch.StartNew();
        var call = variant.Define();
        var result = call();
        var firstCall = clock.Elapsed.TotalMilliseconds;
        var checksum = Checksum.Of(result);

        var runs = new List<double>();
        var spent = Stopwatch.StartNew();
        while (runs.Count < minRuns || (runs.Count < maxRuns && spent.Elapsed < budget))
        {
            // Every variant's call starts from a collected heap: otherwise whether the GC happens to have
            // reclaimed the last call's 80 MB decides whether this one page-faults fresh memory in.
            GC.Collect();
            clock.Restart();
            call();
            runs.Add(clock.Elapsed.TotalMilliseconds);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        call();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return new VariantResult(variant.Name, firstCall, Median(runs), runs, allocated, checksum);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
