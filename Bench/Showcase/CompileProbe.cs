using System.Diagnostics;
using System.Globalization;
using JitDsl.Bench.Workloads;

namespace JitDsl.Bench.Showcase;

/// <summary>
/// What compiling costs on the LLVM backend. In fresh processes: the showcase runs this program again as
/// <c>cache-probe FOLDER</c> twice, first with an empty disk cache, then with the entries the first run wrote.
/// Each child compiles sum_squares, then fused_expr, with <c>Cache = true</c>, and prints the time of every
/// compilation stage (tracing included; .NET's own start-up is not counted). The first kernel pays what a
/// process pays once (loading libLLVM, JIT-compiling JitDsl itself); the second still pays for JIT-compiling
/// the parts of JitDsl the first did not use. In a warm process (the showcase's own, once it has run every
/// workload): each chapter kernel compiled again with options no workload used, so that its code is new.
/// </summary>
internal static class CompileProbe
{
    public static int Run(string[] args)
    {
        Environment.SetEnvironmentVariable("JITDSL_CACHE_DIR", args[0]);
        var options = new JitOptions { Backend = Backend.Llvm, Cache = true };
        Console.WriteLine(Describe(ChapterKernels.SumSquares(options).Inspect(new double[16])));
        Console.WriteLine(Describe(ChapterKernels.FusedExpression(options).Inspect(new double[16])));
        return 0;
    }

    /// <summary>
    /// One line per chapter kernel, compiled in this process with <see cref="FastMath.Contract"/> (which no
    /// workload uses, so nothing is linked yet): what a new kernel costs once JitDsl itself is compiled.
    /// </summary>
    public static IReadOnlyList<string> InWarmProcess()
    {
        var options = new JitOptions { Backend = Backend.Llvm, FastMath = FastMath.Contract };
        var x = new double[16];
        return
        [
            Describe(ChapterKernels.SumSquares(options).Inspect(x)),
            Describe(ChapterKernels.ClipAdd(options).Inspect(x, x)),
            Describe(ChapterKernels.MonteCarloPi(options).Inspect(1000L, 1L)),
            Describe(ChapterKernels.MandelbrotSet(options).Inspect(8L, 8L, 20L)),
            Describe(ChapterKernels.FusedExpression(options).Inspect(x)),
        ];
    }

    /// <summary>One line: the kernel, its total compile time, every stage's time, and where its object code came from.</summary>
    private static string Describe(KernelInspection inspection)
    {
        var stages = inspection.Stages;
        var total = stages.Sum(s => s.Elapsed.TotalMilliseconds);
        var source = inspection["optimize and emit"].Output.Split('\n')[0].TrimStart(';', ' ');
        return string.Create(CultureInfo.InvariantCulture,
            $"{inspection.Kernel}|{total:F2}|{string.Join(", ", stages.Select(s => $"{s.Name} {s.Elapsed.TotalMilliseconds:F2}"))}|{source}");
    }

    /// <summary>Runs the probe in two fresh processes and returns their lines (empty cache, then warm).</summary>
    public static (string Cold, string Cached) Measure()
    {
        var folder = Directory.CreateTempSubdirectory("jitdsl-cache-probe-").FullName;
        try
        {
            return (Child(folder), Child(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Child(string folder)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(typeof(CompileProbe).Assembly.Location);
        start.ArgumentList.Add("cache-probe");
        start.ArgumentList.Add(folder);
        using var child = Process.Start(start)!;
        var line = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        return line;
    }
}
