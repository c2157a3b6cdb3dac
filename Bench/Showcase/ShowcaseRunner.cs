using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using JitDsl.Bench.Workloads;
using Spectre.Console;

namespace JitDsl.Bench.Showcase;

/// <summary>
/// <c>showcase</c>: runs every chapter workload in every variant, checks each checksum against WORKLOADS.md and
/// against the plain C# loop, and prints first-call time, steady-state median and allocation side by side.
/// </summary>
internal static class ShowcaseRunner
{
    private sealed record WorkloadResult(string Name, long N, Expected? Expected, IReadOnlyList<VariantResult> Variants);

    public static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        if (Console.IsOutputRedirected)
            AnsiConsole.Profile.Width = 160; // a log file should get whole rows, not an 80-column wrap
        var jsonIndex = Array.IndexOf(args, "--json");
        var jsonPath = jsonIndex >= 0 && jsonIndex + 1 < args.Length ? args[jsonIndex + 1] : null;
        var outIndex = Array.IndexOf(args, "--out");
        var outFolder = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : "showcase-out";
        var (n, side) = quick ? (1_000_000, 300) : (ChapterWorkloads.StandardSize, ChapterWorkloads.MandelbrotSide);
        var budget = TimeSpan.FromSeconds(quick ? 0.3 : 2);
        var onlyIndex = Array.IndexOf(args, "--only");
        var only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? args[onlyIndex + 1].Split(',') : null;

        AnsiConsole.MarkupLine($"[bold]JitDsl showcase[/] — {(quick ? "quick run (smaller sizes)" : "the chapter's workloads at WORKLOADS.md sizes")}, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        var results = new List<WorkloadResult>();
        AnsiConsole.Status().Start("preparing inputs", status =>
        {
            foreach (var workload in ChapterWorkloads.All(n, side).Concat(ArrayExpressionWorkloads.All(n)).Concat(UfuncWorkloads.All(n, quick ? n / 10 : UfuncWorkloads.FoldSize)))
            {
                if (only is not null && !only.Contains(workload.Name))
                    continue;
                var variants = new List<VariantResult>();
                foreach (var variant in workload.Variants)
                {
                    status.Status($"{workload.Name}: {variant.Name}");
                    variants.Add(Measurement.Run(variant, budget, minRuns: 5, maxRuns: 30));
                }
                results.Add(new WorkloadResult(workload.Name, workload.N, workload.Expected, variants));
            }
        });

        if (args.Contains("--numba"))
            results = WithNumba(results, n, side, quick ? n / 10 : UfuncWorkloads.FoldSize, budget.TotalSeconds);
        var failures = PrintTable(results);
        PrintBreakEven(results);
        PrintAgainstNumba(results);
        ParallelProbe.PrintRegionCost();
        var compile = Jit.IsAvailable(Backend.Llvm) ? PrintCompileTimes() : null;
        var json = ToJson(results, compile);
        if (jsonPath is not null)
        {
            File.WriteAllText(jsonPath, json);
            AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(jsonPath)}[/]");
        }
        WriteOutputFolder(outFolder, results, json, side, quick);
        return failures == 0 ? 0 : 1;
    }

    private static int PrintTable(IReadOnlyList<WorkloadResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("workload", "variant", "first call ms", "median ms", "vs C# loop", "allocated", "checksum");
        var failures = 0;
        foreach (var workload in results)
        {
            var loop = workload.Variants.First(v => v.Name == "csharp_loop");
            foreach (var variant in workload.Variants)
            {
                var ok = workload.Expected?.Accepts(variant.Checksum)
                    ?? Math.Abs(variant.Checksum - loop.Checksum) <= 1e-9 * Math.Abs(loop.Checksum);
                failures += ok ? 0 : 1;
                table.AddRow(
                    variant == workload.Variants[0] ? $"{workload.Name} (n={workload.N:N0})" : "",
                    variant.Name,
                    variant.FirstCallMs.ToString("F1", CultureInfo.InvariantCulture),
                    variant.MedianMs.ToString("F2", CultureInfo.InvariantCulture),
                    (loop.MedianMs / variant.MedianMs).ToString("F2", CultureInfo.InvariantCulture) + "×",
                    variant.AllocatedBytes < 0 ? "—" : $"{variant.AllocatedBytes / 1e6:F1} MB",
                    (ok ? "[green]✓[/] " : "[red]✗[/] ") + variant.Checksum.ToString("R", CultureInfo.InvariantCulture));
            }
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("vs C# loop: the C# loop's median divided by the variant's (higher is faster). Checksums are checked against WORKLOADS.md at its sizes, else against the C# loop.");
        if (failures > 0)
            AnsiConsole.MarkupLine($"[red]{failures} checksum(s) wrong[/]");
        return failures;
    }

    /// <summary>Each workload with Numba's row added, when Numba is found and runs (said on the console either way).</summary>
    private static List<WorkloadResult> WithNumba(List<WorkloadResult> results, int n, int side, int foldSize, double budgetSeconds)
    {
        Dictionary<string, VariantResult>? numba;
        try
        {
            numba = AnsiConsole.Status().Start("running the workloads through Numba", _ => NumbaRunner.Run(n, side, foldSize, budgetSeconds));
        }
        catch (InvalidOperationException e)
        {
            // The run's own results stand: say what went wrong with Numba's and go on.
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(e.Message)}[/]");
            return results;
        }
        if (numba is null)
        {
            AnsiConsole.MarkupLine(Markup.Escape(NumbaRunner.Missing));
            return results;
        }
        return results.Select(w => numba.TryGetValue(w.Name, out var row) ? w with { Variants = [.. w.Variants, row] } : w).ToList();
    }

    /// <summary>
    /// Numba beside JitDsl, like with like: Numba's functions run on one thread without fast-math, as JitDsl's serial,
    /// exact variants do (the ratio that compares them); JitDsl's fastest variant of any kind is shown too.
    /// </summary>
    private static void PrintAgainstNumba(IReadOnlyList<WorkloadResult> results)
    {
        var compared = results.Select(w => (w, Numba: w.Variants.FirstOrDefault(v => v.Name.StartsWith("numba", StringComparison.Ordinal))))
            .Where(c => c.Numba is not null).ToList();
        if (compared.Count == 0)
            return;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("workload", "Numba first call ms", "Numba median ms",
            "JitDsl, one thread, exact", "its median ms", "vs Numba", "fastest JitDsl", "its median ms", "vs Numba");
        foreach (var (workload, numba) in compared)
        {
            var jitdsl = workload.Variants.Where(v => v.Name.StartsWith("jitdsl", StringComparison.Ordinal)).ToList();
            var serial = jitdsl.Where(v => !v.Name.Contains("parallel", StringComparison.Ordinal) && !v.Name.Contains("fastmath", StringComparison.Ordinal))
                .MinBy(v => v.MedianMs)!;
            var best = jitdsl.MinBy(v => v.MedianMs)!;
            table.AddRow(workload.Name, numba!.FirstCallMs.ToString("F1", CultureInfo.InvariantCulture), numba.MedianMs.ToString("F2", CultureInfo.InvariantCulture),
                serial.Name, serial.MedianMs.ToString("F2", CultureInfo.InvariantCulture), Versus(numba.MedianMs, serial.MedianMs),
                best.Name, best.MedianMs.ToString("F2", CultureInfo.InvariantCulture), Versus(numba.MedianMs, best.MedianMs));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Numba ({Markup.Escape(compared[0].Numba!.Name)}) ran the chapter's functions (@njit, @vectorize; one thread, no fast-math) in a Python process beside this one, on the same inputs.");
    }

    private static string Versus(double numbaMs, double jitdslMs) =>
        numbaMs >= jitdslMs ? $"{numbaMs / jitdslMs:F2}× faster" : $"{jitdslMs / numbaMs:F2}× slower";

    private static void PrintBreakEven(IReadOnlyList<WorkloadResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("workload", "JitDsl variant", "compile ms", "per call ms", "C# loop ms", "pays off after");
        foreach (var (workload, variant, compile, perCall, loop, calls) in BreakEven(results))
        {
            table.AddRow(workload, variant, compile.ToString("F1", CultureInfo.InvariantCulture), perCall.ToString("F2", CultureInfo.InvariantCulture),
                loop.ToString("F2", CultureInfo.InvariantCulture), calls is { } n ? $"{n:N0} call(s)" : "never: not faster");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("Break-even, the chapter's rule: compile time C / (T_loop − T_jit), C the first call's extra time over a later call.");
    }

    /// <summary>results.json, report.md and the pictures: the Mandelbrot set, a compile's stages, parallel scaling.</summary>
    private static void WriteOutputFolder(string folder, IReadOnlyList<WorkloadResult> results, string json, int side, bool quick)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "results.json"), json);
        File.WriteAllText(Path.Combine(folder, "report.md"), Report(results));
        var options = new JitOptions { Backend = Jit.IsAvailable(Backend.Llvm) ? Backend.Llvm : Backend.Clr };
        var counts = (int[,])ChapterKernels.MandelbrotSet(options).Invoke(side, side, ChapterWorkloads.MandelbrotIterations)!;
        Plots.Mandelbrot(counts, Path.Combine(folder, "mandelbrot.png"));
        // fused_expr compiled afresh (options no other variant or probe uses: no object code to reuse), its stages as Inspect
        // reports them; then the same map for the GPU through ILGPU, down to IL and PTX (made here without a GPU).
        var input = Inputs.Uniform(4, 1000);
        var inspection = ChapterKernels.FusedExpressionMap(options with { FastMath = FastMath.NoSignedZeros }).Inspect(input);
        var onGpu = ChapterKernels.FusedExpressionMap(new JitOptions { Backend = Backend.Cuda }).Inspect(input);
        var ptxClock = System.Diagnostics.Stopwatch.StartNew();
        _ = onGpu["ptx"].Output;
        var stages = inspection.Stages.Select(s => ($"{options.Backend}: {s.Name}", s.Elapsed.TotalMilliseconds))
            .Concat(onGpu.Stages.Where(s => s.Name != "ptx").Select(s => ($"Cuda: {s.Name}", s.Elapsed.TotalMilliseconds)))
            .Append(("Cuda: ptx", ptxClock.Elapsed.TotalMilliseconds)).ToList();
        Plots.Pipeline("fused_expr (a Map)", stages, Path.Combine(folder, "pipeline.png"));
        ParallelProbe.PlotScaling(Path.Combine(folder, "scaling.png"), quick);
        SizeSweep.Plot(Path.Combine(folder, "speedup.png"), quick);
        AnsiConsole.MarkupLine($"wrote [blue]{Markup.Escape(folder)}/[/]: results.json, report.md, mandelbrot.png, pipeline.png, scaling.png, speedup.png");
    }

    /// <summary>The results as a Markdown table, as the console shows them.</summary>
    private static string Report(IReadOnlyList<WorkloadResult> results)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# JitDsl showcase, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {CpuName()}\n\n");
        text.Append("| workload | n | variant | first call ms | median ms | vs C# loop | allocated MB | checksum |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var workload in results)
        {
            var loop = workload.Variants.First(v => v.Name == "csharp_loop");
            foreach (var v in workload.Variants)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"| {workload.Name} | {workload.N:N0} | {v.Name} | {v.FirstCallMs:F1} | {v.MedianMs:F2} | {loop.MedianMs / v.MedianMs:F2}× | {(v.AllocatedBytes < 0 ? "—" : (v.AllocatedBytes / 1e6).ToString("F1", CultureInfo.InvariantCulture))} | {v.Checksum:R} |\n");
            }
        }
        text.Append("\n## Break-even\n\nCalls after which a JitDsl variant has paid for its compilation, against the C# loop: C / (T_loop − T_jit), ")
            .Append("C the first call's extra time over a later one (trace, compile, first run's warm-up).\n\n")
            .Append("| workload | variant | compile ms | per call ms | C# loop ms | break-even calls |\n|---|---|---|---|---|---|\n");
        foreach (var (workload, variant, compile, perCall, loop, calls) in BreakEven(results))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"| {workload} | {variant} | {compile:F1} | {perCall:F2} | {loop:F2} | {(calls is { } n ? n.ToString("N0", CultureInfo.InvariantCulture) : "never (not faster)")} |\n");
        }
        return text.ToString();
    }

    /// <summary>
    /// The chapter's break-even rule for each JitDsl variant: compile cost C over the time each call saves against the
    /// C# loop; null when the variant is not faster than the loop.
    /// </summary>
    private static IEnumerable<(string Workload, string Variant, double CompileMs, double PerCallMs, double LoopMs, long? Calls)> BreakEven(
        IReadOnlyList<WorkloadResult> results)
    {
        foreach (var workload in results)
        {
            var loop = workload.Variants.First(v => v.Name == "csharp_loop").MedianMs;
            foreach (var v in workload.Variants.Where(v => v.Name.StartsWith("jitdsl", StringComparison.Ordinal)))
            {
                // A first call no slower than a later one (the kernel compiled while another variant was measured) pays off at once: 1 call.
                var compile = Math.Max(0, v.FirstCallMs - v.MedianMs);
                var saved = loop - v.MedianMs;
                yield return (workload.Name, v.Name, compile, v.MedianMs, loop, saved > 0 ? Math.Max(1, (long)Math.Ceiling(compile / saved)) : null);
            }
        }
    }

    /// <summary>LLVM compile times: in fresh processes, cold and with the disk cache warm; then in this (warm) process.</summary>
    private static CompileTimes PrintCompileTimes()
    {
        var (cold, cached) = CompileProbe.Measure();
        var warm = CompileProbe.InWarmProcess();
        AnsiConsole.MarkupLine($"[bold]LLVM compile times[/] ({Markup.Escape(Jit.Describe(Backend.Llvm))}); in a fresh process the first kernel also pays for loading libLLVM and JIT-compiling JitDsl:");
        foreach (var (label, lines) in new[] { ("fresh process, empty cache", cold.Split('\n', StringSplitOptions.RemoveEmptyEntries)),
                     ("fresh process, warm cache", cached.Split('\n', StringSplitOptions.RemoveEmptyEntries)), ("warm process", warm) })
        {
            foreach (var line in lines)
            {
                var parts = line.Split('|');
                AnsiConsole.MarkupLine(parts.Length == 4
                    ? $"  {label}, {Markup.Escape(parts[0])}: [bold]{Markup.Escape(parts[1])} ms[/] ({Markup.Escape(parts[2])}); {Markup.Escape(parts[3])}"
                    : $"  {label}: [red]the probe failed[/] {Markup.Escape(line)}");
            }
        }
        return new CompileTimes(cold, cached, warm);
    }

    private sealed record CompileTimes(string FreshEmptyCache, string FreshWarmCache, IReadOnlyList<string> WarmProcess);

    private static string ToJson(IReadOnlyList<WorkloadResult> results, CompileTimes? compile)
    {
        var document = new
        {
            machine = new
            {
                os = RuntimeInformation.OSDescription,
                cpu = CpuName(),
                cores = Environment.ProcessorCount,
                runtime = RuntimeInformation.FrameworkDescription,
                date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                llvm = Jit.Describe(Backend.Llvm),
            },
            llvm_compile = compile is { } c
                ? new { fresh_process_empty_cache = c.FreshEmptyCache, fresh_process_warm_cache = c.FreshWarmCache, warm_process = c.WarmProcess }
                : null,
            workloads = results.Select(w => new
            {
                name = w.Name,
                n = w.N,
                expected = w.Expected?.Value,
                variants = w.Variants.Select(v => new
                {
                    name = v.Name,
                    first_call_ms = Math.Round(v.FirstCallMs, 3),
                    median_ms = Math.Round(v.MedianMs, 3),
                    allocated_bytes = v.AllocatedBytes,
                    checksum = v.Checksum,
                    runs_ms = v.RunsMs.Select(r => Math.Round(r, 3)),
                }),
            }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
    }

    private static string CpuName()
    {
        const string cpuInfo = "/proc/cpuinfo";
        var model = File.Exists(cpuInfo) ? File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
        return model?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
