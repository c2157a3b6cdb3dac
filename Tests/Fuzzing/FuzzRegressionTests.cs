using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Fuzzing;

/// <summary>
/// Each disagreement the differential fuzzer found, shrunk to its point and kept: every backend (Clr, LLVM, and a
/// CUDA kernel on ILGPU's CPU accelerator) against the value or exception the semantics define.
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
            Assert.AreEqual(float.Hypot((float)a[k], (float)b[k]), o32[k], Math.Abs(o32[k]) * 1e-6f, $"float32 hypot({a[k]}, {b[k]})");
        }
    }
}
