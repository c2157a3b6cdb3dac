using System.Diagnostics;
using JitDsl.Backends.Clr;
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
        var typed = Stage(stages, "type", () => TypeInference.Specialize(kernel, signature, declared), TreePrinter.Print);
        var proven = Stage(stages, "bounds checks", () => BoundsCheckElimination.Run(typed), TreePrinter.Print);
        var lowered = Stage(stages, "lower", () => LinqLowering.Lower(proven, options.BoundsCheck), CSharpPrinter.Print);
        var compiled = Stage(stages, "compile", () => ClrBackend.Compile(lowered),
            c => $"Clr backend: {c.Typed.GetType().Name.Split('`')[0]}<{string.Join(", ", c.Typed.GetType().GetGenericArguments().Select(CSharpPrinter.TypeName))}> compiled by the .NET JIT\n");
        return new Specialization(signature, typed.ReturnType, compiled, stages);
    }

    private static T Stage<T>(List<StageReport> stages, string name, Func<T> run, Func<T, string> print)
    {
        var clock = Stopwatch.StartNew();
        var result = run();
        stages.Add(new StageReport(name, clock.Elapsed, () => print(result)));
        return result;
    }
}

/// <summary>A compiled specialization: the signature it serves, its result type, the code, and the record of its stages.</summary>
internal sealed record Specialization(Signature Signature, JitType? Result, CompiledKernel Code, IReadOnlyList<StageReport> Stages)
{
    public Type[] ClrParameterTypes { get; } = Signature.Parameters.Select(p => p.ClrType()).ToArray();

    public string Describe() => $"{Result?.ToString() ?? "void"}{Signature}";
}
