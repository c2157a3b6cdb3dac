using JitDsl.Bench.Workloads;
using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Lowering;

/// <summary>Inspect shows every stage; the lowered C# is readable and shows which bounds checks remain.</summary>
[TestClass]
public sealed class InspectionTests
{
    [TestMethod]
    [DataRow(Backend.Clr, new[] { "trace", "type", "fuse", "bounds checks", "lower", "compile" })]
    [DataRow(Backend.Llvm, new[] { "trace", "type", "fuse", "bounds checks", "lower", "llvm ir", "optimize and emit", "link" })]
    public void EveryStageIsReportedWithItsTime(Backend backend, string[] stages)
    {
        var inspection = ChapterKernels.SumSquares(new JitOptions { Backend = backend }).Inspect(new double[4]);
        CollectionAssert.AreEqual(stages, inspection.Stages.Select(s => s.Name).ToArray());
        Assert.AreEqual("float64(float64[:])", inspection.Signature);
        Assert.IsTrue(inspection.Stages.All(s => s.Elapsed > TimeSpan.Zero && s.Output.Length > 0));
        StringAssert.Contains(inspection.ToString(), "=== lower");
    }

    [TestMethod]
    public void SumSquaresLowersToTheLoopAPersonWouldWrite()
    {
        var lowered = ChapterKernels.SumSquares().Inspect("float64(float64[:])")["lower"].Output;
        Assert.AreEqual(
            """
            double sum_squares(double[] a)
            {
                double total = 0.0;
                int i = 0;
                while (i < a.Length)
                {
                    total = total + a[i] * a[i];
                    i += 1;
                }
                return total;
            }

            """.ReplaceLineEndings("\n"), lowered);
    }

    [TestMethod]
    public void IndicesNotProvenInRangeKeepTheirCheck()
    {
        var shift = Jit.Kernel((Arr a, Arr b) => { For(1, a.Length, i => b[i] = a[i - 1]); });
        var lowered = shift.Inspect(new double[2], new double[2])["lower"].Output;
        StringAssert.Contains(lowered, "b[Checks.InRange(i, b.Length, \"axis 0 of `b` at InspectionTests.cs:"); // i counts up from 1: never negative
        StringAssert.Contains(lowered, "a[Checks.Index((long)i - 1L, a.Length,");
    }

    [TestMethod]
    public void AnArrayAllocatedLikeTheLoopedArrayNeedsNoCheck()
    {
        var lowered = ChapterKernels.FusedExpression().Inspect(new double[2])["lower"].Output;
        Assert.IsFalse(lowered.Contains("Checks.Index"), lowered);
    }

    [TestMethod]
    public void DeviceFunctionsPrintAsFunctions()
    {
        var lowered = ChapterKernels.MandelbrotSet().Inspect(10, 10, 20)["lower"].Output;
        StringAssert.Contains(lowered, "long mandelbrot_pixel_result = mandelbrot_pixel(new Complex(");
        StringAssert.Contains(lowered, "long mandelbrot_pixel(Complex c, int maxIterations)");
        Assert.IsFalse(lowered.Contains("/*"), lowered);
    }

    [TestMethod]
    public void TheTypedTreeShowsTypesAndLines()
    {
        var typed = ChapterKernels.SumSquares().Inspect(new float[1])["type"].Output;
        StringAssert.Contains(typed, "def sum_squares(a: float32[:]) -> float64:");
        StringAssert.Contains(typed, "total = total + float64(a[i] * a[i])");
        StringAssert.Contains(typed, "# ChapterKernels.cs:");
    }
}
