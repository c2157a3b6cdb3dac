using System.Diagnostics;
using System.Globalization;
using JitDsl.Bench.Workloads;

namespace JitDsl.Bench.Showcase;

/// <summary>
/// What compiling costs on the LLVM backend, measured in fresh processes: the showcase runs this program
/// again as <c>cache-probe FOLDER</c> twice, first with an empty disk cache, then with the entries the first
/// run wrote. Each child compiles sum_squares, then fused_expr, with <c>Cache = true</c>, and prints the time
/// of every compilation stage (tracing included; .NET's own start-up is not counted). The first kernel pays
/// what a process pays once (loading libLLVM, JIT-compiling JitDsl itself); the second shows a kernel's own cost.
/// </summary>
internal static class CacheProbe
{
    public static int Run(string[] args)
    {
        Environment.SetEnvironmentVariable("JITDSL_CACHE_DIR", args[0]);
        var options = new JitOptions { Backend = Backend.Llvm, Cache = true };
        Console.WriteLine(Describe(ChapterKernels.SumSquares(options).Inspect(new double[16])));
        Console.WriteLine(Describe(ChapterKernels.FusedExpression(options).Inspect(new double[16])));
        return 0;
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
            start.ArgumentList.Add(typeof(CacheProbe).Assembly.Location);
        start.ArgumentList.Add("cache-probe");
        start.ArgumentList.Add(folder);
        using var child = Process.Start(start)!;
        var line = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        return line;
    }
}
