using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using JitDsl.Bench.Workloads;
using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Llvm;

/// <summary>Kernels exported to a shared library, called from a C program built by the system's compiler.</summary>
[TestClass]
public sealed class AotExportTests
{

    [TestMethod]
    public void ACProgramCallsTheLibraryAndGetsWhatDotNetGets() => InTemporaryFolder(folder =>
    {
        var sumSquares = ChapterKernels.SumSquares(OnLlvm);
        var grid = Jit.Kernel((Val rows, Val cols) =>
        {
            var g = Zeros(DType.Int64, rows, cols);
            For(rows, i => For(cols, j => g[i, j] = i * 10 + j));
            return g;
        }, OnLlvm, name: "grid");
        var line = TestSupport.Here() + 1;
        var element = Jit.Kernel((Arr a, Val i) => a[i], OnLlvm, name: "element");
        var twist = Jit.Kernel((Val z) => Sqrt(z) * z, OnLlvm, name: "twist");
        var draw = Jit.Kernel((Val seed) =>
        {
            Seed(seed);
            return Uniform();
        }, OnLlvm, name: "draw");
        Jit.Export(Path.Combine(folder, "libkernels.so"),
            new ExportedKernel(sumSquares, "float64(float64[:])"),
            new ExportedKernel(grid, "int64[:, :](int64, int64)"),
            new ExportedKernel(element, "float64(float64[:], int64)"),
            new ExportedKernel(twist, "complex128(complex128)"),
            new ExportedKernel(draw, "float64(int64)"));
        Assert.IsTrue(File.Exists(Path.Combine(folder, "libkernels.h")));

        var output = BuildAndRun(folder, "kernels", """
            double a[] = { 1.0, 2.0, 3.5 };
            double s;
            int rc = sum_squares(a, 3, &s, NULL);
            printf("sum_squares %d %.17g\n", rc, s);
            jitdsl_array g;
            rc = grid(2, 3, &g, NULL);
            long long* d = g.data;
            printf("grid %d %d %lld %lld %lld %lld %d\n", rc, g.rank, (long long)g.shape[0], (long long)g.shape[1], d[5], d[3], g.owned);
            jitdsl_free(g.data);
            jitdsl_error e;
            double x;
            rc = element(a, 3, 7, &x, &e);
            printf("element %d %lld %lld %s\n", rc, (long long)e.value1, (long long)e.value2, e.where);
            jitdsl_complex w;
            rc = twist(0.5, -1.25, &w, NULL);
            printf("twist %d %.17g %.17g\n", rc, w.re, w.im);
            double u;
            rc = draw(42, &u, NULL);
            printf("draw %d %.17g\n", rc, u);
            """);

        Assert.AreEqual("0", output["sum_squares"][0]);
        Assert.AreEqual(1.0 + 4.0 + 12.25, Parse(output["sum_squares"][1]));
        CollectionAssert.AreEqual(new[] { "0", "2", "2", "3", "12", "10", "1" }, output["grid"]);
        Assert.AreEqual("1", output["element"][0], "JITDSL_INDEX_OUT_OF_RANGE");
        CollectionAssert.AreEqual(new[] { "7", "3" }, output["element"][1..3]);
        StringAssert.Contains(string.Join(" ", output["element"][3..]), $"axis 0 of `a` at AotExportTests.cs:{line}");
        var z = Complex.Sqrt(new Complex(0.5, -1.25)) * new Complex(0.5, -1.25);
        Assert.AreEqual(z.Real, Parse(output["twist"][1]), 1e-15);
        Assert.AreEqual(z.Imaginary, Parse(output["twist"][2]), 1e-15);
        var managedDraw = Jit.Kernel((Val seed) =>
        {
            Seed(seed);
            return Uniform();
        }, OnClr);
        Assert.AreEqual(managedDraw.Invoke<double>(42L), Parse(output["draw"][1]), "the exported generator is KernelRandom's");
    });

    /// <summary>Parameters named like the wrapper's own values, and a kernel named like the runtime's object file.</summary>
    [TestMethod]
    public void AnyParameterAndKernelNamesExport() => InTemporaryFolder(folder =>
    {
        var twice = Jit.Kernel((Val value, Val status) => value * 2.0 + status, OnLlvm, name: "runtime");
        var scale = Jit.Kernel((Arr data, Val ctx) =>
        {
            For(data.Length, i => data[i] = data[i] * ctx);
            return data;
        }, OnLlvm, name: "scale");
        Jit.Export(Path.Combine(folder, "libnames.so"),
            new ExportedKernel(twice, "float64(float64, float64)"), new ExportedKernel(scale, "float64[:](float64[:], float64)"));

        var output = BuildAndRun(folder, "names", """
            double r;
            int rc = runtime(1.5, 0.25, &r, NULL);
            printf("runtime %d %.17g\n", rc, r);
            double a[] = { 1.0, -2.0 };
            jitdsl_array s;
            rc = scale(a, 2, 3.0, &s, NULL);
            printf("scale %d %d %lld %g %g\n", rc, s.owned, (long long)s.shape[0], a[0], a[1]);
            """);
        CollectionAssert.AreEqual(new[] { "0", "3.25" }, output["runtime"]);
        CollectionAssert.AreEqual(new[] { "0", "0", "2", "3", "-6" }, output["scale"]);
    });

    [TestMethod]
    public void AKernelNamedLikeACLibraryFunctionOrTwoKernelsWithOneNameAreRefused()
    {
        var tenfold = Jit.Kernel((Val x) => x * 10.0, OnLlvm, name: "log");
        var e = Assert.ThrowsExactly<ArgumentException>(() => Jit.Export(Path.Combine(Path.GetTempPath(), "libnever.so"), new ExportedKernel(tenfold, "float64(float64)")));
        StringAssert.Contains(e.Message, "`log` is a function of the C library");
        var twin = Jit.Kernel((Val x) => x + 1.0, OnLlvm, name: "twin");
        e = Assert.ThrowsExactly<ArgumentException>(() => Jit.Export(Path.Combine(Path.GetTempPath(), "libnever.so"),
            new ExportedKernel(twin, "float64(float64)"), new ExportedKernel(tenfold, "float64(float64)", Name: "twin")));
        StringAssert.Contains(e.Message, "two exported kernels have the C name `twin`");
    }

    /// <summary>Arrays a call allocates and does not return are freed, on success and after an error.</summary>
    [TestMethod]
    public void ScratchArraysAreFreedAfterEveryCall() => InTemporaryFolder(folder =>
    {
        var scratch = Jit.Kernel((Val n, Val at) =>
        {
            var t = Zeros(DType.Float64, n);
            For(n, i => t[i] = i);
            var u = Empty(DType.Float64, n);
            u[0] = t[at];
            return u[0];
        }, OnLlvm, name: "scratch");
        Jit.Export(Path.Combine(folder, "libscratch.so"), new ExportedKernel(scratch, "float64(int64, int64)"));

        var output = BuildAndRun(folder, "scratch", """
            double r = 0, bad = 0;
            scratch(1000, 999, &r, NULL);
            size_t before = mallinfo2().uordblks;
            int failures = 0;
            for (int k = 0; k < 1000; k++)
            {
                scratch(1000, 999, &r, NULL);
                failures += scratch(1000, 5000, &bad, NULL) != 0;
            }
            printf("grown %zu %g %d\n", mallinfo2().uordblks - before, r, failures);
            """);
        Assert.AreEqual("999", output["grown"][1]);
        Assert.AreEqual("1000", output["grown"][2], "every call with index 5000 fails");
        Assert.IsTrue(long.Parse(output["grown"][0], CultureInfo.InvariantCulture) < 100_000,
            $"the heap grew by {output["grown"][0]} bytes over 2000 calls that allocate 16 KB each");
    });

    private static void InTemporaryFolder(Action<string> test)
    {
        var folder = Directory.CreateTempSubdirectory("jitdsl-aot-test-").FullName;
        try
        {
            test(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Compiles a C main with the given body against lib{library}.so in the folder, runs it, and returns its lines by first word.</summary>
    private static Dictionary<string, string[]> BuildAndRun(string folder, string library, string body)
    {
        File.WriteAllText(Path.Combine(folder, "main.c"), $$"""
            #include <malloc.h>
            #include <stdio.h>
            #include "lib{{library}}.h"

            int main(void)
            {
            {{body}}
                return 0;
            }
            """);
        Run("cc", folder, "main.c", "-I", folder, "-L", folder, $"-l{library}", $"-Wl,-rpath,{folder}", "-o", "main");
        return Run(Path.Combine(folder, "main"), folder).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(l => l.Split(' ')[0], l => l.Split(' ')[1..]);
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static string Run(string program, string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"{program}: {errors}");
        return output;
    }
}
