using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;

namespace JitDsl;

/// <summary>
/// Universal functions, as <c>@numba.vectorize</c> makes them: a scalar function applied to every element of
/// arrays broadcast together (NumPy's rules), compiled into one fused loop.
/// </summary>
/// <example>
/// <code>
/// var clipAdd = Ufunc.Vectorize((double x, double y) =&gt; x + y &gt; 1.0 ? 1.0 : x + y &lt; -1.0 ? -1.0 : x + y);
/// var r = clipAdd.Invoke&lt;double[,]&gt;(a2d, b1d);   // (3,4) with (4,); clipAdd.Call(x, y) inside a kernel
/// </code>
/// </example>
public static class Ufunc
{
    /// <summary>
    /// A ufunc from a C# expression lambda, with C#'s meaning of its operators. With <paramref name="signatures"/>
    /// (<c>"float64(float64, float64)"</c> …) each is compiled now and a call takes the first its arguments' dtypes
    /// cast to safely; without, it is compiled for the dtypes it is called with.
    /// </summary>
    /// <param name="scalar">The function of one element of each argument.</param>
    /// <param name="signatures">NumPy-style scalar signatures, tried in order; none: compiled for what it is given.</param>
    /// <param name="options">Compilation options.</param>
    /// <param name="identity">The value a <see cref="UniversalFunction.Reduce(object, int?, bool, object?)"/> of nothing gives (0 for an addition), and each reduce starts from.</param>
    /// <param name="associative">
    /// <c>f(f(a, b), c) == f(a, f(b, c))</c>, as for an addition (up to rounding) or a maximum: with
    /// <c>Parallel</c> and an <paramref name="identity"/>, a reduce over all elements then folds chunks on
    /// every core, each from the identity, and folds their results in order. Otherwise it is one fold, in order.
    /// </param>
    /// <param name="name">Its name in errors and inspection.</param>
    /// <param name="file">Filled in by the compiler.</param>
    /// <param name="line">Filled in by the compiler.</param>
    public static UniversalFunction Vectorize(LambdaExpression scalar, string[]? signatures = null, JitOptions? options = null, object? identity = null,
        string? name = null, bool associative = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        // The scalar function itself compiles for the CPU (a Backend.Cuda ufunc's calls run it on the GPU, inlined).
        new(Jit.FromExpression(scalar, options is { Backend: Backend.Cuda } ? options with { Backend = Backend.Auto } : options, name, file, line),
            signatures, options, identity, associative);

    /// <summary>A ufunc from a scalar kernel (one written with <c>If</c> and <c>Return</c>, say).</summary>
    public static UniversalFunction Vectorize(Kernel scalar, string[]? signatures = null, JitOptions? options = null, object? identity = null, bool associative = false) =>
        new(scalar, signatures, options, identity, associative);
}

/// <summary>
/// A ufunc made by <see cref="Ufunc.Vectorize(LambdaExpression, string[], JitOptions, object, string, bool, string, int)"/>: invoke it on
/// arrays (<c>T[]</c>, <c>T[,]</c> …, <see cref="NdArray{T}"/> views) and scalars, broadcast together, from .NET
/// (<see cref="Invoke(object?[])"/>, as a <see cref="Kernel"/>), or call it from a kernel (<see cref="Call"/>). Thread-safe.
/// </summary>
public sealed class UniversalFunction
{
    private readonly Kernel scalar;
    private readonly IReadOnlyList<DeclaredSignature>? signatures;
    private readonly ArrayMap map;
    private readonly object? identity;
    private readonly bool associative;
    private readonly ConcurrentDictionary<(ReduceOp Op, int? Axis, bool KeepDims, bool Initial), Kernel> folds = new();
    private readonly ConcurrentDictionary<DType, ArrayMap> typedMaps = new();

    internal UniversalFunction(Kernel scalar, string[]? signatures, JitOptions? options, object? identity, bool associative)
    {
        ArgumentNullException.ThrowIfNull(scalar);
        if (associative && identity is null)
            throw new ArgumentException($"ufunc `{scalar.Name}` is declared associative without an identity: its chunks would have nothing to start from", nameof(identity));
        if (identity is not null && DTypes.FromClr(identity.GetType()) is null)
            throw new ArgumentException($"the identity of ufunc `{scalar.Name}` is a {identity.GetType().Name}, not a number or a bool", nameof(identity));
        this.scalar = scalar;
        var loc = scalar.Tree.Loc;
        if (signatures is { Length: > 0 })
        {
            var declared = signatures.Select(s => SignatureParser.Parse(s, loc)).ToArray();
            foreach (var signature in declared)
            {
                if (signature.Result is not { IsArray: false } || signature.Arguments.Parameters.Any(p => p.IsArray))
                    throw new TypingException(ErrorCodes.SignatureSyntax,
                        $"a ufunc's signature has scalar types, as \"float64(float64, float64)\", not {signature}", loc);
            }
            // Compiled now, like @vectorize with signatures: an error in the function shows here.
            foreach (var signature in signatures)
                scalar.Inspect(signature);
            this.signatures = declared;
        }
        this.identity = identity;
        this.associative = associative;
        map = new ArrayMap(scalar.Derive(ElementwiseCall(scalar.Tree, this.signatures), options ?? scalar.Options));
    }

    /// <summary>The scalar function's name.</summary>
    public string Name => scalar.Name;

    /// <summary>How many arguments it takes.</summary>
    public int Arity => scalar.Tree.Parameters.Count;

    /// <summary>The declared signatures, in the order calls try them (empty when it compiles for what it is given).</summary>
    public IReadOnlyList<string> Signatures => signatures?.Select(s => s.ToString()).ToArray() ?? [];

    /// <summary>
    /// The function on every element of the arguments broadcast together: an array of their broadcast shape, or a
    /// scalar when every argument is one. Allocates only the result.
    /// </summary>
    /// <exception cref="ArgumentException">JD0045: the shapes do not broadcast.</exception>
    /// <exception cref="TypingException">JD0034: the dtypes fit none of the signatures.</exception>
    public object? Invoke(params object?[] args) => map.Invoke(args);

    /// <summary>As <see cref="Invoke(object?[])"/>, the result as <typeparamref name="TResult"/> (<c>double[]</c>, <c>double[,]</c> …).</summary>
    public TResult Invoke<TResult>(params object?[] args) => map.Invoke<TResult>(args);

    /// <summary>
    /// NumPy's <c>dtype=</c>: every argument cast to <paramref name="dtype"/> first and the result cast to it, each
    /// within its kind or up (NumPy's <c>casting='same_kind'</c>: float64 to float32, int64 to float64, not float64
    /// to int64). The function computes in that dtype unless its types say otherwise (a C# lambda's, or a declared
    /// signature's: the first the cast arguments fit).
    /// </summary>
    /// <exception cref="ArgumentException">JD0022: an argument of a higher kind than <paramref name="dtype"/>.</exception>
    /// <exception cref="TypingException">JD0022: a result of a higher kind than <paramref name="dtype"/>.</exception>
    public object? Invoke(DType dtype, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var k = 0; k < args.Length; k++)
        {
            if (args[k] is { } value && DTypes.JitTypeOf(value)?.DType is { } kind && kind.Kind() > dtype.Kind())
                throw new ArgumentException($"{ErrorCodes.OutputType}: ufunc `{Name}` cannot compute in {dtype.Name()}: argument {k + 1} is {kind.Name()}, " +
                    "and casting it would change its kind (NumPy's casting='same_kind')", nameof(args));
        }
        return typedMaps.GetOrAdd(dtype, d => new ArrayMap(scalar.Derive(ElementwiseCall(scalar.Tree, signatures, d), map.Options))).Invoke(args);
    }

    /// <summary>NumPy's <c>out=</c>: the result written into <paramref name="output"/> (see <see cref="ArrayMap.Into"/>).</summary>
    public void Into(object output, params object?[] args) => map.Into(output, args);

    /// <summary>
    /// NumPy's <c>reduce</c>: the function folded over the elements along <paramref name="axis"/> in order,
    /// <c>f(f(f(a[0], a[1]), a[2]), …)</c> (or over all elements in C order when <paramref name="axis"/> is null),
    /// starting from <paramref name="initial"/>, else the ufunc's identity, else the first element (an empty axis
    /// then has nothing to start from: JD0046).
    /// </summary>
    public object? Reduce(object array, int? axis = 0, bool keepDims = false, object? initial = null)
    {
        ArgumentNullException.ThrowIfNull(array);
        var start = initial ?? identity;
        var kernel = Fold(ReduceOp.Fold, axis, keepDims, start is not null);
        var result = start is null ? kernel.Invoke(array) : kernel.Invoke(array, start);
        if (axis is not null || !keepDims)
            return result;
        // Over all elements, keeping them: an array of the input's rank with one element, as NumPy's keepdims=True.
        var kept = Array.CreateInstance(result!.GetType(), Enumerable.Repeat(1, array is INdArray view ? view.Rank : ((Array)array).Rank).ToArray());
        kept.SetValue(result, new int[kept.Rank]);
        return kept;
    }

    /// <summary>
    /// NumPy's <c>reduce</c> over several <paramref name="axes"/> at once, for a ufunc with an identity (NumPy calls
    /// such a ufunc reorderable: the elements of several axes have no one order to fold them in, so only an
    /// operation whose order does not matter can reduce them): each axis is reduced in turn, from the identity,
    /// and <paramref name="initial"/>, if given, is combined with the result.
    /// </summary>
    /// <exception cref="ArgumentException">More than one axis for a ufunc without an identity; an axis named twice.</exception>
    /// <exception cref="TypingException">JD0013: an axis the array does not have.</exception>
    public object? Reduce(object array, int[] axes, bool keepDims = false, object? initial = null)
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length == 0)
            throw new ArgumentException("give at least one axis to reduce (null for all of them)", nameof(axes));
        if (axes.Length == 1)
            return Reduce(array, axes[0], keepDims, initial);
        if (identity is null)
            throw new ArgumentException(
                $"reduction operation '{Name}' is not reorderable, so at most one axis may be specified (give Vectorize an identity if its order does not matter)", nameof(axes));
        var rank = array is INdArray view ? view.Rank : array is Array plain ? plain.Rank : 0;
        var normalized = axes.Select(a => a < 0 && a >= -rank ? a + rank : a).ToArray();
        if (normalized.Distinct().Count() != normalized.Length)
            throw new ArgumentException($"axis {string.Join(", ", axes)} names an axis twice", nameof(axes));
        // From the last axis down, the axes still to reduce keep their numbers even where reduced ones go away. The
        // last reduce starts from initial, once per result element: the same as starting everything from it, as
        // the order does not matter.
        var order = normalized.OrderDescending().ToArray();
        var result = array;
        for (var k = 0; k < order.Length; k++)
            result = Reduce(result, order[k], keepDims, k == order.Length - 1 ? initial : null)!;
        return result;
    }

    /// <summary>NumPy's <c>accumulate</c>: the running values of <see cref="Reduce(object, int?, bool, object?)"/> along <paramref name="axis"/>, an array of the input's shape.</summary>
    public object? Accumulate(object array, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(array);
        return Fold(ReduceOp.Accumulate, axis, keepDims: false, initial: false).Invoke(array);
    }

    /// <summary>NumPy's <c>outer</c>: <c>f(a[i…], b[j…])</c> for every pair, an array of shape <c>a.shape + b.shape</c>.</summary>
    public object? Outer(object a, object b)
    {
        if (Arity != 2)
            throw new InvalidOperationException($"outer is for ufuncs of two arguments; `{Name}` takes {Arity}");
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var rankOfB = b is INdArray view ? view.Rank : b is Array array ? array.Rank : 0;
        return map.Invoke(WithTrailingAxes(a, rankOfB), b);
    }

    /// <summary>A view of <paramref name="array"/> (a copy for a <c>T[,]</c>…) with <paramref name="count"/> axes of length 1 after its own.</summary>
    private static object WithTrailingAxes(object array, int count)
    {
        if (count == 0 || array is not (Array or INdArray))
            return array;
        var view = array switch
        {
            INdArray nd => nd,
            Array { Rank: 1 } vector => (INdArray)Activator.CreateInstance(typeof(NdArray<>).MakeGenericType(vector.GetType().GetElementType()!), vector, Array.Empty<int>())!,
            _ => (INdArray)typeof(NdArray<>).MakeGenericType(array.GetType().GetElementType()!)
                .GetMethod(nameof(NdArray<double>.CopyOf), [typeof(Array)])!.Invoke(null, [array])!,
        };
        return view.WithTrailingAxes(count);
    }

    /// <summary>The kernel of a reduce or an accumulate: the array, and the initial value when there is one.</summary>
    private Kernel Fold(ReduceOp op, int? axis, bool keepDims, bool initial) => folds.GetOrAdd((op, axis, keepDims, initial), key =>
    {
        var tree = scalar.Tree;
        var loc = tree.Loc;
        var parameters = initial
            ? new[] { new KernelParameter("array", MustBeArray: true, PinnedDType: null), new KernelParameter("initial", MustBeArray: false, PinnedDType: null) }
            : [new KernelParameter("array", MustBeArray: true, PinnedDType: null)];
        var operands = parameters.Select((p, k) => (Expr)new ParamRef(k, p.Name) { Loc = loc }).ToArray();
        var reduction = new Reduction(key.Op, operands)
        {
            Loc = loc,
            Axis = key.Axis,
            KeepDims = key.KeepDims,
            Ufunc = new MapCall(tree, []) { Loc = loc, Signatures = signatures },
            ChunkIdentity = associative ? new Const(identity!, DTypes.FromClr(identity!.GetType())!.Value, Weak: false) { Loc = loc } : null,
        };
        var body = new Block([new Return(reduction) { Loc = loc }]);
        // Folds run on the CPU, for a Backend.Cuda ufunc too.
        var options = map.Options is { Backend: Backend.Cuda } onGpu ? onGpu with { Backend = Backend.Auto } : map.Options;
        return scalar.Derive(new KernelTree($"{tree.Name}.{(key.Op == ReduceOp.Fold ? "reduce" : "accumulate")}", parameters, body, loc), options);
    });

    /// <summary>The ufunc inside a kernel being traced: elementwise, fused with what surrounds it.</summary>
    public Val Call(params Val[] args) =>
        Dsl.Tracing.Tracer.Current.Map(scalar.Tree, signatures, args, Dsl.Tracing.CallerLocation.Capture());

    /// <summary>Every stage of compiling a call for these example arguments.</summary>
    public KernelInspection Inspect(params object?[] exampleArgs) => map.Inspect(exampleArgs);

    /// <summary>Every stage of compiling <see cref="Reduce(object, int?, bool, object?)"/> of this example array (over all elements with <paramref name="axis"/> null).</summary>
    public KernelInspection InspectReduce(object array, int? axis = 0)
    {
        ArgumentNullException.ThrowIfNull(array);
        return identity is null ? Fold(ReduceOp.Fold, axis, false, initial: false).Inspect(array) : Fold(ReduceOp.Fold, axis, false, initial: true).Inspect(array, identity);
    }

    /// <summary>
    /// A kernel of the scalar function's parameters (any arrays or scalars) returning its elementwise call; with
    /// <paramref name="dtype"/>, of the arguments cast to it, and its result cast to it.
    /// </summary>
    private static KernelTree ElementwiseCall(KernelTree scalar, IReadOnlyList<DeclaredSignature>? signatures, DType? dtype = null)
    {
        var loc = scalar.Loc;
        var parameters = scalar.Parameters.Select(p => new KernelParameter(p.Name, MustBeArray: false, PinnedDType: null)).ToArray();
        Expr InType(Expr e) => dtype is { } to ? new Cast(to, e) { Loc = loc, SameKind = true } : e;
        var args = parameters.Select((p, k) => InType(new ParamRef(k, p.Name) { Loc = loc })).ToArray();
        var call = InType(new MapCall(scalar, args) { Loc = loc, Signatures = signatures });
        var name = dtype is { } named ? $"{scalar.Name}[{named.Name()}]" : scalar.Name;
        return new KernelTree(name, parameters, new Block([new Return(call) { Loc = loc }]), loc);
    }
}
