using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Loader;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using JitDsl.Backends;
using JitDsl.Backends.Cuda;
using JitDsl.Backends.Dispatch;
using JitDsl.Backends.Llvm;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;
using JitDsl.Lowering.Printing;

namespace JitDsl;

/// <summary>Launches a CUDA kernel on a grid: <c>kernel[blocks, threadsPerBlock](args)</c>.</summary>
public delegate void CudaLaunch(params object?[] args);

/// <summary>
/// A kernel for the GPU made by <see cref="Cuda.Kernel"/>, like Numba's <c>@cuda.jit</c>: launched with an explicit
/// grid, <c>add[blocks, 256](a, b, o)</c>, every thread running the kernel with its own <see cref="Cuda.Grid"/> index.
/// It is compiled at its first launch for the argument types (arrays of 1 to 3 dimensions, <see cref="DeviceArray{T}"/>s
/// and scalars), through ILGPU, for the first CUDA GPU or, without one, ILGPU's CPU accelerator. Thread-safe.
/// </summary>
public sealed class CudaKernel
{
    // Compiled kernels by their lowered tree: a kernel traced again compiles once.
    private static readonly ConcurrentDictionary<string, Lazy<GpuCode>> Compiled = new();
    private static int assemblies;

    private readonly KernelTree tree;
    private readonly JitOptions options;
    private readonly bool gridStride;
    private readonly ConcurrentDictionary<Signature, Lazy<(GpuCode Code, IReadOnlyList<StageReport> Stages)>> specializations = new();
    private int warnedAboutCopies;

    /// <param name="tree">The kernel.</param>
    /// <param name="options">Its options (bounds checks; FastMath.Contract lets the GPU fuse a multiply and an add).</param>
    /// <param name="gridStride">A map's kernel: its fused loops are spread over the launch's threads.</param>
    internal CudaKernel(KernelTree tree, JitOptions options, bool gridStride = false)
    {
        this.tree = tree;
        this.options = options;
        this.gridStride = gridStride;
    }

    /// <summary>The kernel's name.</summary>
    public string Name => tree.Name;

    /// <summary>A launch of <paramref name="blocks"/> blocks of <paramref name="threadsPerBlock"/> threads.</summary>
    public CudaLaunch this[int blocks, int threadsPerBlock] =>
        args => Launch(new KernelConfig(CheckBlocks(blocks, nameof(blocks)), CheckThreads(threadsPerBlock, threadsPerBlock, nameof(threadsPerBlock))), args);

    /// <summary>A launch on a 2-D grid: (x, y) blocks of (x, y) threads.</summary>
    public CudaLaunch this[(int X, int Y) blocks, (int X, int Y) threadsPerBlock] =>
        args => Launch(new KernelConfig(
            new Index2D(CheckBlocks(blocks.X, nameof(blocks)), CheckBlocks(blocks.Y, nameof(blocks))),
            new Index2D(CheckThreads(threadsPerBlock.X, threadsPerBlock.X * threadsPerBlock.Y, nameof(threadsPerBlock)), CheckThreads(threadsPerBlock.Y, threadsPerBlock.X * threadsPerBlock.Y, nameof(threadsPerBlock)))), args);

    /// <summary>A launch on a 3-D grid.</summary>
    public CudaLaunch this[(int X, int Y, int Z) blocks, (int X, int Y, int Z) threadsPerBlock] =>
        args =>
        {
            var total = threadsPerBlock.X * threadsPerBlock.Y * threadsPerBlock.Z;
            Launch(new KernelConfig(
                new Index3D(CheckBlocks(blocks.X, nameof(blocks)), CheckBlocks(blocks.Y, nameof(blocks)), CheckBlocks(blocks.Z, nameof(blocks))),
                new Index3D(CheckThreads(threadsPerBlock.X, total, nameof(threadsPerBlock)), CheckThreads(threadsPerBlock.Y, total, nameof(threadsPerBlock)),
                    CheckThreads(threadsPerBlock.Z, total, nameof(threadsPerBlock)))), args);
        };

    /// <summary>A launch for a grid-stride kernel over <paramref name="elements"/>: a block per 256 elements (the device's most, if fewer), at most 65,535 blocks.</summary>
    internal void LaunchOver(long elements, object?[] args)
    {
        var threads = Math.Min(256, GpuDevice.Accelerator.MaxNumThreadsPerGroup);
        var blocks = (int)Math.Clamp((elements + threads - 1) / threads, 1, 65_535);
        Launch(new KernelConfig(blocks, threads), args);
    }

    /// <summary>Every stage of compiling the kernel for these example arguments, down to its IL and its PTX.</summary>
    public KernelInspection Inspect(params object?[] exampleArgs)
    {
        var signature = SignatureOf(exampleArgs ?? [null]);
        var (code, stages) = Specialize(signature);
        var ptx = new StageReport("ptx", TimeSpan.Zero, () => Ptx(code.Method, Contracts));
        return new KernelInspection(Name, signature.ToString(), [.. stages, ptx]);
    }

    private static int CheckBlocks(int blocks, string name) =>
        blocks >= 1 ? blocks : throw new ArgumentOutOfRangeException(name, blocks, "a launch needs at least one block");

    private static int CheckThreads(int threads, int perBlock, string name)
    {
        var limit = GpuDevice.Accelerator.MaxNumThreadsPerGroup;
        if (threads < 1 || perBlock > limit)
            throw new ArgumentOutOfRangeException(name, perBlock,
                $"a block has 1 to {limit} threads on {GpuDevice.Accelerator.Name}{(GpuDevice.IsGpu ? "" : " (ILGPU's CPU accelerator: no CUDA GPU here)")}");
        return threads;
    }

    private void Launch(KernelConfig config, object?[] args)
    {
        var arguments = args ?? [null];
        var signature = SignatureOf(arguments);
        var code = Specialize(signature).Code;
        var copies = new Dictionary<Array, (IDeviceArray Device, Action CopyBack)>(ReferenceEqualityComparer.Instance);
        try
        {
            // Under the device's lock from the views on: a device array disposed meanwhile cannot free memory in use.
            lock (GpuDevice.Gate)
            {
                var launchArgs = new object[arguments.Length + 1];
                for (var k = 0; k < arguments.Length; k++)
                    launchArgs[k] = arguments[k] switch
                    {
                        IDeviceArray device => device.View,
                        Array host => Transfer(host, copies),
                        bool flag => (byte)(flag ? 1 : 0),
                        var scalar => scalar!,
                    };
                var errors = GpuDevice.ErrorRecord;
                errors.MemSetToZero();
                launchArgs[^1] = errors.View.BaseView;
                code.Kernel.Launch(GpuDevice.Accelerator.DefaultStream, config, launchArgs);
                GpuDevice.Accelerator.DefaultStream.Synchronize();
                foreach (var (_, copyBack) in copies.Values)
                    copyBack();
                var record = errors.GetAsArray1D();
                if (record[0] != 0)
                    NativeKernel.Raise((NativeError)record[0], record[1], record[2], record[3], code.Sites, record[4..], null);
            }
        }
        finally
        {
            foreach (var (device, _) in copies.Values)
                ((IDisposable)device).Dispose();
        }
    }

    /// <summary>A host array passed to a launch: copied to the device and back, as Numba does (and warns about).</summary>
    private object Transfer(Array host, Dictionary<Array, (IDeviceArray Device, Action CopyBack)> copies)
    {
        // An array passed twice is one array on the device too (else the copy of the one not written would win).
        if (copies.TryGetValue(host, out var copied))
            return copied.Device.View;
        if (Interlocked.Exchange(ref warnedAboutCopies, 1) == 0)
            Console.Error.WriteLine($"JitDsl: CUDA kernel `{Name}` was given a host array: it is copied to the device and back at every launch; pass a DeviceArray (Cuda.ToDevice) to keep it there");
        var element = host.GetType().GetElementType()!;
        var device = (IDeviceArray)Activator.CreateInstance(typeof(DeviceArray<>).MakeGenericType(element), host)!;
        copies[host] = (device, () => device.CopyToHost(host));
        return device.View;
    }

    /// <summary>The kernel types of a launch's arguments (a device array types as the host array it mirrors).</summary>
    internal Signature SignatureOf(object?[] args) => SignatureOf(tree, args);

    /// <summary>The kernel types of arguments for <paramref name="tree"/>, device arrays typed as the host arrays they mirror.</summary>
    internal static Signature SignatureOf(KernelTree tree, object?[] args)
    {
        var standIns = args.Select(a => a is IDeviceArray device ? Array.CreateInstance(device.ElementType, new int[device.Shape.Count]) : a).ToArray();
        var signature = Arguments.TypesOf(tree, standIns);
        Arguments.CheckAccepted(tree, signature);
        for (var k = 0; k < args.Length; k++)
        {
            if (args[k] is INdArray)
                throw new KernelArgumentException(ErrorCodes.ArgumentType,
                    $"argument `{tree.Parameters[k].Name}` of CUDA kernel `{tree.Name}` is a strided view; pass an array or a DeviceArray", tree.Parameters[k].Name);
        }
        return signature;
    }

    private (GpuCode Code, IReadOnlyList<StageReport> Stages) Specialize(Signature signature) =>
        specializations.GetOrAdd(signature, s => new Lazy<(GpuCode, IReadOnlyList<StageReport>)>(() =>
        {
            var stages = new List<StageReport>();
            // Always checked: an index out of range would corrupt the GPU's memory, or end the process on ILGPU's CPU accelerator.
            var (_, lowered) = Pipeline.Lower(tree, s, null, options with { BoundsCheck = true }, stages, gpu: true, gridStride: gridStride);
            var key = $"{Name}\n{Contracts}\n{CSharpPrinter.Print(lowered)}";
            var code = Compiled.GetOrAdd(key, _ => new Lazy<GpuCode>(() => Compile(lowered, Contracts))).Value;
            stages.Add(new StageReport("il", code.EmitTime, () => code.Listing));
            stages.Add(new StageReport("ilgpu", code.CompileTime,
                () => $"compiled by ILGPU for {GpuDevice.Accelerator.Name} (the first kernel of a process also creates ILGPU's context)\n"));
            return (code, stages);
        })).Value;

    /// <summary>Emits the kernel into an assembly of its own, loads it (for good: ILGPU keeps the method), and compiles it with ILGPU.</summary>
    private bool Contracts => options.FastMath.Has(FastMath.Contract);

    private static GpuCode Compile(LambdaExpression lowered, bool contract)
    {
        var clock = Stopwatch.StartNew();
        var name = $"JitDslCuda{Interlocked.Increment(ref assemblies)}";
        var assemblyBuilder = new PersistedAssemblyBuilder(new AssemblyName(name), typeof(object).Assembly);
        // The kernel calls the lowering's runtime helpers and the GPU's generator, which are internal: the runtime lets an assembly that
        // carries this attribute (found by its name) reach into the one it names.
        foreach (var helpers in new[] { typeof(Lowering.Runtime.KernelMath).Assembly, typeof(GpuRandom).Assembly })
        {
            assemblyBuilder.SetCustomAttribute(new CustomAttributeBuilder(
                typeof(System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute).GetConstructor([typeof(string)])!, [helpers.GetName().Name!]));
        }
        var type = assemblyBuilder.DefineDynamicModule(name).DefineType("Kernels", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed);
        var (listing, sites) = IlEmitter.Emit(type, "Kernel", lowered);
        type.CreateType();
        using var image = new MemoryStream();
        assemblyBuilder.Save(image);
        image.Position = 0;
        var method = AssemblyLoadContext.Default.LoadFromStream(image).GetType("Kernels")!.GetMethod("Kernel")!;
        var emitTime = clock.Elapsed;
        lock (GpuDevice.Gate)
        {
            try
            {
                clock.Restart();
                var compiled = GpuDevice.Accelerator.CompileKernel(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
                if (!contract)
                    compiled = ExactRounding.Apply(compiled);
                return new GpuCode(method, GpuDevice.Accelerator.LoadKernel(compiled), listing, sites, emitTime, clock.Elapsed);
            }
            // Whatever ILGPU throws here is its compiler failing (its constant folder once threw DivideByZeroException).
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                GpuDevice.ForgetFailedCompile();
                throw new JitInternalException($"ILGPU could not compile CUDA kernel `{lowered.Name}`: {e.Message}", e);
            }
        }
    }

    /// <summary>The kernel's PTX, from ILGPU's PTX backend for an sm_90 GPU (no GPU needed), exact unless it may contract.</summary>
    private static string Ptx(MethodInfo method, bool contract)
    {
        lock (GpuDevice.Gate)
        {
            using var backend = new PTXBackend(GpuDevice.Context, new CudaCapabilityContext(CudaArchitecture.SM_90),
                CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, GpuDevice.Nvvm);
            var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(method), KernelSpecialization.Empty);
            return contract ? compiled.PTXAssembly : ExactRounding.Apply(compiled.PTXAssembly);
        }
    }

    /// <summary>A compiled kernel: its method, ILGPU's kernel, the IL listing, the error sites, and how long emitting and ILGPU took.</summary>
    private sealed record GpuCode(MethodInfo Method, ILGPU.Runtime.Kernel Kernel, string Listing, IReadOnlyList<string> Sites, TimeSpan EmitTime, TimeSpan CompileTime);
}
