using JitDsl.Backends.Cuda;
using JitDsl.Lowering.Runtime;
using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Fuzzing;

/// <summary>
/// Each disagreement the differential fuzzer (and, on an H200, GpuCheck's --fuzz and --ops) found, shrunk to its point
/// and kept: every backend (Clr, LLVM, and a CUDA kernel on ILGPU's CPU accelerator) against the value or exception the
/// semantics define; for what only a real GPU shows, the GPU's replacements against .NET and the PTX they make.
/// </summary>
[TestClass]
public sealed class FuzzRegressionTests
{
    /// <summary>Runs <paramref name="body"/>(o, z) on the CPU backends and as a one-thread CUDA kernel.</summary>
    private static IEnumerable<(string Backend, Action<long[], long> Run)> Everywhere(Action<Arr, Val> body) =>
    [
        ("clr", (o, z) => Jit.Kernel((Arr a, Val b) => body(a, b), OnClr).Invoke(o, z)),
        ("llvm", (o, z) => Jit.Kernel((Arr a, Val b) => body(a, b), OnLlvm).Invoke(o, z)),
        ("cuda", (o, z) =>
        {
            using var device = JitDsl.Cuda.ToDevice(o);
            JitDsl.Cuda.Kernel((Arr a, Val b) => body(a, b))[1, 1](device, z);
            device.CopyToHost().CopyTo(o, 0);
        }),
    ];

    [TestMethod]
    public void AStoreComputesItsIndexBeforeItsValue()
    {
        // LLVM and the GPU computed the value first: o[-100] failed where the index's modulo by zero should have.
        foreach (var (backend, run) in Everywhere((o, z) => o[7 % z] = o[-100]))
        {
            var error = Assert.ThrowsExactly<DivideByZeroException>(() => run(new long[3], 0), backend);
            HasCode(error, "JD0041");
        }
    }

    [TestMethod]
    public void ConstantIntegerDivisionsRaiseOrWrapOnTheGpuAsOnTheCpu()
    {
        // ILGPU's constant folder divided by zero, and overflowed on MinValue / -1, inside its own compiler.
        foreach (var (backend, run) in Everywhere((o, z) => o[0] = FloorDiv(3L, Int64(0L))))
            HasCode(Assert.ThrowsExactly<DivideByZeroException>(() => run(new long[1], 0), backend), "JD0041");
        foreach (var (backend, run) in Everywhere((o, z) =>
                 {
                     o[0] = FloorDiv(long.MinValue, -1L);
                     o[1] = long.MinValue % -1L;
                     o[2] = FloorDiv(Int64(-7L), 2L);
                 }))
        {
            var o = new long[3];
            run(o, 0);
            CollectionAssert.AreEqual(new[] { long.MinValue, 0L, -4L }, o, backend);
        }
    }

    [TestMethod]
    public void HypotCompilesForTheGpuAndAgreesWithTheCpu()
    {
        // ILGPU could not compile .NET's double.Hypot (it reinterprets bits through BitConverter).
        var hypot = JitDsl.Cuda.Kernel((Arr a, Arr b, Arr o, Arr<float> o32) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            If(i < o.Length, () =>
            {
                o[i] = Hypot(a[i], b[i]);
                o32[i] = Hypot(Float32(a[i]), Float32(b[i]));
            });
        });
        double[] a = [3, 0, -0.0, 1e300, 1e-300, double.PositiveInfinity, double.NaN, 5, -2.5];
        double[] b = [4, 0, 7, 1e300, 1e-300, double.NaN, double.NegativeInfinity, 12, 1e-10];
        var (o, o32) = (new double[a.Length], new float[a.Length]);
        hypot[1, 16](a, b, o, o32);
        for (var k = 0; k < a.Length; k++)
        {
            var expected = double.Hypot(a[k], b[k]);
            Assert.IsTrue(expected.Equals(o[k]) || UlpsApart(expected, o[k]) <= 2, $"hypot({a[k]}, {b[k]}): {o[k]:R}, .NET {expected:R}");
            var expected32 = float.Hypot((float)a[k], (float)b[k]);
            Assert.IsTrue(expected32.Equals(o32[k]) || Math.Abs(expected32 - o32[k]) <= Math.Abs(expected32) * 1e-6f, $"float32 hypot({a[k]}, {b[k]}): {o32[k]:R}, .NET {expected32:R}");
        }
    }

    [TestMethod]
    public void TheGpusMathFunctionsMeanWhatDotNetsDo()
    {
        // On an H200, ILGPU's Math.Min/Max let a NaN lose, its Math.Round took −1.5 to −1, and its folding of a
        // constant float-to-int32 conversion went through int64 (1e300 became −1): kernels call these instead.
        double[] values = [0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, 4503599627370497.0, 3e9, -3e9, 1e300, -1e300,
            double.NaN, double.PositiveInfinity, double.NegativeInfinity];
        static long Bits(double v) => BitConverter.DoubleToInt64Bits(v);
        foreach (var a in values)
        {
            Assert.AreEqual(Bits(Math.Round(a)), Bits(GpuMath.Round(a)), $"Round({a:R})");
            Assert.AreEqual(BitConverter.SingleToInt32Bits(MathF.Round((float)a)), BitConverter.SingleToInt32Bits(GpuMath.Round((float)a)), $"Round({(float)a:R}f)");
            Assert.AreEqual((int)a, GpuMath.ToInt32(a), $"(int){a:R}");
            Assert.AreEqual((long)a, GpuMath.ToInt64(a), $"(long){a:R}");
            foreach (var b in values)
            {
                Assert.AreEqual(Bits(Math.Min(a, b)), Bits(KernelMath.Min(a, b)), $"Min({a:R}, {b:R})");
                Assert.AreEqual(Bits(Math.Max(a, b)), Bits(KernelMath.Max(a, b)), $"Max({a:R}, {b:R})");
                Assert.AreEqual(BitConverter.SingleToInt32Bits(MathF.Min((float)a, (float)b)), BitConverter.SingleToInt32Bits(KernelMath.Min((float)a, (float)b)));
                Assert.AreEqual(BitConverter.SingleToInt32Bits(MathF.Max((float)a, (float)b)), BitConverter.SingleToInt32Bits(KernelMath.Max((float)a, (float)b)));
            }
        }
        var kernel = JitDsl.Cuda.Kernel((Arr a, Arr o) =>
        {
            o[0] = Min(a[0], a[1]) + Max(a[0], a[1]) + Round(a[0]);
            o[1] = Where((a[0] >= a[1]) | (a[0] <= a[1]), 1.0, 0.0);
        });
        var ptx = kernel.Inspect(new double[2], new double[2])["ptx"].Output;
        foreach (var instruction in new[] { "min.f64", "max.f64", "cvt.rni", "setp.geu", "setp.leu", "setp.ltu", "setp.gtu" })
            Assert.DoesNotContain(instruction, ptx, $"the GPU's {instruction} means something else than .NET");
    }

    [TestMethod]
    public void MinOfPlusZeroAndAConstantMinusZeroIsMinusZero()
    {
        // The .NET 10 JIT folds Math.Min(x, -0.0) with a constant -0.0 to +0 for x = +0 (found by the fuzzer's review).
        foreach (var (backend, run) in Everywhere((o, z) =>
                 {
                     o[0] = Int64(1.0 / Min(Float64(z), Float64(-0.0)) < 0.0);
                     o[1] = Int64(1.0 / Max(Float64(-0.0), Float64(z)) > 0.0);
                 }))
        {
            var o = new long[2];
            run(o, 0);
            CollectionAssert.AreEqual(new[] { 1L, 1L }, o, $"{backend}: Min(+0, -0) is -0, Max(-0, +0) is +0");
        }
    }

    [TestMethod]
    public void ALongLiteralBecomesTheNearestFloat32()
    {
        // Typing folded the literal through double, rounding twice: 0x5D800000 where the cast at run time gives 0x5D800001.
        const long literal = 1152921573326323713L;
        var folded = Jit.Kernel(() => Float32(literal), OnClr).Invoke<float>();
        var atRunTime = Jit.Kernel((Val n) => Float32(n), OnClr).Invoke<float>(literal);
        Assert.AreEqual((float)literal, folded);
        Assert.AreEqual(BitConverter.SingleToInt32Bits(atRunTime), BitConverter.SingleToInt32Bits(folded));
    }

    [TestMethod]
    public void AMultiDimensionalArraysLengthIsItsElementCountOnEveryBackend()
    {
        // Counted as LongLength since the bad-input matrix found Array.Length throwing (Clr) or truncated (LLVM) past 2^31.
        Action<Arr, Arr> body = (a, o) => o[0] = Float64(a.Length);
        var (a, expected) = (new double[3, 4, 5], 60.0);
        foreach (var options in new[] { OnClr, OnLlvm })
        {
            var o = new double[1];
            Jit.Kernel((Arr x, Arr y) => body(x, y), options).Invoke(a, o);
            Assert.AreEqual(expected, o[0], options.Backend.ToString());
        }
        var onGpu = new double[1];
        JitDsl.Cuda.Kernel((Arr x, Arr y) => body(x, y))[1, 1](a, onGpu);
        Assert.AreEqual(expected, onGpu[0], "cuda");
    }
}
