using JitDsl.Dsl.Tree;

namespace JitDsl;

/// <summary>
/// An array expression compiled into one loop, made by <see cref="Jit.Map"/>: <c>Jit.Map((Arr x) =&gt; Sqrt(x * x + Sin(x) * Exp(-x)))</c>.
/// <see cref="Invoke(object?[])"/> returns a new array with the broadcast shape of the arguments and allocates
/// nothing else; <see cref="Into"/> writes into an array of yours and allocates nothing at all. Thread-safe.
/// </summary>
public sealed class ArrayMap
{
    private readonly Kernel kernel;
    private readonly Kernel into;
    private readonly JitOptions options;
    // With Backend.Cuda: calls launch on the GPU; `kernel` (on the CPU) serves calls on scalars alone.
    private readonly Backends.Cuda.GpuMap? gpu;

    internal ArrayMap(Kernel kernel)
    {
        options = kernel.Options;
        if (kernel.Options.Backend == Backend.Cuda)
        {
            var onCpu = kernel.Derive(kernel.Tree, kernel.Options with { Backend = Backend.Auto });
            gpu = new Backends.Cuda.GpuMap(kernel.Tree, IntoOutput(kernel.Tree), kernel.Options, onCpu.Invoke);
            kernel = onCpu;
        }
        this.kernel = kernel;
        into = kernel.Derive(IntoOutput(kernel.Tree));
    }

    /// <summary>The options it was made with (with <see cref="Backend.Cuda"/>, its calls run on the GPU).</summary>
    internal JitOptions Options => options;

    /// <summary>The expression's name: the C# variable it was assigned to, unless given.</summary>
    public string Name => kernel.Name;

    /// <summary>Computes the expression for these arguments (arrays and scalars, broadcast together) into a new array.</summary>
    /// <exception cref="ArgumentException">JD0045: the arrays' shapes do not broadcast together.</exception>
    public object? Invoke(params object?[] args) => gpu is not null ? gpu.Invoke(args ?? [null]) : kernel.Invoke(args);

    /// <summary>Computes the expression and returns it as <typeparamref name="TResult"/> (<c>double[]</c>, <c>double[,]</c> …).</summary>
    public TResult Invoke<TResult>(params object?[] args)
    {
        var result = Invoke(args);
        return result is TResult typed
            ? typed
            : throw new InvalidCastException($"map `{Name}` returned {result?.GetType().Name ?? "nothing"}, not {typeof(TResult).Name}");
    }

    /// <summary>
    /// Computes the expression straight into <paramref name="output"/> (a <c>T[]</c>, <c>T[,]</c> … or an
    /// <see cref="NdArray{T}"/> view), like NumPy's <c>out=</c>: the result must
    /// broadcast to its shape and its dtype must hold the result's kind (float64 into float32 is allowed, float64
    /// into int64 is not, JD0022); both are checked before anything is written.
    /// </summary>
    public void Into(object output, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (gpu is not null)
        {
            gpu.Into(output, args ?? [null]);
            return;
        }
        // An argument sharing the output's storage in another layout (an overlapping view) is read from a copy, as
        // NumPy buffers it: the loop writes elements another element may still have to read. The output itself
        // given as an input is read at each element before that element is written: no copy.
        var storage = Storage(output);
        var inputs = (args ?? [null]).Select(arg => arg is not null && !ReferenceEquals(arg, output) && ReferenceEquals(Storage(arg), storage) ? Copy(arg) : arg);
        into.Invoke([.. inputs, output]);
    }

    private static object Storage(object array) => array is INdArray view ? view.Storage : array;

    private static object Copy(object array) => array switch
    {
        INdArray view => view.Copy(),
        Array plain => plain.Clone(),
        _ => array,
    };

    /// <summary>Every stage of compiling the expression for these example arguments: the fused loop shows in <c>fuse</c> and <c>lower</c>.</summary>
    public KernelInspection Inspect(params object?[] exampleArgs) => gpu is not null ? gpu.Inspect(exampleArgs ?? [null]) : kernel.Inspect(exampleArgs);

    /// <summary>Calls the expression from the body of a kernel being traced.</summary>
    public Val Call(params Val[] args) => kernel.Call(args);

    /// <summary>The same expression with one more parameter, the output, which each result is written into.</summary>
    private static KernelTree IntoOutput(KernelTree tree)
    {
        var name = tree.Parameters.Any(p => p.Name == "out") ? "out_" : "out";
        var output = new ParamRef(tree.Parameters.Count, name) { Loc = tree.Loc };
        Block Rewrite(Block block) => new(block.Statements.SelectMany<Stmt, Stmt>(statement => statement switch
        {
            Return { Value: { } value } r => [new Fill(output, value) { Loc = r.Loc, SameKind = true }, new Return(null) { Loc = r.Loc }],
            If i => [i with { Then = Rewrite(i.Then), Else = Rewrite(i.Else) }],
            For f => [f with { Body = Rewrite(f.Body) }],
            While w => [w with { Prelude = Rewrite(w.Prelude), Body = Rewrite(w.Body) }],
            _ => [statement],
        }).ToArray());
        return new KernelTree(tree.Name, [.. tree.Parameters, new KernelParameter(name, MustBeArray: true, PinnedDType: null)], Rewrite(tree.Body), tree.Loc);
    }
}
