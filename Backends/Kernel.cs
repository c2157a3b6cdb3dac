using System.Diagnostics;
using JitDsl.Backends;
using JitDsl.Backends.Dispatch;
using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;
using Linq = System.Linq.Expressions.Expression;

namespace JitDsl;

/// <summary>
/// A compiled kernel, made by <see cref="Jit.Kernel(Delegate, JitOptions?, string?, string, int)"/>. Call it from
/// .NET with <see cref="Invoke(object?[])"/> (or take a typed delegate with <see cref="Compile{TDelegate}"/>),
/// from another kernel with <see cref="Call"/>, and see every compilation stage with <see cref="Inspect(object?[])"/>.
/// Thread-safe.
/// </summary>
public sealed class Kernel
{
    private readonly KernelTree tree;
    private readonly Dispatcher dispatcher;
    private readonly StageReport trace;
    private readonly JitOptions options;

    internal Kernel(KernelTree tree, TimeSpan traceTime, JitOptions options, IReadOnlyList<DeclaredSignature> declared)
    {
        this.tree = tree;
        this.options = options;
        trace = new StageReport("trace", traceTime, () => TreePrinter.Print(tree));
        dispatcher = new Dispatcher(tree, options, declared);
    }

    /// <summary>The kernel's name: the C# variable it was assigned to, unless given.</summary>
    public string Name => tree.Name;

    /// <summary>The specializations compiled so far, as Numba signatures: <c>float64(float64[:])</c>.</summary>
    public IReadOnlyList<string> Signatures => dispatcher.Compiled.Select(s => s.Describe()).ToArray();

    internal int Compilations => dispatcher.Compilations;

    /// <summary>
    /// Runs the kernel, compiling it for these argument types at their first use. Arrays (<c>T[]</c>,
    /// <c>T[,]</c>) are passed by reference, scalars by value. Returns the kernel's result, or null when it
    /// returns nothing.
    /// </summary>
    /// <exception cref="KernelArgumentException">An argument is null, of an unsupported type, or the count is wrong.</exception>
    /// <exception cref="TypingException">The kernel cannot be typed for these arguments.</exception>
    public object? Invoke(params object?[] args)
    {
        var (specialization, arguments) = dispatcher.Resolve(args ?? [null]);
        return specialization.Code.Boxed(arguments);
    }

    /// <summary>Runs the kernel and returns its result as <typeparamref name="TResult"/>.</summary>
    public TResult Invoke<TResult>(params object?[] args)
    {
        var result = Invoke(args);
        return result is TResult typed
            ? typed
            : throw new InvalidCastException($"kernel `{Name}` returned {result?.GetType().Name ?? "nothing"}, not {typeof(TResult).Name}");
    }

    /// <summary>
    /// Compiles the kernel now for the parameter and result types of <typeparamref name="TDelegate"/> (as
    /// <c>@njit(signature)</c> does) and returns a direct delegate: no boxing, no dispatch per call.
    /// </summary>
    public TDelegate Compile<TDelegate>() where TDelegate : Delegate
    {
        var invoke = typeof(TDelegate).GetMethod("Invoke")!;
        var parameters = invoke.GetParameters()
            .Select(p => DTypes.JitTypeOf(p.ParameterType) ?? throw new KernelArgumentException(ErrorCodes.ArgumentType,
                $"{typeof(TDelegate).Name} has a parameter of type {p.ParameterType.Name}; kernels take bool, int, long, float, double, Complex and arrays of them"))
            .ToArray();
        var result = invoke.ReturnType == typeof(void) ? null : DTypes.JitTypeOf(invoke.ReturnType)
            ?? throw new KernelArgumentException(ErrorCodes.ArgumentType, $"{typeof(TDelegate).Name} returns {invoke.ReturnType.Name}, which kernels cannot");
        var signature = new Signature(parameters);
        if (parameters.Length != tree.Parameters.Count)
            throw new KernelArgumentException(ErrorCodes.ArgumentCount,
                $"{typeof(TDelegate).Name} has {parameters.Length} parameter(s) but kernel `{Name}` takes {tree.Parameters.Count}");
        Arguments.CheckAccepted(tree, signature);
        var typed = dispatcher.Specialize(signature, new DeclaredSignature(result, signature)).Code.Typed;
        if (invoke.GetParameters().Any(p => p.ParameterType.IsArray && p.ParameterType.GetArrayRank() > 1))
            typed = ZeroBasedGuard(typed);
        // A delegate type of the user's own (not Func/Action) wraps the compiled one.
        return typed as TDelegate ?? (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), typed, typed.GetType().GetMethod("Invoke")!);
    }

    /// <summary>
    /// The typed delegate behind a check of its multi-dimensional arrays, which, unlike T[], may have been made
    /// with lower bounds: kernels index from 0 (the dispatcher checks what <see cref="Invoke(object?[])"/> gets).
    /// </summary>
    private Delegate ZeroBasedGuard(Delegate typed)
    {
        var parameters = typed.GetType().GetMethod("Invoke")!.GetParameters()
            .Select((p, k) => Linq.Parameter(p.ParameterType, tree.Parameters[k].Name)).ToArray();
        var require = typeof(Arguments).GetMethod(nameof(Arguments.RequireZeroBased))!;
        var checks = parameters.Where(p => p.Type.IsArray && p.Type.GetArrayRank() > 1)
            .Select(p => (Linq)Linq.Call(require, p, Linq.Constant(p.Name), Linq.Constant(Name)));
        var call = Linq.Invoke(Linq.Constant(typed), parameters);
        return Linq.Lambda(typed.GetType(), Linq.Block([.. checks, call]), parameters).Compile();
    }

    /// <summary>Calls this kernel from the body of another kernel being traced (a device function).</summary>
    public Val Call(params Val[] args) => Tracer.Current.Call(tree, args, CallerLocation.Capture());

    /// <summary>Every stage of the specialization for these example arguments (compiled if it was not yet).</summary>
    public KernelInspection Inspect(params object?[] exampleArgs) => Report(dispatcher.Resolve(exampleArgs ?? [null]).Specialization);

    /// <summary>Every stage of the specialization for a Numba signature such as <c>float64(float64[:])</c>.</summary>
    public KernelInspection Inspect(string signature)
    {
        var declared = SignatureParser.Parse(signature, tree.Loc);
        Arguments.CheckDeclared(tree, declared);
        return Report(dispatcher.Specialize(declared.Arguments, declared));
    }

    /// <summary>The kernel lowered for a declared signature (what ahead-of-time export compiles).</summary>
    internal System.Linq.Expressions.LambdaExpression Lower(string signature)
    {
        var declared = SignatureParser.Parse(signature, tree.Loc);
        Arguments.CheckDeclared(tree, declared);
        return Pipeline.Lower(tree, declared.Arguments, declared, options, []).Lowered;
    }

    internal JitOptions Options => options;

    internal KernelTree Tree => tree;

    /// <summary>Another kernel made from this one's tree (the same trace time, and options unless given).</summary>
    internal Kernel Derive(KernelTree derived, JitOptions? derivedOptions = null) => new(derived, trace.Elapsed, derivedOptions ?? options, []);

    private KernelInspection Report(Specialization specialization) =>
        new(Name, specialization.Describe(), [trace, .. specialization.Stages]);

    internal static Kernel Trace(Delegate body, JitOptions? options, string? name, IReadOnlyList<string> signatures, string file, int line)
    {
        ArgumentNullException.ThrowIfNull(body);
        var loc = CallerLocation.From(file, line);
        var clock = Stopwatch.StartNew();
        var tree = Tracer.Trace(name ?? SourceNames.AssignedName(loc) ?? "kernel", body, loc);
        var traceTime = clock.Elapsed;
        return new Kernel(tree, traceTime, options ?? JitOptions.Default, signatures.Select(s => SignatureParser.Parse(s, loc)).ToArray());
    }

    internal static Kernel Import(System.Linq.Expressions.LambdaExpression expression, JitOptions? options, string? name, string file, int line)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var loc = CallerLocation.From(file, line);
        var clock = Stopwatch.StartNew();
        var tree = Dsl.Import.ExpressionImporter.Import(expression, name ?? SourceNames.AssignedName(loc) ?? "kernel", loc);
        return new Kernel(tree, clock.Elapsed, options ?? JitOptions.Default, []);
    }
}
