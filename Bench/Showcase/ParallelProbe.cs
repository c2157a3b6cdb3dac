using System.Diagnostics;
using System.Globalization;
using JitDsl.Bench.Workloads;
using JitDsl.Parallel;
using Spectre.Console;

namespace JitDsl.Bench.Showcase;

/// <summary>
/// What parallel loops cost and gain on this machine: the cost of one empty parallel region (JitDsl's pool
/// against .NET's <c>Parallel.For</c>), and the scaling table, threads × array size, of parallel_sum and
/// fused_expr (the README's: <c>dotnet run -c Release --project Bench -- scaling</c>).
/// </summary>
internal static class ParallelProbe
{
    /// <summary>Median microseconds of an empty region on <paramref name="threads"/> threads, JitDsl's pool and Parallel.For.</summary>
    public static (double Pool, double ParallelFor) RegionCost(int threads)
    {
        const int regions = 2000;
        double Median(Action region)
        {
            for (var k = 0; k < regions; k++)
                region();
            var batches = new List<double>();
            var clock = new Stopwatch();
            for (var batch = 0; batch < 15; batch++)
            {
                clock.Restart();
                for (var k = 0; k < regions; k++)
                    region();
                batches.Add(clock.Elapsed.TotalMicroseconds / regions);
            }
            return Measurement.Median(batches);
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        return (Median(() => ForkJoin.Run(threads, _ => { })), Median(() => System.Threading.Tasks.Parallel.For(0, threads, options, _ => { })));
    }

    public static void PrintRegionCost()
    {
        var threads = Math.Max(2, Environment.ProcessorCount);
        var (pool, parallelFor) = RegionCost(threads);
        AnsiConsole.MarkupLine($"[bold]parallel region[/], empty, {threads} threads: JitDsl's pool [bold]{pool:F1} µs[/], .NET Parallel.For {parallelFor:F1} µs (median of 15 × 2000)");
    }

    /// <summary>The scaling table: median ms and speed-up over the serial compile, for thread counts × sizes.</summary>
    public static int Scaling(string[] args)
    {
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 160;
        var backend = Jit.IsAvailable(Backend.Llvm) ? Backend.Llvm : Backend.Clr;
        var counts = new[] { 1, 2, 3, 4, 8 }.Where(t => t <= Math.Max(4, 2 * Environment.ProcessorCount)).ToArray();
        var sizes = args.Contains("--quick") ? new[] { 10_000, 100_000, 1_000_000 } : [10_000, 100_000, 1_000_000, 10_000_000];
        AnsiConsole.MarkupLine($"[bold]Parallel scaling[/] on {Environment.ProcessorCount} cores, {backend} backend: median ms, and in brackets the speed-up over the same kernel compiled without Parallel.");
        foreach (var (name, define) in new (string, Func<JitOptions, double[], Func<object>>)[]
                 {
                     ("parallel_sum", (options, x) => { var kernel = ChapterKernels.SumSquares(options); return () => kernel.Invoke(x)!; }),
                     ("fused_expr", (options, x) => { var map = ChapterKernels.FusedExpressionMap(options); return () => map.Invoke(x)!; }),
                 })
        {
            var table = new Table().Border(TableBorder.Markdown).AddColumn($"{name}: n");
            table.AddColumn("serial");
            foreach (var threads in counts)
                table.AddColumn($"{threads} thread{(threads > 1 ? "s" : "")}");
            foreach (var n in sizes)
            {
                var (serial, parallel) = Measure(define, n, counts, backend);
                table.AddRow([n.ToString("N0", CultureInfo.InvariantCulture), Ms(serial), .. parallel.Select(p => $"{Ms(p.Milliseconds)} ({serial / p.Milliseconds:F2}×)")]);
            }
            AnsiConsole.Write(table);
        }
        PrintRegionCost();
        return 0;
    }

    /// <summary>The median ms of the kernel compiled without Parallel, and with it on each thread count, over <paramref name="n"/> elements.</summary>
    private static (double Serial, List<(int Threads, double Milliseconds)> Parallel) Measure(
        Func<JitOptions, double[], Func<object>> define, int n, int[] counts, Backend backend)
    {
        var x = Inputs.Uniform(1, n);
        var serial = Time(define(new JitOptions { Backend = backend }, x));
        var parallel = define(new JitOptions { Backend = backend, Parallel = true }, x);
        var setting = Threads.GetNumThreads();
        var times = new List<(int, double)>();
        try
        {
            foreach (var threads in counts)
            {
                Threads.SetNumThreads(threads);
                times.Add((threads, Time(parallel)));
            }
        }
        finally
        {
            Threads.SetNumThreads(setting);
        }
        return (serial, times);
    }

    /// <summary>scaling.png: parallel_sum's speed-up over its serial compile for 1 … (cores, at least 2) threads, two sizes.</summary>
    public static void PlotScaling(string path, bool quick)
    {
        var backend = Jit.IsAvailable(Backend.Llvm) ? Backend.Llvm : Backend.Clr;
        var counts = Enumerable.Range(1, Math.Max(2, Environment.ProcessorCount)).ToArray();
        Func<JitOptions, double[], Func<object>> sum = (options, x) => { var kernel = ChapterKernels.SumSquares(options); return () => kernel.Invoke(x)!; };
        var series = (quick ? new[] { 100_000, 1_000_000 } : [1_000_000, 10_000_000]).Select(n =>
        {
            var (serial, parallel) = Measure(sum, n, counts, backend);
            return ($"parallel_sum, n = {n:N0}", (IReadOnlyList<(int, double)>)parallel.Select(p => (p.Threads, serial / p.Milliseconds)).ToList());
        }).ToList();
        Plots.Scaling(series, path);
    }

    private static double Time(Func<object> call)
    {
        // Past the .NET JIT's tiering of the calling code (dispatcher, native call): the first variant timed
        // would otherwise pay for it, tens of microseconds a call on small arrays.
        var warm = Stopwatch.StartNew();
        for (var k = 0; k < 50 || warm.Elapsed < TimeSpan.FromSeconds(0.2); k++)
            call();
        var runs = new List<double>();
        var spent = Stopwatch.StartNew();
        var clock = new Stopwatch();
        while (runs.Count < 7 || (runs.Count < 200 && spent.Elapsed < TimeSpan.FromSeconds(0.5)))
        {
            clock.Restart();
            call();
            runs.Add(clock.Elapsed.TotalMilliseconds);
        }
        return Measurement.Median(runs);
    }

    private static string Ms(double ms) => ms < 1 ? ms.ToString("F3", CultureInfo.InvariantCulture) : ms.ToString("F2", CultureInfo.InvariantCulture);
}
