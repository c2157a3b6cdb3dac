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
        if (VectorMath.IsAvailable)
        {
            LlvmMessages.Check(LlvmApi.LLVMOrcCreateDynamicLibrarySearchGeneratorForPath(out var vectorMath, VectorMath.Library, prefix, IntPtr.Zero, IntPtr.Zero), "searching libmvec");
            LlvmApi.LLVMOrcJITDylibAddGenerator(mainDylib, vectorMath);
        }
    }

    public static LlvmJit Instance => Shared.Value;

    /// <summary>Whether code defining <paramref name="symbol"/> is already linked.</summary>
    public bool IsLoaded(string symbol)
    {
        lock (gate)
            return loaded.ContainsKey(symbol);
    }

    /// <summary>
    /// The address of <paramref name="symbol"/>, linking <paramref name="objectCode"/> first unless code defining it
    /// is linked already (symbols are named after their code's hash, so the same name means the same code).
    /// </summary>
    public IntPtr Load(byte[]? objectCode, string symbol)
    {
        lock (gate)
        {
            if (loaded.TryGetValue(symbol, out var known))
                return known;
            var code = objectCode ?? throw new JitInternalException($"{symbol} is not linked and no object code was given");
            var buffer = LlvmMemoryBufferHandle.Copy(code, symbol);
            LlvmMessages.Check(LlvmApi.LLVMOrcLLJITAddObjectFile(jit, mainDylib, buffer.Release()), $"linking {symbol}");
            LlvmMessages.Check(LlvmApi.LLVMOrcLLJITLookup(jit, out var address, symbol), $"finding {symbol}");
            return loaded[symbol] = (IntPtr)(long)address;
        }
    }

    private readonly Dictionary<string, IntPtr> loaded = [];
}
