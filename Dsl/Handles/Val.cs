using System.Runtime.CompilerServices;
using System.Numerics;
using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;

namespace JitDsl;

/// <summary>
/// A symbolic value inside a kernel being traced: a parameter, a literal, or the result of an operation.
/// Operators on it record operations; they compute nothing. Its type (scalar or array, and which dtype)
/// is found when the kernel is specialized for its arguments. A <see cref="Val"/> never converts to a C#
/// <see cref="bool"/>: branch with <c>If</c>, <c>While</c> and <c>Where</c>, and combine conditions with
/// <c>&amp;</c> and <c>|</c> (<c>&amp;&amp;</c> and <c>||</c> do not compile).
/// </summary>
public class Val
{
    private readonly Expr? node;

    internal Val(Tracer tracer, Expr node)
    {
        Tracer = tracer;
        this.node = node;
    }

    private protected Val(Tracer tracer) => Tracer = tracer;

    internal Tracer Tracer { get; }

    /// <summary>The expression this handle stands for; a <see cref="Var"/> reads its current value.</summary>
    internal virtual Expr Node => node!;

    /// <summary>This value as an array handle, for indexing an array returned by another kernel.</summary>
    public Arr AsArray() => new(Tracer, Tracer.Use(this));

#pragma warning disable CS1591 // The operators mean what they mean in C#, with NumPy's types; docs/SEMANTICS.md has the details.
    public static Val operator +(Val a, Val b) => Binary(BinaryOp.Add, a, b);
    public static Val operator -(Val a, Val b) => Binary(BinaryOp.Subtract, a, b);
    public static Val operator *(Val a, Val b) => Binary(BinaryOp.Multiply, a, b);
    public static Val operator /(Val a, Val b) => Binary(BinaryOp.TrueDivide, a, b);
    public static Val operator %(Val a, Val b) => Binary(BinaryOp.Modulo, a, b);
    public static Val operator &(Val a, Val b) => Binary(BinaryOp.BitAnd, a, b);
    public static Val operator |(Val a, Val b) => Binary(BinaryOp.BitOr, a, b);
    public static Val operator ^(Val a, Val b) => Binary(BinaryOp.BitXor, a, b);
    public static Val operator <<(Val a, Val b) => Binary(BinaryOp.ShiftLeft, a, b);
    public static Val operator >>(Val a, Val b) => Binary(BinaryOp.ShiftRight, a, b);
    public static Val operator ==(Val a, Val b) => Binary(BinaryOp.Equal, a, b);
    public static Val operator !=(Val a, Val b) => Binary(BinaryOp.NotEqual, a, b);
    public static Val operator <(Val a, Val b) => Binary(BinaryOp.Less, a, b);
    public static Val operator <=(Val a, Val b) => Binary(BinaryOp.LessEqual, a, b);
    public static Val operator >(Val a, Val b) => Binary(BinaryOp.Greater, a, b);
    public static Val operator >=(Val a, Val b) => Binary(BinaryOp.GreaterEqual, a, b);
    public static Val operator -(Val a) => Unary(UnaryOp.Negate, a);
    public static Val operator +(Val a) => a;
    public static Val operator !(Val a) => Unary(UnaryOp.Not, a);
    public static Val operator ~(Val a) => Unary(UnaryOp.BitNot, a);

    // C# int and double literals are weak, like Python's: `x_f32 * 2.0` stays float32.
    public static implicit operator Val(int value) => Constant((long)value, DType.Int64, weak: true);
    public static implicit operator Val(double value) => Constant(value, DType.Float64, weak: true);
    public static implicit operator Val(long value) => Constant(value, DType.Int64, weak: false);
    public static implicit operator Val(float value) => Constant(value, DType.Float32, weak: false);
    public static implicit operator Val(bool value) => Constant(value, DType.Bool, weak: false);
    public static implicit operator Val(Complex value) => Constant(value, DType.Complex128, weak: false);
#pragma warning restore CS1591

    // NumPy's methods: a.sum(), a.sum(axis=0), a.max(axis=1, keepdims=True). Without an axis, over all elements
    // (as Ops.Sum(a)); along an axis, an array one dimension smaller, or of the same rank with keepDims.
#pragma warning disable CS1591 // Each is the NumPy method of the same name.
    public Val Sum(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Sum, axis, keepDims, file, line);
    public Val Prod(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Prod, axis, keepDims, file, line);
    public Val Min(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Min, axis, keepDims, file, line);
    public Val Max(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Max, axis, keepDims, file, line);
    public Val Mean(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Mean, axis, keepDims, file, line);
    public Val ArgMin(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.ArgMin, axis, keepDims, file, line);
    public Val ArgMax(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.ArgMax, axis, keepDims, file, line);
    public Val Any(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.Any, axis, keepDims, file, line);
    public Val All(int? axis = null, bool keepDims = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Reduce(ReduceOp.All, axis, keepDims, file, line);
#pragma warning restore CS1591

    private Val Reduce(ReduceOp op, int? axis, bool keepDims, string file, int line)
    {
        var loc = CallerLocation.From(file, line);
        if (keepDims && axis is null)
            throw new TypingException(ErrorCodes.IndexCount, "keepDims needs an axis", loc);
        return Tracer.Current.Reduce(op, [this], loc, axis, keepDims);
    }

    /// <summary>Handles compare by identity; <c>==</c> on handles records a comparison instead.</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    /// <inheritdoc/>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}({node?.GetType().Name ?? "variable"})";

    private static Val Binary(BinaryOp op, Val a, Val b) => Tracer.Current.Binary(op, a, b, CallerLocation.Capture());

    private static Val Unary(UnaryOp op, Val a)
    {
        var tracer = Tracer.Current;
        return tracer.Operation(new Unary(op, tracer.Use(a)) { Loc = CallerLocation.Capture() }, a);
    }

    private static Val Constant(object value, DType dtype, bool weak) =>
        new(Tracer.Current, new Const(value, dtype, weak));
}

/// <summary>A kernel parameter that only accepts scalars of the dtype that <typeparamref name="T"/> holds.</summary>
/// <typeparam name="T">bool, int, long, float, double or Complex.</typeparam>
public sealed class Val<T> : Val
{
    internal Val(Tracer tracer, Expr node) : base(tracer, node)
    {
    }
}
