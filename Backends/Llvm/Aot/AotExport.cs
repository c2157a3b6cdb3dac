using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using JitDsl.Backends.Llvm.Interop;
using JitDsl.Backends.Llvm.IrGen;

namespace JitDsl.Backends.Llvm.Aot;

/// <summary>
/// Ahead-of-time export: each kernel compiled for its signature into position-independent object code
/// with a C entry point (<see cref="AotWrapper"/>), the runtime in its own object (<see cref="AotRuntime"/>),
/// linked by the system's C compiler into a shared library, with a C header beside it.
/// </summary>
internal static class AotExport
{
    public static void Write(string libraryPath, IReadOnlyList<ExportedKernel> kernels)
    {
        var llvm = LlvmLibrary.Require();
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("exporting kernels to a shared library is supported on x86-64 Linux");
        var target = LlvmTarget.Host;
        var vectorMath = VectorMath.IsAvailable;
        var cNames = CNames(kernels);
        var folder = Directory.CreateTempSubdirectory("jitdsl-export-").FullName;
        try
        {
            var objects = new List<string> { WriteObject(folder, "runtime", AotRuntime.Ir(target)) };
            var header = new StringBuilder();
            foreach (var (export, cName) in kernels.Zip(cNames))
            {
                var lowered = export.Kernel.Lower(export.Signature);
                var module = IrCodegen.Generate(lowered, $"jd_export_{cName}", export.Kernel.Options.FastMath, target, llvm.Version, vectorMath);
                var (wrapper, declaration) = AotWrapper.Generate(cName, lowered, module, $"{export.Kernel.Name}: {export.Signature}");
                objects.Add(WriteObject(folder, $"kernel.{cName}", module.Ir + wrapper));
                header.Append(declaration).Append('\n');
            }
            Link(libraryPath, objects, vectorMath);
            File.WriteAllText(Path.ChangeExtension(libraryPath, ".h"), Header(Path.GetFileNameWithoutExtension(libraryPath), header.ToString()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The C names of the entry points. Each must be new to the process that loads the library: a kernel called
    /// <c>log</c> would take the place of libm's for every caller (the library's own calls included).
    /// </summary>
    private static List<string> CNames(IReadOnlyList<ExportedKernel> kernels)
    {
        var names = kernels.Select(k => AotWrapper.CName(k.Name ?? k.Kernel.Name)).ToList();
        var libraries = new[] { "libc.so.6", "libm.so.6", "libmvec.so.1" }
            .Select(l => NativeLibrary.TryLoad(l, out var handle) ? handle : IntPtr.Zero).Where(h => h != IntPtr.Zero).ToList();
        try
        {
            foreach (var name in names)
            {
                if (names.Count(n => n == name) > 1)
                    throw new ArgumentException($"two exported kernels have the C name `{name}`: give one of them another name (ExportedKernel.Name)", nameof(kernels));
                if (name.StartsWith("jitdsl_", StringComparison.Ordinal) || name.StartsWith("jd_", StringComparison.Ordinal))
                    throw new ArgumentException($"`{name}`: C names starting with jitdsl_ or jd_ are JitDsl's own", nameof(kernels));
                if (libraries.Any(l => NativeLibrary.TryGetExport(l, name, out _)))
                    throw new ArgumentException($"`{name}` is a function of the C library (libc, libm): an exported kernel named so would replace it for every caller; give the kernel another name (ExportedKernel.Name)", nameof(kernels));
            }
        }
        finally
        {
            libraries.ForEach(NativeLibrary.Free);
        }
        return names;
    }

    private static string WriteObject(string folder, string name, string ir)
    {
        var path = Path.Combine(folder, name + ".o");
        File.WriteAllBytes(path, LlvmCompiler.ObjectCode(ir, name, forJit: false));
        return path;
    }

    private static void Link(string libraryPath, IEnumerable<string> objects, bool vectorMath)
    {
        var start = new ProcessStartInfo("cc") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-shared", "-o", Path.GetFullPath(libraryPath) }.Concat(objects).Concat(vectorMath ? ["-lmvec", "-lm"] : ["-lm"]))
            start.ArgumentList.Add(argument);
        Process linker;
        try
        {
            linker = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("exporting kernels needs a C compiler (cc) to link the shared library; apt-get install gcc", e);
        }
        var errors = linker.StandardError.ReadToEndAsync();
        linker.StandardOutput.ReadToEnd();
        linker.WaitForExit();
        if (linker.ExitCode != 0)
            throw new InvalidOperationException($"cc could not link {libraryPath}: {errors.Result}");
    }

    private static string Header(string library, string declarations)
    {
        var guard = IrFunction.Identifier(library.ToUpperInvariant()) + "_H";
        return $$"""
            /* {{library}}: kernels compiled ahead of time by JitDsl. */
            #ifndef {{guard}}
            #define {{guard}}

            #include <stdbool.h>
            #include <stdint.h>

            #ifdef __cplusplus
            extern "C" {
            #endif

            /* Every entry point returns JITDSL_OK or the error it met; with a non-null error, it also says what
               and where (the kernel's source line). Arrays are passed as their data and one length per dimension,
               in C (row-major) order. */
            enum
            {
                JITDSL_OK = 0,
                JITDSL_INDEX_OUT_OF_RANGE = 1,   /* value1: the index, value2: the length */
                JITDSL_DIVISION_BY_ZERO = 2,     /* integer division or modulo by zero */
                JITDSL_NEGATIVE_POWER = 3,       /* an integer to a negative power */
                JITDSL_ZERO_STEP = 4,            /* a For loop whose step is zero */
                JITDSL_BAD_DIMENSION = 5,        /* value1: a negative or too large dimension */
                JITDSL_OUT_OF_MEMORY = 6,
                JITDSL_SHAPE_MISMATCH = 7,       /* value1, value2: lengths that do not broadcast together */
                JITDSL_EMPTY_REDUCTION = 8,      /* min, max, argmin or argmax of an empty array */
                JITDSL_BROADCAST_MISMATCH = 9,   /* operands whose shapes do not broadcast together */
            };

            typedef struct jitdsl_error { int64_t code; int64_t value1; int64_t value2; const char* where; } jitdsl_error;
            typedef struct jitdsl_complex { double re; double im; } jitdsl_complex;

            /* An array a kernel returns: an argument it was given (owned == 0), or a new one (owned != 0) to
               release with jitdsl_free(data). */
            typedef struct jitdsl_array { void* data; int64_t shape[8]; int32_t rank; int32_t owned; } jitdsl_array;

            void jitdsl_free(void* data);

            {{declarations}}#ifdef __cplusplus
            }
            #endif

            #endif

            """;
    }
}
