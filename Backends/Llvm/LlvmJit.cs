using JitDsl.Backends.Llvm.Interop;
using JitDsl.Backends.Llvm.IrGen;

namespace JitDsl.Backends.Llvm;

/// <summary>
/// The process's ORC LLJIT, which links object code (fresh or from the disk cache) into memory. Symbols
/// resolve against the process (libm) and glibc's vector math library, libmvec. Code is never unloaded,
/// like a Numba kernel's. Adding is serialized; looking up symbols is thread-safe in ORC.
/// </summary>
internal sealed class LlvmJit
{
    private static readonly Lazy<LlvmJit> Shared = new(() => new LlvmJit());
    private readonly IntPtr jit;
    private readonly IntPtr mainDylib;
    private readonly Lock gate = new();

    private LlvmJit()
    {
        LlvmLibrary.Require();
        LlvmMessages.Check(LlvmApi.LLVMOrcCreateLLJIT(out jit, IntPtr.Zero), "creating the JIT");
        mainDylib = LlvmApi.LLVMOrcLLJITGetMainJITDylib(jit);
        var prefix = LlvmApi.LLVMOrcLLJITGetGlobalPrefix(jit);
        LlvmMessages.Check(LlvmApi.LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(out var process, prefix, IntPtr.Zero, IntPtr.Zero), "searching the process's symbols");
        LlvmApi.LLVMOrcJITDylibAddGenerator(mainDylib, process);
        var missing = LlvmMessages.Describe(LlvmApi.LLVMOrcCreateDynamicLibrarySearchGeneratorForPath(out var vectorMath, VectorMath.Library, prefix, IntPtr.Zero, IntPtr.Zero));
        if (missing is null)
            LlvmApi.LLVMOrcJITDylibAddGenerator(mainDylib, vectorMath);
        HasVectorMath = missing is null;
    }

    public static LlvmJit Instance => Shared.Value;

    /// <summary>Whether libmvec was found; without it, math calls in loops stay scalar.</summary>
    public bool HasVectorMath { get; }

    /// <summary>Links object code and returns the address of one of its symbols.</summary>
    public IntPtr Load(byte[] objectCode, string symbol)
    {
        lock (gate)
        {
            var buffer = LlvmMemoryBufferHandle.Copy(objectCode, symbol);
            LlvmMessages.Check(LlvmApi.LLVMOrcLLJITAddObjectFile(jit, mainDylib, buffer.Release()), $"linking {symbol}");
            LlvmMessages.Check(LlvmApi.LLVMOrcLLJITLookup(jit, out var address, symbol), $"finding {symbol}");
            return (IntPtr)(long)address;
        }
    }
}
