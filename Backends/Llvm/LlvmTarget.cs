using System.Runtime.InteropServices;
using JitDsl.Backends.Llvm.Interop;

namespace JitDsl.Backends.Llvm;

/// <summary>
/// The machine code is made for: the host's triple, CPU name and features. LLVM 15 names some recent CPUs
/// "generic", so the feature string (with +avx2, +avx512f …) is always passed too.
/// </summary>
internal sealed class LlvmTarget
{
    private static readonly Lazy<LlvmTarget> HostTarget = new(CreateHost);

    private readonly IntPtr target;

    private LlvmTarget(IntPtr target, string triple, string cpu, string features, string dataLayout)
    {
        this.target = target;
        Triple = triple;
        Cpu = cpu;
        Features = features;
        DataLayout = dataLayout;
    }

    public static LlvmTarget Host => HostTarget.Value;

    /// <summary>The library, version, CPU and the vector features that matter, or why LLVM is unavailable.</summary>
    public static string Describe()
    {
        if (LlvmLibrary.Loaded is not { } llvm)
            return $"unavailable: {LlvmLibrary.Problem}";
        var host = Host;
        var vectors = string.Join(" ", host.Features.Split(',').Where(f => f is "+avx2" or "+avx512f" or "+fma" or "+neon").Select(f => f[1..]));
        return $"LLVM {llvm.Version} ({llvm.Path}), CPU {host.Cpu}, {vectors}";
    }

    public string Triple { get; }

    public string Cpu { get; }

    public string Features { get; }

    public string DataLayout { get; }

    /// <summary>
    /// A fresh machine for one compilation (machines are not shared between threads). Code for the JIT uses
    /// absolute addresses (static relocations, large code model): calls to libm need no GOT or stub, which
    /// LLVM 15's JIT linker intermittently left unmapped (a crash in the stub). Shared libraries are PIC.
    /// </summary>
    public LlvmTargetMachineHandle CreateMachine(bool forJit = true) =>
        new(LlvmApi.LLVMCreateTargetMachine(target, Triple, Cpu, Features, level: 3,
            reloc: forJit ? RelocStatic : RelocPic, codeModel: forJit ? CodeModelLarge : CodeModelDefault));

    private const int RelocStatic = 1;
    private const int RelocPic = 2;
    private const int CodeModelDefault = 0;
    private const int CodeModelLarge = 6;

    private static LlvmTarget CreateHost()
    {
        LlvmLibrary.Require();
        switch (RuntimeInformation.ProcessArchitecture)
        {
            case Architecture.X64:
                LlvmApi.LLVMInitializeX86TargetInfo();
                LlvmApi.LLVMInitializeX86Target();
                LlvmApi.LLVMInitializeX86TargetMC();
                LlvmApi.LLVMInitializeX86AsmPrinter();
                break;
            case Architecture.Arm64:
                LlvmApi.LLVMInitializeAArch64TargetInfo();
                LlvmApi.LLVMInitializeAArch64Target();
                LlvmApi.LLVMInitializeAArch64TargetMC();
                LlvmApi.LLVMInitializeAArch64AsmPrinter();
                break;
            default:
                throw new BackendUnavailableException($"the LLVM backend does not support {RuntimeInformation.ProcessArchitecture} yet");
        }
        var triple = LlvmMessages.Take(LlvmApi.LLVMGetDefaultTargetTriple());
        if (LlvmApi.LLVMGetTargetFromTriple(triple, out var target, out var error) != 0)
            throw new BackendUnavailableException($"LLVM has no target for {triple}: {LlvmMessages.Take(error)}");
        var cpu = LlvmMessages.Take(LlvmApi.LLVMGetHostCPUName());
        var features = LlvmMessages.Take(LlvmApi.LLVMGetHostCPUFeatures());
        using var machine = new LlvmTargetMachineHandle(LlvmApi.LLVMCreateTargetMachine(target, triple, cpu, features, 3, 2, 0));
        var layout = LlvmApi.LLVMCreateTargetDataLayout(machine.DangerousGetHandle());
        var dataLayout = LlvmMessages.Take(LlvmApi.LLVMCopyStringRepOfTargetData(layout));
        LlvmApi.LLVMDisposeTargetData(layout);
        return new LlvmTarget(target, triple, cpu, features, dataLayout);
    }
}
