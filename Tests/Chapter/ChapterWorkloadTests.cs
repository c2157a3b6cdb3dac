using JitDsl.Bench.Workloads;

namespace JitDsl.Tests.Chapter;

/// <summary>
/// The chapter's workloads at the sizes WORKLOADS.md fixes: every variant, JitDsl's and the hand-written
/// ones, must reproduce the checksums published there; JitDsl must also equal the plain C# loop, which
/// computes the same operations in the same order (bit for bit, except Monte Carlo's own random stream).
/// </summary>
[TestClass]
public sealed class ChapterWorkloadTests
{
    public static IEnumerable<object[]> Names() => ChapterWorkloads.All(n: 1, mandelbrotSide: 1).Select(w => new object[] { w.Name });

    [TestMethod]
    [DynamicData(nameof(Names))]
    public void EveryVariantReproducesTheWorkloadsChecksum(string name)
    {
        var checksums = ReproducePublished(ChapterWorkloads.ByName(name), "jitdsl_llvm");
        if (name != "mc_pi")
            Assert.AreEqual(checksums["csharp_loop"], checksums["jitdsl_clr"], $"{name}: JitDsl (Clr) differs from the C# loop");
    }

    [TestMethod]
    [DataRow("axpy")]
    [DataRow("hypot_ratio")]
    public void EveryArrayExpressionVariantAgreesWithTheLoop(string name)
    {
        // An odd size, so that vector loops leave a scalar tail.
        var workload = ArrayExpressionWorkloads.All(n: 10_001).Single(w => w.Name == name);
        var checksums = ChecksumsOf(workload, "jitdsl_llvm");
        foreach (var (variant, checksum) in checksums)
            Assert.AreEqual(checksums["csharp_loop"], checksum, 1e-12 * Math.Abs(checksums["csharp_loop"]), $"{name}/{variant}");
    }

    [TestMethod]
    [DataRow("clip_add_ufunc")]
    [DataRow("clip_add_broadcast")]
    [DataRow("clip_add_reduce")]
    [DataRow("clip_add_accumulate")]
    public void EveryUfuncVariantReproducesTheWorkloadsChecksum(string name) =>
        ReproducePublished(UfuncWorkloads.ByName(name), "jitdsl_ufunc_llvm");

    /// <summary>Every variant's checksum, each one the sum WORKLOADS.md publishes.</summary>
    private static Dictionary<string, double> ReproducePublished(Workload workload, string llvmVariant)
    {
        Assert.IsNotNull(workload.Expected);
        var checksums = ChecksumsOf(workload, llvmVariant);
        foreach (var (variant, checksum) in checksums)
            Assert.IsTrue(workload.Expected.Accepts(checksum), $"{workload.Name}/{variant}: {checksum:R}, expected {workload.Expected}");
        return checksums;
    }

    private static Dictionary<string, double> ChecksumsOf(Workload workload, string llvmVariant)
    {
        var checksums = workload.Variants.ToDictionary(v => v.Name, v => Checksum.Of(v.Define()()));
        Assert.IsTrue(checksums.ContainsKey(llvmVariant), "the tests run the LLVM variants too: they need libLLVM (apt-get install libllvm19)");
        return checksums;
    }

    [TestMethod]
    public void MandelbrotCountsEqualTheLoopPixelForPixel()
    {
        var counts = (int[,])ChapterKernels.MandelbrotSet().Invoke(120, 80, 64)!;
        CollectionAssert.AreEqual(Baselines.MandelbrotLoop(120, 80, 64), counts);
    }

    [TestMethod]
    public void MonteCarloPiIsReproducibleForASeed()
    {
        var kernel = ChapterKernels.MonteCarloPi();
        var first = kernel.Invoke<double>(100_000L, 7L);
        Assert.AreEqual(first, kernel.Invoke<double>(100_000L, 7L));
        Assert.AreNotEqual(first, kernel.Invoke<double>(100_000L, 8L));
        Assert.AreEqual(Math.PI, first, 0.03);
    }

    [TestMethod]
    public void InputsMatchTheValuesPublishedInWorkloadsMd()
    {
        CollectionAssert.AreEqual(
            new[] { 0.5665615751722809, 0.7457817572627011, 0.9710027535867962, 0.4443592170557721, 0.44426470082635805 },
            Inputs.Uniform(1, 5));
    }
}
