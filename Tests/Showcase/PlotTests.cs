using System.Buffers.Binary;
using JitDsl.Bench.Showcase;
using JitDsl.Bench.Workloads;
using SkiaSharp;

namespace JitDsl.Tests.Showcase;

/// <summary>The showcase's pictures, drawn from small fixed results: valid PNGs of the expected size, and a Mandelbrot image that shows what the kernel computed.</summary>
[TestClass]
public sealed class PlotTests
{
    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8], "the PNG signature");
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }

    /// <summary>The number of distinct colours: a blank image has one.</summary>
    private static int Colours(string path)
    {
        using var image = SKBitmap.Decode(path);
        return image.Pixels.Distinct().Count();
    }

    private static string TempPng(string name) => Path.Combine(Path.GetTempPath(), $"jitdsl-{name}-{Guid.NewGuid():N}.png");

    [TestMethod]
    public void TheMandelbrotImageShowsTheKernelsCounts()
    {
        var counts = (int[,])ChapterKernels.MandelbrotSet(new JitOptions { Backend = Backend.Clr }).Invoke(120, 80, 256)!;
        var path = TempPng("mandelbrot");
        try
        {
            Plots.Mandelbrot(counts, path);
            Assert.AreEqual((120, 80), PngSize(path));
            using var image = SKBitmap.Decode(path);
            var top = Plots.MandelbrotColors.GetColor(1.0);
            var insidePixels = image.Pixels.Count(p => p.Red == top.R && p.Green == top.G && p.Blue == top.B);
            Assert.AreEqual(counts.Cast<int>().Count(c => c == 256), insidePixels, "one pixel of the top colour per point inside the set");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ThePipelineScalingAndSpeedUpPlotsAreImagesOfTheirSize()
    {
        var (pipeline, scaling, speedup) = (TempPng("pipeline"), TempPng("scaling"), TempPng("speedup"));
        try
        {
            Plots.Pipeline("fused_expr", [("trace", 0.5), ("type", 0.1), ("fuse", 0.05), ("lower", 0.2), ("llvm ir", 0.4), ("optimize and emit", 11.8)], pipeline);
            Assert.AreEqual((800, 60 + 40 * 6), PngSize(pipeline));
            Plots.Scaling([("n = 10^6", [(1, 1.0), (2, 1.9)]), ("n = 10^7", [(1, 1.0), (2, 1.95)])], scaling);
            Assert.AreEqual((800, 500), PngSize(scaling));
            Plots.SpeedUp("fused_expr", [("csharp_loop", [(100, 25.0), (1000, 24.0)]), ("jitdsl_llvm", [(100, 8.0), (1000, 3.0)])], speedup);
            Assert.AreEqual((900, 560), PngSize(speedup));
            foreach (var drawn in new[] { pipeline, scaling, speedup })
                Assert.IsGreaterThan(10, Colours(drawn), $"{drawn} shows bars, lines and text, not a blank");
        }
        finally
        {
            foreach (var path in new[] { pipeline, scaling, speedup })
                File.Delete(path);
        }
    }
}
