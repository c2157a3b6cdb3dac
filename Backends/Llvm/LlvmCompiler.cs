using System.Text;
using JitDsl.Backends.Llvm.Interop;

namespace JitDsl.Backends.Llvm;

/// <summary>
/// Textual IR to machine code: parse (textual IR carries fast-math flags and attributes on every LLVM
/// version), verify, optimise with the new pass manager at O3 for the host, emit an object file. The same
/// steps, stopped earlier, give the optimised IR and the assembly that <c>Inspect</c> shows.
/// </summary>
internal static class LlvmCompiler
{
    private const int ObjectFile = 1;
    private const int AssemblyFile = 0;

    /// <summary>Object code for the JIT, or (<paramref name="forJit"/> false) position-independent code for a shared library.</summary>
    public static byte[] ObjectCode(string ir, string name, bool forJit = true) =>
        Run(ir, name, (machine, module) => Emit(machine, module, ObjectFile), forJit);

    /// <summary>What <c>Inspect</c> shows: the optimised IR and the assembly made from it, optimising once.</summary>
    public static (string OptimizedIr, string Assembly) Inspect(string ir, string name) =>
        Run(ir, name, (machine, module) => (
            LlvmMessages.Take(LlvmApi.LLVMPrintModuleToString(module.DangerousGetHandle())),
            Encoding.UTF8.GetString(Emit(machine, module, AssemblyFile))));

    private static T Run<T>(string ir, string name, Func<LlvmTargetMachineHandle, LlvmModuleHandle, T> finish, bool forJit = true)
    {
        using var context = new LlvmContextHandle();
        using var module = Parse(context, ir, name);
        using var machine = LlvmTarget.Host.CreateMachine(forJit);
        Optimize(module, machine);
        return finish(machine, module);
    }

    private static LlvmModuleHandle Parse(LlvmContextHandle context, string ir, string name)
    {
        var buffer = LlvmMemoryBufferHandle.Copy(Encoding.UTF8.GetBytes(ir), name);
        if (LlvmApi.LLVMParseIRInContext(context.DangerousGetHandle(), buffer.Release(), out var module, out var parseError) != 0)
            throw new JitInternalException($"LLVM could not parse the IR generated for `{name}`: {LlvmMessages.Take(parseError)}\n{ir}");
        var owned = new LlvmModuleHandle(module);
        if (LlvmApi.LLVMVerifyModule(module, 2, out var verifyError) != 0)
        {
            owned.Dispose(); // now, while its context lives: disposing the context frees the module too
            throw new JitInternalException($"the IR generated for `{name}` is invalid: {LlvmMessages.Take(verifyError)}\n{ir}");
        }
        LlvmMessages.Take(verifyError);
        return owned;
    }

    private static void Optimize(LlvmModuleHandle module, LlvmTargetMachineHandle machine)
    {
        using var options = new LlvmPassBuilderOptionsHandle();
        LlvmApi.LLVMPassBuilderOptionsSetLoopVectorization(options.DangerousGetHandle(), 1);
        LlvmApi.LLVMPassBuilderOptionsSetSLPVectorization(options.DangerousGetHandle(), 1);
        LlvmApi.LLVMPassBuilderOptionsSetLoopUnrolling(options.DangerousGetHandle(), 1);
        LlvmMessages.Check(
            LlvmApi.LLVMRunPasses(module.DangerousGetHandle(), "default<O3>", machine.DangerousGetHandle(), options.DangerousGetHandle()),
            "optimising");
    }

    private static byte[] Emit(LlvmTargetMachineHandle machine, LlvmModuleHandle module, int fileType)
    {
        if (LlvmApi.LLVMTargetMachineEmitToMemoryBuffer(machine.DangerousGetHandle(), module.DangerousGetHandle(), fileType, out var error, out var buffer) != 0)
            throw new JitInternalException($"LLVM could not emit code: {LlvmMessages.Take(error)}");
        using var owned = new LlvmMemoryBufferHandle(buffer);
        return owned.ToArray();
    }
}
