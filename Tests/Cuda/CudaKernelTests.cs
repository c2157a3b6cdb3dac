using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Cuda;

/// <summary>
/// CUDA kernels on ILGPU's CPU accelerator (no GPU here; CI has none either): results against the Clr backend or
/// plain C#, errors as the other backends raise them, launches and device arrays checked, PTX for every kernel.
/// </summary>
[TestClass]
public sealed class CudaKernelTests
{
    private static double[] Data(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextDouble() * 4 - 2).ToArray();
    }

    private static string Ptx(CudaKernel kernel, params object?[] args)
    {
        var ptx = kernel.Inspect(args)["ptx"].Output;
        StringAssert.Contains(ptx, ".entry");
        return ptx;
    }

    [TestMethod]
    public void VectorAddGivesTheClrResultFromHostAndDeviceArrays()
    {
        var add = JitDsl.Cuda.Kernel((Arr a, Arr b, Arr o) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            If(i < o.Length, () => o[i] = a[i] + Sqrt(Abs(b[i])) * Sin(a[i]));
        });
        var reference = Jit.Kernel((Arr a, Arr b, Arr o) => For(o.Length, i => o[i] = a[i] + Sqrt(Abs(b[i])) * Sin(a[i])), OnClr);
        var (x, y) = (Data(1000, 1), Data(1000, 2));
        var expected = new double[1000];
        reference.Invoke(x, y, expected);

        var fromHost = new double[1000];
        add[(1000 + 15) / 16, 16](x, y, fromHost);
        CollectionAssert.AreEqual(expected, fromHost, "host arrays, copied each way");

        using var a = JitDsl.Cuda.ToDevice(x);
        using var b = JitDsl.Cuda.ToDevice(y);
        using var o = new DeviceArray<double>(1000);
        add[63, 16](a, b, o);
        CollectionAssert.AreEqual(expected, o.CopyToHost(), "device arrays");
        StringAssert.Contains(add.Inspect(x, y, fromHost)["il"].Output, "ldobj");
        Ptx(add, x, y, fromHost);
    }

    [TestMethod]
    public void AGridStrideLoopCoversAnArrayLargerThanTheGrid()
    {
        var scale = JitDsl.Cuda.Kernel((Arr a, Val factor, Arr o) =>
        {
            var start = JitDsl.Cuda.Grid(1);
            var stride = JitDsl.Cuda.GridSize(1);
            For(start, o.Length, stride, i => o[i] = a[i] * factor + 1.0);
        });
        var x = Data(10_007, 3);
        var o = new double[x.Length];
        scale[4, 8](x, 2.5, o);
        CollectionAssert.AreEqual(x.Select(v => v * 2.5 + 1.0).ToArray(), o);
        Ptx(scale, x, 2.5, o);
    }

    [TestMethod]
    public void ThreadsSeeTheirIndicesOnTwoDimensionalGrids()
    {
        var label = JitDsl.Cuda.Kernel((Val width, Val height, Arr<long> o) =>
        {
            var (x, y) = JitDsl.Cuda.Grid2D();
            If((x < width) & (y < height), () =>
                o[y * width + x] = JitDsl.Cuda.BlockIdx(0) * 1_000_000 + JitDsl.Cuda.BlockIdx(1) * 10_000 + JitDsl.Cuda.ThreadIdx(1) * 100 + JitDsl.Cuda.ThreadIdx(0));
        });
        var (width, height) = (13L, 9L);
        var o = new long[width * height];
        label[(4, 3), (4, 4)](width, height, o);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
                Assert.AreEqual(x / 4 * 1_000_000 + y / 4 * 10_000 + y % 4 * 100 + x % 4, o[y * width + x], $"({x}, {y})");
        }
        Ptx(label, width, height, o);
    }

    [TestMethod]
    public void SyncThreadsOrdersABlocksWritesBeforeItsReads()
    {
        // Each block reverses its slice of the input through a scratch array: a thread reads what another wrote.
        var reverse = JitDsl.Cuda.Kernel((Arr a, Arr scratch, Arr o) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            var t = JitDsl.Cuda.ThreadIdx(0);
            var size = JitDsl.Cuda.BlockDim(0);
            scratch[i] = a[i];
            JitDsl.Cuda.SyncThreads();
            o[i] = scratch[i - t + (size - 1 - t)];
        });
        var x = Data(64, 4);
        var o = new double[64];
        reverse[4, 16](x, new double[64], o);
        for (var i = 0; i < 64; i++)
            Assert.AreEqual(x[i - i % 16 + 15 - i % 16], o[i], $"element {i}");
        StringAssert.Contains(Ptx(reverse, x, new double[64], o), "bar.sync");
    }

    [TestMethod]
    public void ABlockSumsItsSliceInSharedMemory()
    {
        var blockSums = JitDsl.Cuda.Kernel((Arr a, Arr sums) =>
        {
            var slice = JitDsl.Cuda.SharedArray(DType.Float64, 16);
            var t = JitDsl.Cuda.ThreadIdx(0);
            slice[t] = a[JitDsl.Cuda.Grid(1)];
            JitDsl.Cuda.SyncThreads();
            If(t == 0, () =>
            {
                var total = Var(0.0);
                For(16, k => total.Value += slice[k]);
                sums[JitDsl.Cuda.BlockIdx(0)] = total;
            });
        });
        var x = Data(80, 5);
        var sums = new double[5];
        blockSums[5, 16](x, sums);
        for (var b = 0; b < 5; b++)
            Assert.AreEqual(x.Skip(16 * b).Take(16).Aggregate(0.0, (s, v) => s + v), sums[b], $"block {b}");
        StringAssert.Contains(Ptx(blockSums, x, sums), ".shared");
    }

    [TestMethod]
    public void AtomicsCountEveryThreadOnce()
    {
        var histogram = JitDsl.Cuda.Kernel((Arr<long> values, Arr<long> bins, Arr<long> largest, Arr<long> claimed) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            If(i < values.Length, () =>
            {
                JitDsl.Cuda.AtomicAdd(bins, values[i] % bins.Length, 1L);
                JitDsl.Cuda.AtomicMax(largest, 0, values[i]);
                // Exactly one thread finds 0 and swaps in its index + 1.
                If(JitDsl.Cuda.AtomicCompareExchange(claimed, 0, 0L, i + 1) == 0, () => JitDsl.Cuda.AtomicAdd(claimed, 1, 1L));
            });
        });
        var values = Enumerable.Range(0, 1000).Select(k => (long)(k * 7919 % 1013)).ToArray();
        var (bins, largest, claimed) = (new long[10], new long[1], new long[2]);
        histogram[63, 16](values, bins, largest, claimed);
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(b => (long)values.Count(v => v % 10 == b)).ToArray(), bins);
        Assert.AreEqual(values.Max(), largest[0]);
        Assert.AreEqual(1L, claimed[1], "one winner");
        Assert.IsTrue(claimed[0] is >= 1 and <= 1000);
        StringAssert.Contains(Ptx(histogram, values, bins, largest, claimed), "atom");
    }

    [TestMethod]
    public void ThePtxRoundsEveryOperationUnlessFastMathAllowsContraction()
    {
        Delegate body = (Arr a, Arr sum, Arr o) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            If(i < o.Length, () =>
            {
                o[i] = a[i] * a[i] - a[i] * 3.0 + 1.0;
                JitDsl.Cuda.AtomicAdd(sum, 0, a[i]);
            });
        };
        var exact = JitDsl.Cuda.Kernel(body, name: "exact");
        var contracting = JitDsl.Cuda.Kernel(body, new JitOptions { FastMath = FastMath.Contract }, name: "contracting");
        var x = Data(64, 7);
        var (sum, o) = (new double[1], new double[64]);
        exact[4, 16](x, sum, o);
        CollectionAssert.AreEqual(x.Select(v => v * v - v * 3.0 + 1.0).ToArray(), o);

        // ptxas may fuse a bare mul.f64 and add.f64 into one FMA, rounding once where the CPU rounds twice.
        var exactPtx = Ptx(exact, x, sum, o);
        foreach (var op in new[] { "mul.rn.f64", "sub.rn.f64", "add.rn.f64" })
            StringAssert.Contains(exactPtx, op);
        Assert.IsFalse(System.Text.RegularExpressions.Regex.IsMatch(exactPtx, @"\s(add|sub|mul)\.f64"), "no operation left without its rounding");
        StringAssert.Matches(exactPtx, new System.Text.RegularExpressions.Regex(@"(atom|red)\.[a-z.]*add\.f64"), "an atomic add takes no rounding modifier");
        StringAssert.Matches(Ptx(contracting, x, sum, o), new System.Text.RegularExpressions.Regex(@"\smul\.f64"));
    }

    [TestMethod]
    public void ABoolScalarArgumentReachesTheKernel()
    {
        // Found by the differential fuzzer: ILGPU refused the bool parameter at launch.
        var pick = JitDsl.Cuda.Kernel((Arr a, Val negate, Arr o) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            If(i < o.Length, () => o[i] = Where(negate, -a[i], a[i]));
        });
        var x = Data(20, 8);
        var o = new double[20];
        pick[2, 16](x, true, o);
        CollectionAssert.AreEqual(x.Select(v => -v).ToArray(), o);
        pick[2, 16](x, false, o);
        CollectionAssert.AreEqual(x, o);
        Ptx(pick, x, true, o);
    }

    [TestMethod]
    public void ADeviceFunctionAndDoubleMathCompileForTheGpu()
    {
        var clip = Jit.Kernel((Val x) =>
        {
            If(x > 1.0, () => Return(1.0));
            If(x < -1.0, () => Return(-1.0));
            return x;
        });
        var kernel = JitDsl.Cuda.Kernel((Arr a, Arr o) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            If(i < o.Length, () => o[i] = clip.Call(Exp(a[i]) - Cos(a[i])));
        });
        var x = Data(100, 6);
        var o = new double[100];
        kernel[7, 16](x, o);
        CollectionAssert.AreEqual(x.Select(v => Math.Clamp(Math.Exp(v) - Math.Cos(v), -1.0, 1.0)).ToArray(), o);
        Ptx(kernel, x, o);
    }

    [TestMethod]
    public void AnIndexOutOfRangeRaisesWhatTheClrBackendRaises()
    {
        Action<Arr, Arr> body = (a, o) => o[JitDsl.Cuda.Grid(1)] = a[JitDsl.Cuda.Grid(1) + 5];
        var gpu = JitDsl.Cuda.Kernel(body);
        var e = Assert.ThrowsExactly<IndexOutOfRangeException>(() => gpu[2, 8](new double[16], new double[16]));
        StringAssert.Contains(e.Message, "is out of bounds for axis 0 of `a` at CudaKernelTests.cs");
        StringAssert.Contains(e.Message, "with size 16");
        var division = JitDsl.Cuda.Kernel((Arr<long> a) => { a[JitDsl.Cuda.Grid(1)] = FloorDiv(10L, a[JitDsl.Cuda.Grid(1)]); });
        Assert.ThrowsExactly<DivideByZeroException>(() => division[1, 4](new long[] { 1, 2, 0, 5 }));
    }

    [TestMethod]
    public void BadLaunchesAndDisposedArraysAreRefused()
    {
        var touch = JitDsl.Cuda.Kernel((Arr<double> o) => { o[JitDsl.Cuda.Grid(1)] = 1.0; });
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => touch[1, 0](new double[1]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => touch[0, 1](new double[1]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => touch[1, 100_000](new double[100_000]));
        HasCode(Assert.ThrowsExactly<KernelArgumentException>(() => touch[1, 1](new int[1])), ErrorCodes.ParameterMismatch);
        var device = new DeviceArray<double>(4);
        Assert.ThrowsExactly<ArgumentException>(() => device.CopyFromHost(new double[3]));
        device.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => touch[1, 1](device));
        Assert.ThrowsExactly<ObjectDisposedException>(() => device.CopyToHost());
    }

    [TestMethod]
    public void CudaIntrinsicsOutsideACudaKernelAreRefused()
    {
        var cpu = Jit.Kernel((Arr o) => { o[JitDsl.Cuda.Grid(1)] = 1.0; }, OnClr);
        HasCode(Assert.ThrowsExactly<TypingException>(() => cpu.Invoke(new double[1])), ErrorCodes.GpuOnly);
        var allocates = JitDsl.Cuda.Kernel((Arr o) => { var t = EmptyLike(o); o[0] = t[0]; });
        HasCode(Assert.ThrowsExactly<TypingException>(() => allocates[1, 1](new double[1])), ErrorCodes.GpuOnly);
        var returns = JitDsl.Cuda.Kernel((Arr o) => o[0]);
        HasCode(Assert.ThrowsExactly<TypingException>(() => returns[1, 1](new double[1])), ErrorCodes.GpuOnly);
    }

    [TestMethod]
    public void MapsAndUfuncsOnTheCudaBackendLaunchGridStrideKernels()
    {
        var onGpu = new JitOptions { Backend = Backend.Cuda };
        var fused = Jit.Map((Arr x, Val s) => Sqrt(x * x + Sin(x) * Exp(-x)) * s, onGpu);
        var x = Data(5000, 7);
        var result = fused.Invoke<double[]>(x, 2.0);
        for (var i = 0; i < x.Length; i++)
            Assert.IsLessThanOrEqualTo(4L, UlpsApart(Math.Sqrt(x[i] * x[i] + Math.Sin(x[i]) * Math.Exp(-x[i])) * 2.0, result[i]), $"element {i}");
        StringAssert.Contains(fused.Inspect(x, 2.0)["ptx"].Output, ".entry");

        var clipAdd = JitDsl.Ufunc.Vectorize((System.Linq.Expressions.Expression<Func<double, double, double>>)((a, b) => a + b > 1.0 ? 1.0 : a + b < -1.0 ? -1.0 : a + b), options: onGpu);
        var cpu = JitDsl.Ufunc.Vectorize((System.Linq.Expressions.Expression<Func<double, double, double>>)((a, b) => a + b > 1.0 ? 1.0 : a + b < -1.0 ? -1.0 : a + b), options: OnClr);
        var y = Data(5000, 8);
        StringAssert.Contains(clipAdd.Inspect(x, y)["ptx"].Output, ".entry", "the ufunc's calls are a GPU kernel");
        CollectionAssert.AreEqual(cpu.Invoke<double[]>(x, y), clipAdd.Invoke<double[]>(x, y), "same-length arrays");
        CollectionAssert.AreEqual(cpu.Invoke<double[]>(x, new[] { 0.5 }), clipAdd.Invoke<double[]>(x, new[] { 0.5 }), "a length-1 array stretches");
        Assert.AreEqual(cpu.Invoke<double>(0.75, 0.5), clipAdd.Invoke<double>(0.75, 0.5), "scalars alone: on the CPU");
        using var device = JitDsl.Cuda.ToDevice(x);
        using var onDevice = (DeviceArray<double>)clipAdd.Invoke(device, 0.25)!;
        CollectionAssert.AreEqual(cpu.Invoke<double[]>(x, 0.25), onDevice.CopyToHost(), "a device array in, a device array out");
        var output = new double[5000];
        clipAdd.Into(output, x, y);
        CollectionAssert.AreEqual(cpu.Invoke<double[]>(x, y), output, "Into");
        Assert.AreEqual((double)cpu.Reduce(x)!, (double)clipAdd.Reduce(x)!, "a reduce runs on the CPU");
        HasCode(Assert.ThrowsExactly<ArgumentException>(() => clipAdd.Invoke(new double[3], new double[4])), ErrorCodes.ShapeMismatch);
        HasCode(Assert.ThrowsExactly<TypingException>(() => clipAdd.Invoke(new double[2, 2], 1.0)), ErrorCodes.GpuOnly);
    }

    [TestMethod]
    public void MonteCarloPiDrawsEachThreadsOwnStream()
    {
        var mcPi = JitDsl.Cuda.Kernel((Arr<long> states, Val samples, Arr<long> inside) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            var count = Var(0L);
            For(samples, _ =>
            {
                var x = JitDsl.Cuda.Uniform(states, i);
                var y = JitDsl.Cuda.Uniform(states, i);
                If(x * x + y * y <= 1.0, () => count.Value += 1);
            });
            JitDsl.Cuda.AtomicAdd(inside, 0, count);
        });
        const int threads = 64, samples = 2000;
        using var states = JitDsl.Cuda.RandomStates(threads, seed: 2024);
        var initial = states.CopyToHost();
        var inside = new long[1];
        mcPi[4, 16](states, (long)samples, inside);

        // The same draws on the host: xoroshiro128+ (numba.cuda.random's: rotations 55 and 36, shift 14) from each thread's state.
        long expected = 0;
        for (var t = 0; t < threads; t++)
        {
            var (s0, s1) = ((ulong)initial[2 * t], (ulong)initial[2 * t + 1]);
            double Next()
            {
                var result = s0 + s1;
                s1 ^= s0;
                s0 = ulong.RotateLeft(s0, 55) ^ s1 ^ (s1 << 14);
                s1 = ulong.RotateLeft(s1, 36);
                return (result >> 11) * Math.Pow(2, -53);
            }
            for (var k = 0; k < samples; k++)
            {
                var (x, y) = (Next(), Next());
                expected += x * x + y * y <= 1.0 ? 1 : 0;
            }
        }
        Assert.AreEqual(expected, inside[0]);
        Assert.AreEqual(Math.PI, 4.0 * inside[0] / (threads * samples), 0.02);
        // Numba's init_xoroshiro128p_states_cpu(states, 2024, 0), numba 0.56.4: the same three generators.
        CollectionAssert.AreEqual(new[] { 11487996472437173461UL, 11487996472437173461UL, 522567218461494846UL, 4740991260973592868UL,
            4106030560480812789UL, 9818275735688205245UL }, initial.Take(6).Select(v => (ulong)v).ToArray(), "numba.cuda.random's states");
        var e = Assert.ThrowsExactly<IndexOutOfRangeException>(() => mcPi[8, 16](states, 1L, new long[1]));
        StringAssert.Contains(e.Message, "generator of `states`");
        Ptx(mcPi, states, (long)samples, inside);
    }

    [TestMethod]
    public void InlinedCallsShiftsSharedArraysAndBroadcastErrorsBehaveAsOnTheCpu()
    {
        // A device function inlined twice keeps its own labels at each call.
        var clip = Jit.Kernel((Val x) =>
        {
            If(x > 1.0, () => Return(1.0));
            return x;
        });
        var twice = JitDsl.Cuda.Kernel((Arr a, Arr b, Arr o) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            If(i < o.Length, () => o[i] = clip.Call(a[i]) + 10.0 * clip.Call(b[i]));
        });
        var (x, y) = (Data(64, 9), Data(64, 10));
        var o = new double[64];
        twice[4, 16](x, y, o);
        CollectionAssert.AreEqual(x.Select((v, i) => Math.Min(v, 1.0) + 10.0 * Math.Min(y[i], 1.0)).ToArray(), o);

        // Shift counts are masked as .NET masks them.
        var shift = JitDsl.Cuda.Kernel((Arr<long> a, Val by) => { a[JitDsl.Cuda.Grid(1)] = a[JitDsl.Cuda.Grid(1)] << by; });
        var values = new long[] { 1, 3, -5, 7 };
        shift[1, 4](values, 65L);
        CollectionAssert.AreEqual(new long[] { 2, 6, -10, 14 }, values);

        // The same host array twice is one array on the device.
        var increment = JitDsl.Cuda.Kernel((Arr target, Arr source) => { target[JitDsl.Cuda.Grid(1)] = source[JitDsl.Cuda.Grid(1)] + 1.0; });
        var shared = new double[] { 1, 2, 3, 4 };
        increment[1, 4](shared, shared);
        CollectionAssert.AreEqual(new double[] { 2, 3, 4, 5 }, shared);

        // Shapes that do not broadcast: the CPU's message.
        Action<Arr, Arr, Arr> add = (a, b, sum) => sum.Assign(a + b);
        var cpuMessage = Assert.ThrowsExactly<ArgumentException>(() => Jit.Kernel(add, OnClr).Invoke(new double[3], new double[4], new double[3])).Message;
        var gpuMessage = Assert.ThrowsExactly<ArgumentException>(() => JitDsl.Cuda.Kernel(add)[1, 1](new double[3], new double[4], new double[3])).Message;
        Assert.AreEqual(cpuMessage, gpuMessage);

        // Unchecked indices are checked anyway on the GPU; complex arrays and reducing maps are refused.
        var unchecked_ = JitDsl.Cuda.Kernel((Arr a) => { a[JitDsl.Cuda.Grid(1)] = 1.0; }, OnClr with { BoundsCheck = false });
        Assert.ThrowsExactly<IndexOutOfRangeException>(() => unchecked_[2, 4](new double[5]));
        var complex = JitDsl.Cuda.Kernel((Arr z) => { z[0] = z[0] * 2.0; });
        HasCode(Assert.ThrowsExactly<TypingException>(() => complex[1, 1](new System.Numerics.Complex[1])), ErrorCodes.GpuOnly);
        var normalise = Jit.Map((Arr v) => v / Sum(v), new JitOptions { Backend = Backend.Cuda });
        HasCode(Assert.ThrowsExactly<TypingException>(() => normalise.Invoke(new double[4])), ErrorCodes.GpuOnly);
    }

    [TestMethod]
    public void TwoAndThreeDimensionalArraysAreIndexedInCOrder()
    {
        var label = JitDsl.Cuda.Kernel((Arr<long> grid, Arr<long> cube) =>
        {
            var (col, row) = JitDsl.Cuda.Grid2D();
            If((row < grid.Shape[0]) & (col < grid.Shape[1]), () =>
            {
                grid[row, col] = row * 100 + col;
                For(cube.Shape[2], k => cube[row % cube.Shape[0], col % cube.Shape[1], k] = row % cube.Shape[0] * 10_000 + col % cube.Shape[1] * 100 + k);
            });
        });
        var (grid, cube) = (new long[9, 13], new long[3, 4, 5]);
        label[(4, 3), (4, 4)](grid, cube);
        for (var r = 0; r < 9; r++)
            for (var c = 0; c < 13; c++)
                Assert.AreEqual(r * 100L + c, grid[r, c], $"({r}, {c})");
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 4; j++)
                for (var k = 0; k < 5; k++)
                    Assert.AreEqual(i * 10_000L + j * 100 + k, cube[i, j, k], $"({i}, {j}, {k})");

        using var onDevice = new DeviceArray<long>(9, 13);
        using var cubeOnDevice = JitDsl.Cuda.ToDevice(new long[3, 4, 5]);
        label[(4, 3), (4, 4)](onDevice, cubeOnDevice);
        CollectionAssert.AreEqual(grid, (long[,])onDevice.CopyToHostArray());
        CollectionAssert.AreEqual(cube, (long[,,])cubeOnDevice.CopyToHostArray());
        var e = Assert.ThrowsExactly<IndexOutOfRangeException>(() =>
            JitDsl.Cuda.Kernel((Arr<long> g) => { g[0, JitDsl.Cuda.Grid(1)] = 1; })[1, 8](new long[2, 4]));
        StringAssert.Contains(e.Message, "axis 1");
        Ptx(label, grid, cube);
    }

    [TestMethod]
    public void Float32KernelsComputeInFloat32()
    {
        var scale = JitDsl.Cuda.Kernel((Arr<float> a, Arr<float> o) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            If(i < o.Length, () => o[i] = Sin(a[i]) * 2.0 + Sqrt(Abs(a[i])));
        });
        var x = Data(100, 11).Select(v => (float)v).ToArray();
        var o = new float[100];
        scale[7, 16](x, o);
        var cpu = Jit.Kernel((Arr<float> a, Arr<float> r) => For(r.Length, i => r[i] = Sin(a[i]) * 2.0 + Sqrt(Abs(a[i]))), OnClr);
        var expected = new float[100];
        cpu.Invoke(x, expected);
        CollectionAssert.AreEqual(expected, o);
        StringAssert.Contains(Ptx(scale, x, o), ".f32");
    }

    [TestMethod]
    public void LaunchesFromManyThreadsAtOnceEachGetTheirResult()
    {
        var offset = JitDsl.Cuda.Kernel((Arr a, Val by, Arr o) =>
        {
            var i = JitDsl.Cuda.Grid(1);
            If(i < o.Length, () => o[i] = a[i] + by);
        });
        var x = Data(256, 12);
        var results = new double[16][];
        System.Threading.Tasks.Parallel.For(0, 16, k =>
        {
            results[k] = new double[256];
            offset[16, 16](x, (double)k, results[k]);
        });
        for (var k = 0; k < 16; k++)
            CollectionAssert.AreEqual(x.Select(v => v + k).ToArray(), results[k], $"launch {k}");
    }

    [TestMethod]
    public void DeviceArraysOfEveryDtypeAndRankRoundTrip()
    {
        var flags = new int[,] { { 1, 0, 1 }, { 0, 0, 1 } };
        using (var device = JitDsl.Cuda.ToDevice(flags))
            CollectionAssert.AreEqual(flags, (int[,])device.CopyToHostArray());
        Assert.ThrowsExactly<NotSupportedException>(() => JitDsl.Cuda.ToDevice(new bool[2, 2]));
        var negate = JitDsl.Cuda.Kernel((Arr b) => { b[0] = b[0] == 0; });
        HasCode(Assert.ThrowsExactly<TypingException>(() => negate[1, 1](new bool[1])), ErrorCodes.GpuOnly);
        var cube = new float[2, 3, 4];
        for (var k = 0; k < cube.Length; k++)
            cube[k / 12, k / 4 % 3, k % 4] = k * 0.5f;
        using var onDevice = JitDsl.Cuda.ToDevice(cube);
        CollectionAssert.AreEqual(cube.Cast<float>().ToArray(), onDevice.CopyToHost(), "C order");
        Assert.ThrowsExactly<ArgumentException>(() => onDevice.CopyFromHost(new float[3, 2, 4]));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DeviceArray<int>(3_000_000_000L, 0));
    }
}
