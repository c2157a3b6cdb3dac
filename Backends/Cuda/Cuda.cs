using System.Runtime.CompilerServices;
using JitDsl.Dsl;
using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;

namespace JitDsl;

/// <summary>
/// CUDA kernels, like Numba's <c>numba.cuda</c>: <see cref="Kernel"/> makes one (launched as
/// <c>kernel[blocks, threads](args)</c>), and inside it <see cref="Grid"/>, <see cref="ThreadIdx"/> … say which
/// thread runs. Without a CUDA GPU the kernels run on ILGPU's CPU accelerator.
/// </summary>
/// <example>
/// <code>
/// var add = Cuda.Kernel((Arr a, Arr b, Arr o) =&gt;
/// {
///     var i = Cuda.Grid(1);
///     If(i &lt; o.Length, () =&gt; o[i] = a[i] + b[i]);
/// });
/// add[(n + 255) / 256, 256](a, b, o);
/// </code>
/// </example>
public static class Cuda
{
    /// <summary>A CUDA kernel from a lambda of DSL handles (<c>Arr</c>, <c>Val</c>) that returns nothing.</summary>
    public static CudaKernel Kernel(Delegate body, JitOptions? options = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var traced = JitDsl.Kernel.Trace(body, options, name, [], file, line);
        return new CudaKernel(traced.Tree, traced.Options);
    }

    /// <summary><c>cuda.grid(1)</c>: the thread's index in the whole grid, <c>blockIdx.x * blockDim.x + threadIdx.x</c>.</summary>
    public static Val Grid(int dimensions, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (dimensions != 1)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "Grid(1) is the 1-D index; use Grid2D() or Grid3D() for more");
        return GlobalIndex(0, CallerLocation.From(file, line));
    }

    /// <summary><c>cuda.grid(2)</c>: the thread's (x, y) in the grid.</summary>
    public static (Val X, Val Y) Grid2D([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var loc = CallerLocation.From(file, line);
        return (GlobalIndex(0, loc), GlobalIndex(1, loc));
    }

    /// <summary><c>cuda.grid(3)</c>: the thread's (x, y, z) in the grid.</summary>
    public static (Val X, Val Y, Val Z) Grid3D([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var loc = CallerLocation.From(file, line);
        return (GlobalIndex(0, loc), GlobalIndex(1, loc), GlobalIndex(2, loc));
    }

    /// <summary><c>cuda.gridsize(1)</c>: how many threads the grid has along x, the stride of a grid-stride loop.</summary>
    public static Val GridSize(int dimensions, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (dimensions != 1)
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "GridSize(1) is along x; use BlockDim and GridDim for other axes");
        var loc = CallerLocation.From(file, line);
        return Intrinsic(GpuQuantity.BlockSize, 0, loc) * Intrinsic(GpuQuantity.GridSize, 0, loc);
    }

    /// <summary><c>cuda.threadIdx</c> along an axis (0, 1, 2 for x, y, z): the thread's index in its block.</summary>
    public static Val ThreadIdx(int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Intrinsic(GpuQuantity.ThreadIndex, axis, CallerLocation.From(file, line));

    /// <summary><c>cuda.blockIdx</c>: the block's index in the grid.</summary>
    public static Val BlockIdx(int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Intrinsic(GpuQuantity.BlockIndex, axis, CallerLocation.From(file, line));

    /// <summary><c>cuda.blockDim</c>: threads per block.</summary>
    public static Val BlockDim(int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Intrinsic(GpuQuantity.BlockSize, axis, CallerLocation.From(file, line));

    /// <summary><c>cuda.gridDim</c>: blocks in the grid.</summary>
    public static Val GridDim(int axis = 0, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Intrinsic(GpuQuantity.GridSize, axis, CallerLocation.From(file, line));

    /// <summary><c>cuda.syncthreads()</c>: every thread of the block waits here for the others.</summary>
    public static void SyncThreads([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.Barrier(CallerLocation.From(file, line));

    /// <summary>
    /// <c>cuda.shared.array(length, dtype)</c>: an array every thread of a block shares, fast on-chip memory; its
    /// length is a literal (the GPU reserves it when the kernel compiles). Its elements start undefined.
    /// </summary>
    public static Arr SharedArray(DType dtype, int length, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var tracer = Tracer.Current;
        var loc = CallerLocation.From(file, line);
        var shared = new Alloc(dtype, [new Const((long)length, DType.Int64, Weak: false) { Loc = loc }], Zeroed: false) { Loc = loc, Shared = true };
        return new Arr(tracer, tracer.BindTemporary(shared, "shared", loc));
    }

    /// <summary><c>cuda.atomic.add</c>: adds <paramref name="value"/> to <c>array[index]</c> in one indivisible step; gives the old value.</summary>
    public static Val AtomicAdd(Arr array, Val index, Val value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.Atomic(GpuAtomicOp.Add, array, [index, value], CallerLocation.From(file, line));

    /// <summary><c>cuda.atomic.min</c>: the element becomes the smaller of it and <paramref name="value"/>; gives the old value.</summary>
    public static Val AtomicMin(Arr array, Val index, Val value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.Atomic(GpuAtomicOp.Min, array, [index, value], CallerLocation.From(file, line));

    /// <summary><c>cuda.atomic.max</c>: the element becomes the larger of it and <paramref name="value"/>; gives the old value.</summary>
    public static Val AtomicMax(Arr array, Val index, Val value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.Atomic(GpuAtomicOp.Max, array, [index, value], CallerLocation.From(file, line));

    /// <summary><c>cuda.atomic.exch</c>: stores <paramref name="value"/>; gives the old value.</summary>
    public static Val AtomicExchange(Arr array, Val index, Val value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.Atomic(GpuAtomicOp.Exchange, array, [index, value], CallerLocation.From(file, line));

    /// <summary><c>cuda.atomic.compare_and_swap</c>: stores <paramref name="value"/> if the element equals <paramref name="compare"/>; gives the old value.</summary>
    public static Val AtomicCompareExchange(Arr array, Val index, Val compare, Val value, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.Atomic(GpuAtomicOp.CompareExchange, array, [index, compare, value], CallerLocation.From(file, line));

    /// <summary>
    /// <c>create_xoroshiro128p_states(count, seed)</c>: <paramref name="count"/> generators on the device (two int64
    /// words each), one per thread that draws, 2^64 draws apart; made on the host, one jump after another.
    /// </summary>
    public static DeviceArray<long> RandomStates(long count, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return new DeviceArray<long>(Backends.Cuda.GpuRandom.States(count, seed));
    }

    /// <summary><c>xoroshiro128p_uniform_float64(states, index)</c>: a uniform float64 in [0, 1) from generator <paramref name="index"/>, which it advances.</summary>
    public static Val Uniform(Arr states, Val index, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.GpuUniform(states, index, CallerLocation.From(file, line));

    /// <summary><c>cuda.to_device</c>: a copy of <paramref name="host"/> in the device's memory.</summary>
    public static DeviceArray<T> ToDevice<T>(T[] host) where T : unmanaged => new(host);

    /// <summary><c>cuda.to_device</c> of a 2-D array.</summary>
    public static DeviceArray<T> ToDevice<T>(T[,] host) where T : unmanaged => new(host);

    /// <summary><c>cuda.to_device</c> of a 3-D array.</summary>
    public static DeviceArray<T> ToDevice<T>(T[,,] host) where T : unmanaged => new(host);

    /// <summary>The device kernels run on: the CUDA GPU's name, or ILGPU's CPU accelerator.</summary>
    public static string Device => Backends.Cuda.GpuDevice.Accelerator.Name;

    /// <summary>The GPU's peak memory bandwidth in GB/s (memory clock × bus width × 2, DDR), or null on the CPU accelerator.</summary>
    // ILGPU gives the clock in MHz (an H200: 3201, as nvidia-smi's clocks.max.memory), the bus width in bits.
    public static double? MemoryBandwidth =>
        Backends.Cuda.GpuDevice.Accelerator is ILGPU.Runtime.Cuda.CudaAccelerator gpu ? 2.0 * gpu.MemoryClockRate * 1e6 * (gpu.MemoryBusWidth / 8.0) / 1e9 : null;

    private static Val GlobalIndex(int axis, SourceLoc loc) =>
        Intrinsic(GpuQuantity.BlockIndex, axis, loc) * Intrinsic(GpuQuantity.BlockSize, axis, loc) + Intrinsic(GpuQuantity.ThreadIndex, axis, loc);

    private static Val Intrinsic(GpuQuantity quantity, int axis, SourceLoc loc)
    {
        if (axis is < 0 or > 2)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, "an axis is 0, 1 or 2 (x, y, z)");
        return new Val(Tracer.Current, new GpuIntrinsic(quantity, axis) { Loc = loc });
    }
}
