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
        // PTX has no instruction for double Exp, Sin …: CUDA's libdevice implements them well where the toolkit is
        // installed (ILGPU prefers it); ILGPU.Algorithms' software
        // versions otherwise (CORDIC iterations: fused_expr's Sin and Exp held an H200 to 19 GB/s).
        var libDevice = FindLibDevice();
        var context = Context.Create(builder =>
        {
            builder.Cuda().CPU().EnableAlgorithms();
            if (libDevice is var (nvvm, bitcode))
                builder.LibDevice(nvvm, bitcode);
        });
        Device device = context.GetCudaDevices().Count > 0 ? context.GetCudaDevice(0) : context.GetCPUDevice(0);
        return (context, device.CreateAccelerator(context));
    }

    /// <summary>NVVM for the PTX that <see cref="JitDsl.CudaKernel"/>'s inspection compiles, when libdevice is in use.</summary>
    public static NvvmAPI? Nvvm => nvvm.Value;

    private static readonly Lazy<NvvmAPI?> nvvm = new(() =>
        Context.Properties is { LibNvvmPath: { } library, LibDevicePath: { } bitcode } ? NvvmAPI.Create(library, bitcode) : null);

    /// <summary>libNVVM and libdevice's bitcode in the CUDA toolkit at $CUDA_PATH, $CUDA_HOME or /usr/local/cuda.</summary>
    private static (string Nvvm, string Bitcode)? FindLibDevice()
    {
        string?[] roots = [Environment.GetEnvironmentVariable("CUDA_PATH"), Environment.GetEnvironmentVariable("CUDA_HOME"), "/usr/local/cuda"];
        foreach (var root in roots.OfType<string>())
        {
            var (libraries, bitcodes) = (Path.Combine(root, "nvvm", "lib64"), Path.Combine(root, "nvvm", "libdevice"));
            if (!Directory.Exists(libraries) || !Directory.Exists(bitcodes))
                continue;
            var library = Directory.GetFiles(libraries, "libnvvm.so*").Order(StringComparer.Ordinal).FirstOrDefault();
            var bitcode = Directory.GetFiles(bitcodes, "libdevice.*.bc").Order(StringComparer.Ordinal).FirstOrDefault();
            if (library is not null && bitcode is not null)
                return (library, bitcode);
        }
        return null;
    }

    /// <summary>After a failed compile: ILGPU keeps what it had declared, which a later compile would reuse.</summary>
    public static void ForgetFailedCompile()
    {
        Accelerator.ClearCache(ClearCacheMode.Everything);
        Context.ClearCache(ClearCacheMode.Default);
    }
}
