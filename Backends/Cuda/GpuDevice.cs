using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace JitDsl.Backends.Cuda;

/// <summary>
/// The one ILGPU context and accelerator of the process: the first CUDA GPU, else ILGPU's CPU accelerator (which
/// runs the same kernels, slowly, one OS thread per GPU thread). Kernels are compiled and launched under one lock:
/// ILGPU's caches are not thread-safe, and a failed compile must be cleared before the next one.
/// </summary>
internal static class GpuDevice
{
    private static readonly Lazy<(Context Context, Accelerator Accelerator)> Shared = new(Create);

    public static Lock Gate { get; } = new();

    public static Context Context => Shared.Value.Context;

    public static Accelerator Accelerator => Shared.Value.Accelerator;

    private static MemoryBuffer1D<long, Stride1D.Dense>? errorRecord;

    /// <summary>The error record every launch hands its kernel (launches hold <see cref="Gate"/>, so one serves all).</summary>
    public static MemoryBuffer1D<long, Stride1D.Dense> ErrorRecord => errorRecord ??= Accelerator.Allocate1D<long>(IlEmitter.ErrorSlots);

    /// <summary>Whether kernels run on a real GPU.</summary>
    public static bool IsGpu => Accelerator.AcceleratorType == AcceleratorType.Cuda;

    private static (Context, Accelerator) Create()
    {
        // Algorithms: software double Exp, Sin … where PTX has no instruction for them.
        var context = Context.Create(builder => builder.Cuda().CPU().EnableAlgorithms());
        Device device = context.GetCudaDevices().Count > 0 ? context.GetCudaDevice(0) : context.GetCPUDevice(0);
        return (context, device.CreateAccelerator(context));
    }

    /// <summary>After a failed compile: ILGPU keeps what it had declared, which a later compile would reuse.</summary>
    public static void ForgetFailedCompile()
    {
        Accelerator.ClearCache(ClearCacheMode.Everything);
        Context.ClearCache(ClearCacheMode.Default);
    }
}
