using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using JitDsl.Bench.Workloads;
using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Llvm;

/// <summary>Kernels exported to a shared library, called from a C program built by the system's compiler.</summary>
[TestClass]
public sealed class AotExportTests
{
    private static readonly JitOptions Llvm = new() { Backend = Backend.Llvm };

    [TestMethod]
    public void ACProgramCallsTheLibraryAndGetsWhatDotNetGets()
    {
        var folder = Directory.CreateTempSubdirectory("jitdsl-aot-test-").FullName;
        try
        {
            var sumSquares = ChapterKernels.SumSquares(Llvm);
            var grid = Jit.Kernel((Val rows, Val cols) =>
            {
                var g = Zeros(DType.Int64, rows, cols);
                For(rows, i => For(cols, j => g[i, j] = i * 10 + j));
                return g;
            }, Llvm, name: "grid");
            var line = TestSupport.Here() + 1;
            var element = Jit.Kernel((Arr a, Val i) => a[i], Llvm, name: "element");
            var twist = Jit.Kernel((Val z) => Sqrt(z) * z, Llvm, name: "twist");
            var draw = Jit.Kernel((Val seed) =>
            {
                Seed(seed);
                return Uniform();
            }, Llvm, name: "draw");
            var library = Path.Combine(folder, "libkernels.so");
            Jit.Export(library,
                new ExportedKernel(sumSquares, "float64(float64[:])"),
                new ExportedKernel(grid, "int64[:, :](int64, int64)"),
                new ExportedKernel(element, "float64(float64[:], int64)"),
                new ExportedKernel(twist, "complex128(complex128)"),
                new ExportedKernel(draw, "float64(int64)"));
            Assert.IsTrue(File.Exists(Path.Combine(folder, "libkernels.h")));

            File.WriteAllText(Path.Combine(folder, "main.c"), """
                #include <stdio.h>
                #include "libkernels.h"

                int main(void)
                {
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
                    return 0;
                }
                """);
            Run("cc", folder, "main.c", "-I", folder, "-L", folder, "-lkernels", $"-Wl,-rpath,{folder}", "-o", "main");
            var output = Run(Path.Combine(folder, "main"), folder).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .ToDictionary(l => l.Split(' ')[0], l => l.Split(' ')[1..]);

            Assert.AreEqual("0", output["sum_squares"][0]);
            Assert.AreEqual(sumSquares.Invoke<double>(new[] { 1.0, 2.0, 3.5 }), Parse(output["sum_squares"][1]));
            CollectionAssert.AreEqual(new[] { "0", "2", "2", "3", "12", "10", "1" }, output["grid"]);
            Assert.AreEqual("1", output["element"][0], "JITDSL_INDEX_OUT_OF_RANGE");
            CollectionAssert.AreEqual(new[] { "7", "3" }, output["element"][1..3]);
            StringAssert.Contains(string.Join(" ", output["element"][3..]), $"axis 0 of `a` at AotExportTests.cs:{line}");
            var z = twist.Invoke<Complex>(new Complex(0.5, -1.25));
            Assert.AreEqual(z.Real, Parse(output["twist"][1]), 1e-15);
            Assert.AreEqual(z.Imaginary, Parse(output["twist"][2]), 1e-15);
            Assert.AreEqual(draw.Invoke<double>(42L), Parse(output["draw"][1]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
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
