using System.Runtime.InteropServices;

namespace JitDsl.Backends.Llvm.Interop;

/// <summary>
/// The part of LLVM's C API that JitDsl uses, declared against whichever libLLVM <see cref="LlvmLibrary"/>
/// loaded. The only place that calls into LLVM; everything else goes through the owning wrappers.
/// Handles are <see cref="IntPtr"/> here and owned by the <see cref="LlvmHandle"/> types above this layer.
/// </summary>
internal static partial class LlvmApi
{
    /// <summary>The library name the resolver maps to the libLLVM actually loaded.</summary>
    public const string Library = "JitDsl.libLLVM";

    // ---- Messages and errors (Core.h, Error.h)

    [LibraryImport(Library)]
    public static partial void LLVMDisposeMessage(IntPtr message);

    [LibraryImport(Library)]
    public static partial IntPtr LLVMGetErrorMessage(IntPtr error);

    [LibraryImport(Library)]
    public static partial void LLVMDisposeErrorMessage(IntPtr message);

    // ---- Contexts, modules, memory buffers (Core.h, IRReader.h, Analysis.h)

    [LibraryImport(Library)]
    public static partial IntPtr LLVMContextCreate();

    [LibraryImport(Library)]
    public static partial void LLVMContextDispose(IntPtr context);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr LLVMCreateMemoryBufferWithMemoryRangeCopy(IntPtr data, nint length, string name);

    [LibraryImport(Library)]
    public static partial IntPtr LLVMGetBufferStart(IntPtr buffer);

    [LibraryImport(Library)]
    public static partial nint LLVMGetBufferSize(IntPtr buffer);

    [LibraryImport(Library)]
    public static partial void LLVMDisposeMemoryBuffer(IntPtr buffer);

    /// <summary>Parses textual IR; takes ownership of the buffer whatever happens.</summary>
    [LibraryImport(Library)]
    public static partial int LLVMParseIRInContext(IntPtr context, IntPtr buffer, out IntPtr module, out IntPtr message);

    [LibraryImport(Library)]
    public static partial void LLVMDisposeModule(IntPtr module);

    [LibraryImport(Library)]
    public static partial IntPtr LLVMPrintModuleToString(IntPtr module);

    /// <summary>Action 2 is LLVMReturnStatusAction: report, do not abort.</summary>
    [LibraryImport(Library)]
    public static partial int LLVMVerifyModule(IntPtr module, int action, out IntPtr message);

    // ---- Targets (Target.h, TargetMachine.h)

    [LibraryImport(Library)]
    public static partial void LLVMInitializeX86TargetInfo();

    [LibraryImport(Library)]
    public static partial void LLVMInitializeX86Target();

    [LibraryImport(Library)]
    public static partial void LLVMInitializeX86TargetMC();

    [LibraryImport(Library)]
    public static partial void LLVMInitializeX86AsmPrinter();

    [LibraryImport(Library)]
    public static partial void LLVMInitializeAArch64TargetInfo();

    [LibraryImport(Library)]
    public static partial void LLVMInitializeAArch64Target();

    [LibraryImport(Library)]
    public static partial void LLVMInitializeAArch64TargetMC();

    [LibraryImport(Library)]
    public static partial void LLVMInitializeAArch64AsmPrinter();

    [LibraryImport(Library)]
    public static partial IntPtr LLVMGetDefaultTargetTriple();

    [LibraryImport(Library)]
    public static partial IntPtr LLVMGetHostCPUName();

    [LibraryImport(Library)]
    public static partial IntPtr LLVMGetHostCPUFeatures();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LLVMGetTargetFromTriple(string triple, out IntPtr target, out IntPtr message);

    /// <summary>Level 3 = aggressive; reloc 1 static, 2 PIC; code model 0 default, 6 large.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr LLVMCreateTargetMachine(IntPtr target, string triple, string cpu, string features, int level, int reloc, int codeModel);

    [LibraryImport(Library)]
    public static partial void LLVMDisposeTargetMachine(IntPtr machine);

    [LibraryImport(Library)]
    public static partial IntPtr LLVMCreateTargetDataLayout(IntPtr machine);

    [LibraryImport(Library)]
    public static partial IntPtr LLVMCopyStringRepOfTargetData(IntPtr dataLayout);

    [LibraryImport(Library)]
    public static partial void LLVMDisposeTargetData(IntPtr dataLayout);

    /// <summary>File type 0 = assembly, 1 = object.</summary>
    [LibraryImport(Library)]
    public static partial int LLVMTargetMachineEmitToMemoryBuffer(IntPtr machine, IntPtr module, int fileType, out IntPtr message, out IntPtr buffer);

    // ---- The new pass manager (Transforms/PassBuilder.h, LLVM 13 and later)

    [LibraryImport(Library)]
    public static partial IntPtr LLVMCreatePassBuilderOptions();

    [LibraryImport(Library)]
    public static partial void LLVMPassBuilderOptionsSetLoopVectorization(IntPtr options, int enabled);

    [LibraryImport(Library)]
    public static partial void LLVMPassBuilderOptionsSetSLPVectorization(IntPtr options, int enabled);

    [LibraryImport(Library)]
    public static partial void LLVMPassBuilderOptionsSetLoopUnrolling(IntPtr options, int enabled);

    [LibraryImport(Library)]
    public static partial void LLVMDisposePassBuilderOptions(IntPtr options);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr LLVMRunPasses(IntPtr module, string passes, IntPtr machine, IntPtr options);

    // ---- ORC LLJIT (LLJIT.h, Orc.h)

    [LibraryImport(Library)]
    public static partial IntPtr LLVMOrcCreateLLJIT(out IntPtr jit, IntPtr builder);

    [LibraryImport(Library)]
    public static partial IntPtr LLVMOrcLLJITGetMainJITDylib(IntPtr jit);

    [LibraryImport(Library)]
    public static partial byte LLVMOrcLLJITGetGlobalPrefix(IntPtr jit);

    /// <summary>Takes ownership of the buffer.</summary>
    [LibraryImport(Library)]
    public static partial IntPtr LLVMOrcLLJITAddObjectFile(IntPtr jit, IntPtr dylib, IntPtr objectBuffer);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr LLVMOrcLLJITLookup(IntPtr jit, out ulong address, string name);

    [LibraryImport(Library)]
    public static partial IntPtr LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(out IntPtr generator, byte globalPrefix, IntPtr filter, IntPtr filterContext);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr LLVMOrcCreateDynamicLibrarySearchGeneratorForPath(out IntPtr generator, string fileName, byte globalPrefix, IntPtr filter, IntPtr filterContext);

    [LibraryImport(Library)]
    public static partial void LLVMOrcJITDylibAddGenerator(IntPtr dylib, IntPtr generator);
}
