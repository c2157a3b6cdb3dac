using System.Runtime.CompilerServices;
using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl;

/// <summary>
/// The statements and functions of the kernel language, meant for <c>using static JitDsl.Dsl.Ops;</c>.
/// C# control flow cannot be traced, so loops and branches are calls here: <c>For(n, i =&gt; ...)</c>,
/// <c>If(cond, () =&gt; ...).Else(() =&gt; ...)</c>. Each call records the caller's file and line, which
/// error messages show. Types follow NumPy; docs/SEMANTICS.md lists the rules.
/// </summary>
public static class Ops
{
    // ---- Variables and control flow

    /// <summary>Declares a mutable variable with its initial value; its name is taken from the C# line that declares it.</summary>
    public static Var Var(Val initial, string? name = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.DeclareVariable(initial, name, CallerLocation.From(file, line));

    /// <summary><c>for i in range(stop)</c>: <paramref name="body"/> gets the int64 index.</summary>
    public static void For(Val stop, Action<Val> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.For(0, stop, 1, body, CallerLocation.From(file, line));

    /// <summary><c>for i in range(start, stop)</c>.</summary>
    public static void For(Val start, Val stop, Action<Val> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.For(start, stop, 1, body, CallerLocation.From(file, line));

    /// <summary><c>for i in range(start, stop, step)</c>; a negative step counts down.</summary>
    public static void For(Val start, Val stop, Val step, Action<Val> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.For(start, stop, step, body, CallerLocation.From(file, line));

    /// <summary>
    /// Numba's <c>prange(stop)</c>: a loop whose iterations may run on all cores, in a kernel compiled with
    /// <c>Parallel = true</c> (serially otherwise, with the same result). Variables from outside may only be
    /// reduced (<c>s.Value += e</c>, <c>*=</c>, <c>-=</c>, <c>m.Value = Min(m, e)</c>, <c>Max</c>); nested inside
    /// another, it runs serially within each of the outer loop's iterations.
    /// </summary>
    public static void PRange(Val stop, Action<Val> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.For(0, stop, 1, body, CallerLocation.From(file, line), parallel: true);

    /// <summary><c>prange(start, stop)</c>.</summary>
    public static void PRange(Val start, Val stop, Action<Val> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.For(start, stop, 1, body, CallerLocation.From(file, line), parallel: true);

    /// <summary><c>prange(start, stop, step)</c>.</summary>
    public static void PRange(Val start, Val stop, Val step, Action<Val> body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.For(start, stop, step, body, CallerLocation.From(file, line), parallel: true);

    /// <summary><c>while condition: body</c>; <paramref name="condition"/> is traced once and evaluated before every iteration.</summary>
    public static void While(Func<Val> condition, Action body, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.While(condition, body, CallerLocation.From(file, line));

    /// <summary>Runs <paramref name="then"/> when <paramref name="condition"/> holds; chain <c>.ElseIf</c> and <c>.Else</c>.</summary>
    public static IfChain If(Val condition, Action then, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.If(condition, then, CallerLocation.From(file, line));

    /// <summary>Leaves the innermost loop.</summary>
    public static void Break([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.Jump(isBreak: true, CallerLocation.From(file, line));

    /// <summary>Goes on with the next iteration of the innermost loop.</summary>
    public static void Continue([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.Jump(isBreak: false, CallerLocation.From(file, line));

    /// <summary>Returns from the kernel, with <paramref name="value"/> or with nothing.</summary>
    public static void Return(Val? value = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.Return(value, CallerLocation.From(file, line));

    /// <summary><c>condition ? ifTrue : ifFalse</c>, evaluating only the side it picks.</summary>
    public static Val Where(Val condition, Val ifTrue, Val ifFalse, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var tracer = Tracer.Current;
        return tracer.Operation(new Select(tracer.Use(condition), tracer.Use(ifTrue), tracer.Use(ifFalse)) { Loc = CallerLocation.From(file, line) },
            condition, ifTrue, ifFalse);
    }

    // ---- Arrays

    /// <summary>A new array of <paramref name="dtype"/> with the given shape and unspecified contents, like <c>np.empty</c>.</summary>
    public static Arr Empty(DType dtype, params Val[] shape) => Allocate(dtype, shape, zeroed: false);

    /// <summary>A new zero-filled array of <paramref name="dtype"/> with the given shape, like <c>np.zeros</c>.</summary>
    public static Arr Zeros(DType dtype, params Val[] shape) => Allocate(dtype, shape, zeroed: true);

    /// <summary>A new array with the shape and dtype of <paramref name="like"/>, like <c>np.empty_like</c>.</summary>
    public static Arr EmptyLike(Arr like, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        AllocateLike(like, zeroed: false, CallerLocation.From(file, line));

    /// <summary>A new zero-filled array with the shape and dtype of <paramref name="like"/>, like <c>np.zeros_like</c>.</summary>
    public static Arr ZerosLike(Arr like, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        AllocateLike(like, zeroed: true, CallerLocation.From(file, line));

    private static Arr Allocate(DType dtype, Val[] shape, bool zeroed)
    {
        var tracer = Tracer.Current;
        var loc = CallerLocation.Capture();
        if (shape.Length == 0)
            throw new TypingException(ErrorCodes.IndexCount, "an array needs at least one dimension", loc);
        var alloc = new Alloc(dtype, shape.Select(tracer.Use).ToArray(), zeroed) { Loc = loc };
        return new Arr(tracer, tracer.BindTemporary(alloc, zeroed ? "zeros" : "empty", loc));
    }

    private static Arr AllocateLike(Arr like, bool zeroed, SourceLoc loc)
    {
        var tracer = Tracer.Current;
        return new Arr(tracer, tracer.BindTemporary(new AllocLike(tracer.Use(like), zeroed) { Loc = loc }, zeroed ? "zeros" : "empty", loc));
    }

    // ---- Whole arrays: operators, math functions, Where and casts apply elementwise to arrays, broadcasting
    // as NumPy does; these reduce arrays to one value. An expression of arrays is fused into one loop: it
    // makes no temporary arrays, and Sum(x * x) reads x once and allocates nothing.

#pragma warning disable CS1591 // Each is the NumPy function of the same name, over all elements (no axis).
    public static Val Sum(Val a, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Sum, file, line, a);
    public static Val Prod(Val a, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Prod, file, line, a);
    /// <summary>The smallest element, like <c>np.min</c> (NaN if any is NaN); <c>Min(a, b)</c> is the elementwise <c>np.minimum</c>.</summary>
    public static Val Min(Val a, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Min, file, line, a);
    /// <summary>The largest element, like <c>np.max</c> (NaN if any is NaN); <c>Max(a, b)</c> is the elementwise <c>np.maximum</c>.</summary>
    public static Val Max(Val a, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Max, file, line, a);
    public static Val Mean(Val a, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Mean, file, line, a);
    /// <summary>The index (in C order, as in the flattened array) of the first smallest element, or of the first NaN.</summary>
    public static Val ArgMin(Val a, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.ArgMin, file, line, a);
    /// <summary>The index (in C order, as in the flattened array) of the first largest element, or of the first NaN.</summary>
    public static Val ArgMax(Val a, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.ArgMax, file, line, a);
    /// <summary>The inner product of two 1-D arrays of the same length, like <c>np.dot</c>.</summary>
    public static Val Dot(Val a, Val b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Dot, file, line, a, b);
    public static Val Any(Val a, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Any, file, line, a);
    public static Val All(Val a, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.All, file, line, a);
#pragma warning restore CS1591

    private static Val Reduce(ReduceOp op, string file, int line, params Val[] operands) =>
        Tracer.Current.Reduce(op, operands, CallerLocation.From(file, line));

    // ---- Random numbers

    /// <summary>A uniform float64 in [0, 1) from the calling thread's generator (xoshiro256**), like <c>np.random.random()</c>.</summary>
    public static Val Uniform([CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var tracer = Tracer.Current;
        var loc = CallerLocation.From(file, line);
        return new Val(tracer, tracer.BindTemporary(new RandomUniform { Loc = loc }, "u", loc));
    }

    /// <summary>Reseeds the calling thread's generator, like <c>np.random.seed(n)</c> inside a Numba kernel.</summary>
    public static void Seed(Val seed, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Tracer.Current.SeedRandom(seed, CallerLocation.From(file, line));

    // ---- Math (float64 for integer arguments, float32 stays float32, complex where NumPy allows it)

#pragma warning disable CS1591 // Each is the NumPy function of the same name.
    public static Val Sqrt(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Sqrt, file, line, x);
    public static Val Exp(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Exp, file, line, x);
    public static Val Log(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Log, file, line, x);
    public static Val Log1p(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Log1p, file, line, x);
    public static Val Sin(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Sin, file, line, x);
    public static Val Cos(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Cos, file, line, x);
    public static Val Tan(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Tan, file, line, x);
    public static Val Asin(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Asin, file, line, x);
    public static Val Acos(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Acos, file, line, x);
    public static Val Atan(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Atan, file, line, x);
    public static Val Sinh(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Sinh, file, line, x);
    public static Val Cosh(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Cosh, file, line, x);
    public static Val Tanh(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Tanh, file, line, x);
    public static Val Abs(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Abs, file, line, x);
    public static Val Floor(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Floor, file, line, x);
    public static Val Ceil(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Ceil, file, line, x);
    /// <summary>Rounds half to even, like <c>np.round</c>; keeps the float type.</summary>
    public static Val Round(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Round, file, line, x);
    public static Val IsNaN(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.IsNaN, file, line, x);
    public static Val IsInf(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.IsInf, file, line, x);
    public static Val Atan2(Val y, Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Atan2, file, line, y, x);
    public static Val Hypot(Val x, Val y, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Hypot, file, line, x, y);
    /// <summary>The smaller operand; NaN if either is NaN, like <c>np.minimum</c>.</summary>
    public static Val Min(Val a, Val b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Min, file, line, a, b);
    /// <summary>The larger operand; NaN if either is NaN, like <c>np.maximum</c>.</summary>
    public static Val Max(Val a, Val b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Max, file, line, a, b);
    /// <summary>Python's <c>a ** b</c>.</summary>
    public static Val Pow(Val a, Val b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Binary(BinaryOp.Power, a, b, file, line);
    /// <summary>Python's <c>a // b</c>: rounds toward negative infinity.</summary>
    public static Val FloorDiv(Val a, Val b, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Binary(BinaryOp.FloorDivide, a, b, file, line);

    // ---- Complex numbers

    public static Val Real(Val z, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Real, file, line, z);
    public static Val Imag(Val z, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Imag, file, line, z);
    public static Val Conj(Val z, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.Conj, file, line, z);
    /// <summary>The complex number <c>re + im·j</c>, like <c>complex(re, im)</c>.</summary>
    public static Val Complex128(Val re, Val im, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Call(MathFunction.MakeComplex, file, line, re, im);

    // ---- Casts, like np.float64(x): floats to integers truncate toward zero

    public static Val Bool(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Cast(x, DType.Bool, file, line);
    public static Val Int32(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Cast(x, DType.Int32, file, line);
    public static Val Int64(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Cast(x, DType.Int64, file, line);
    public static Val Float32(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Cast(x, DType.Float32, file, line);
    public static Val Float64(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Cast(x, DType.Float64, file, line);
    public static Val Complex128(Val x, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Cast(x, DType.Complex128, file, line);
#pragma warning restore CS1591

    /// <summary>Converts <paramref name="x"/> to <paramref name="dtype"/>.</summary>
    public static Val Cast(Val x, DType dtype, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var tracer = Tracer.Current;
        return tracer.Operation(new Cast(dtype, tracer.Use(x)) { Loc = CallerLocation.From(file, line) }, x);
    }

    private static Val Call(MathFunction function, string file, int line, params Val[] args)
    {
        var tracer = Tracer.Current;
        return tracer.Operation(new MathCall(function, args.Select(tracer.Use).ToArray()) { Loc = CallerLocation.From(file, line) }, args);
    }

    private static Val Binary(BinaryOp op, Val a, Val b, string file, int line) =>
        Tracer.Current.Binary(op, a, b, CallerLocation.From(file, line));
}
