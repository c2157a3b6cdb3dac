using JitDsl.Bench.Workloads;

namespace JitDsl.Bench.Showcase;

/// <summary>
/// speedup.png: fused_expr computed every way (the C# loop, NumPy-style arrays, TensorPrimitives, JitDsl on each
/// backend, LLVM on every core) over arrays of 10^2 to 10^8 elements (10^5 with --quick), the time per element of each.
/// </summary>
internal static class SizeSweep
{
    private static readonly string[] Ways = ["csharp_loop", "csharp_arrays", "csharp_tensorprimitives", "jitdsl_clr", "jitdsl_llvm", "jitdsl_llvm_parallel"];

    public static void Plot(string path, bool quick)
    {
        // Up to 10^8: 800 MB an array (the input and each variant's result: under 2 GB at a time).
        var sizes = Enumerable.Range(2, quick ? 4 : 7).Select(power => (int)Math.Pow(10, power)).ToArray();
        var series = Ways.ToDictionary(way => way, _ => new List<(long, double)>());
        foreach (var n in sizes)
        {
            // NumPy-style arrays stop at 10^7: at 10^8 their seven temporaries would need 5.6 GB.
            foreach (var variant in ChapterWorkloads.FusedExpression(n).Variants.Where(v => series.ContainsKey(v.Name) && !(v.Name == "csharp_arrays" && n > 10_000_000)))
            {
                var result = Measurement.Run(variant, TimeSpan.FromSeconds(quick ? 0.05 : 0.2), minRuns: 3, maxRuns: 50);
                series[variant.Name].Add((n, result.MedianMs * 1e6 / n));
            }
        }
        Plots.SpeedUp("fused_expr", series.Where(s => s.Value.Count > 0).Select(s => (s.Key, (IReadOnlyList<(long, double)>)s.Value)).ToList(), path);
    }
}
