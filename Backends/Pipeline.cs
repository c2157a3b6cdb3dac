using System.Diagnostics;
using System.Linq.Expressions;
using JitDsl.Backends.Clr;
using JitDsl.Backends.Llvm;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;
using JitDsl.Lowering;
using JitDsl.Lowering.Printing;

namespace JitDsl.Backends;

/// <summary>
/// The stages that turn a traced kernel into running code, in order. Each stage's output and time are
/// kept for <see cref="Kernel.Inspect(object?[])"/>. (Tracing happened when the kernel was defined.)
/// </summary>
internal static class Pipeline
{
    public static Specialization Compile(KernelTree kernel, Signature signature, DeclaredSignature? declared, JitOptions options)
    {
        var stages = new List<StageReport>();
        var llvm = BackendSelection.Resolve(options.Backend) == Backend.Llvm;
        var (typed, lowered) = Lower(kernel, signature, declared, options, stages, inProcess: true);
        var compiled = llvm
            ? CompileWithLlvm(kernel, stages, lowered, options)
            : Stage(kernel, stages, "compile", () => ClrBackend.Compile(lowered),
                c => $"Clr backend: {c.Typed.GetType().Name.Split('`')[0]}<{string.Join(", ", c.Typed.GetType().GetGenericArguments().Select(CSharpPrinter.TypeName))}> compiled by the .NET JIT\n");
        return new Specialization(signature, typed.ReturnType, compiled, stages);
    }

    /// <summary>
    /// The stages every backend shares: typing, fusion of array expressions, bounds-check elimination, lowering.
    /// Code that runs <paramref name="inProcess"/> gets SIMD loops for fused elementwise loops and, with
    /// <see cref="JitOptions.Parallel"/>, parallel loops (they call back into .NET); ahead-of-time export takes
    /// scalar, serial loops, and so does a CUDA kernel (<paramref name="gpu"/>: a GPU thread is scalar), whose
    /// fused loops are spread over the launch's threads with <paramref name="gridStride"/> (a map on the GPU).
    /// </summary>
    public static (TypedKernel Typed, LambdaExpression Lowered) Lower(
        KernelTree kernel, Signature signature, DeclaredSignature? declared, JitOptions options, List<StageReport> stages, bool inProcess = false,
        bool gpu = false, bool gridStride = false)
    {
        var typed = Stage(kernel, stages, "type", () => TypeInference.Specialize(kernel, signature, declared), TreePrinter.Print);
        // A map on the GPU: fusion's loops, marked parallel, become grid-stride loops over the launch's threads.
        var parallel = (inProcess && options.Parallel) || gridStride;
        var fused = Stage(kernel, stages, "fuse", () => Fusion.Run(typed, parallel), TreePrinter.Print);
        var proven = Stage(kernel, stages, "bounds checks", () => BoundsCheckElimination.Run(fused), TreePrinter.Print);
        var lowered = Stage(kernel, stages, "lower", () => LinqLowering.Lower(proven, options.BoundsCheck, vectorize: inProcess, parallel && !gpu, gpu, gridStride), CSharpPrinter.Print);
        return (typed, lowered);
    }

    private static CompiledKernel CompileWithLlvm(KernelTree kernel, List<StageReport> stages, LambdaExpression lowered, JitOptions options)
    {
        var module = Stage(kernel, stages, "llvm ir", () => LlvmBackend.Generate(lowered, options), m => m.Ir);
        var code = Stage(kernel, stages, "optimize and emit", () => LlvmBackend.Emit(module, options.Cache),
            c =>
            {
                var (optimized, assembly) = LlvmCompiler.Inspect(module.Ir, module.Symbol);
                return $"; object code: {c.Source}\n; optimised IR\n{optimized}\n; assembly\n{assembly}";
            });
        return Stage(kernel, stages, "link", () => LlvmBackend.Link(module, code, lowered),
            _ => $"{module.Symbol} linked by ORC LLJIT ({Llvm.Interop.LlvmLibrary.Loaded!.Path}); object code {code.Source}\n");
    }

    /// <summary>Runs a stage, timing it; anything but a user error escaping a stage is a compiler bug.</summary>
    private static T Stage<T>(KernelTree kernel, List<StageReport> stages, string name, Func<T> run, Func<T, string> print)
    {
        var clock = Stopwatch.StartNew();
        T result;
        try
        {
            result = run();
        }
        catch (InsufficientExecutionStackException)
        {
            throw TypingException.ExpressionTooDeep(kernel.Loc).AddContext($"stage `{name}` of kernel `{kernel.Name}`");
        }
        catch (Exception e) when (e is not (TypingException or JitInternalException))
        {
            throw new JitInternalException($"stage `{name}` of kernel `{kernel.Name}` failed: {e.Message}", e);
        }
        stages.Add(new StageReport(name, clock.Elapsed, () => print(result)));
        return result;
    }
}

/// <summary>A kernel specialization ready to run, from either backend: its typed delegate and the boxed entry used by dynamic calls.</summary>
internal sealed record CompiledKernel(Delegate Typed, Func<object?[], object?> Boxed);

/// <summary>A compiled specialization: the signature it serves, its result type, the code, and the record of its stages.</summary>
internal sealed record Specialization(Signature Signature, JitType? Result, CompiledKernel Code, IReadOnlyList<StageReport> Stages)
{
    public Type[] ClrParameterTypes { get; } = Signature.Parameters.Select(p => p.ClrType()).ToArray();

    public string Describe() => $"{Result?.ToString() ?? "void"}{Signature}";
}
