using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;

namespace JitDsl;

/// <summary>
/// A symbolic array inside a kernel: index it to read and write elements (negative indices count from
/// the end, as in Python), ask its <see cref="Length"/> and <see cref="Shape"/>. Its rank and dtype are
/// those of the argument the kernel is specialized for.
/// </summary>
public class Arr : Val
{
    internal Arr(Tracer tracer, Expr node) : base(tracer, node)
    {
    }

    /// <summary>The element at <paramref name="i"/> of a 1-D array.</summary>
    public Val this[Val i]
    {
        get => Tracer.Load(this, [i], CallerLocation.Capture());
        set => Tracer.Store(this, [i], value, CallerLocation.Capture());
    }

    /// <summary>The element at row <paramref name="i"/>, column <paramref name="j"/> of a 2-D array.</summary>
    public Val this[Val i, Val j]
    {
        get => Tracer.Load(this, [i, j], CallerLocation.Capture());
        set => Tracer.Store(this, [i, j], value, CallerLocation.Capture());
    }

    /// <summary>The element at <paramref name="i"/>, <paramref name="j"/>, <paramref name="k"/> of a 3-D array.</summary>
    public Val this[Val i, Val j, Val k]
    {
        get => Tracer.Load(this, [i, j, k], CallerLocation.Capture());
        set => Tracer.Store(this, [i, j, k], value, CallerLocation.Capture());
    }

    /// <summary>
    /// <c>a[...] = value</c>: sets every element from a scalar or from an array expression that broadcasts to
    /// this array's shape, computed in one loop straight into this array (nothing else is allocated).
    /// </summary>
    public void Assign(Val value, [System.Runtime.CompilerServices.CallerFilePath] string file = "",
        [System.Runtime.CompilerServices.CallerLineNumber] int line = 0) =>
        Tracer.Fill(this, value, CallerLocation.From(file, line));

    /// <summary>The number of elements (int64), like <c>a.size</c>; <c>len(a)</c> of a 1-D array.</summary>
    public Val Length => Tracer.Wrap(new ArraySize(Tracer.Use(this)) { Loc = CallerLocation.Capture() });

    /// <summary>The length of each axis: <c>a.Shape[0]</c> is the number of rows.</summary>
    public Shape Shape => new(this);
}

/// <summary>The shape of an <see cref="Arr"/>; index it with an axis number.</summary>
public readonly struct Shape
{
    private readonly Arr array;

    internal Shape(Arr array) => this.array = array;

    /// <summary>The length (int64) of axis <paramref name="axis"/>.</summary>
    public Val this[int axis]
    {
        get
        {
            var tracer = array.Tracer;
            if (axis < 0)
                throw new TypingException(ErrorCodes.IndexCount, $"axis {axis} is negative; axes count from 0", CallerLocation.Capture());
            return tracer.Wrap(new ArrayShape(tracer.Use(array), axis) { Loc = CallerLocation.Capture() });
        }
    }
}

/// <summary>A kernel parameter that only accepts arrays of the dtype that <typeparamref name="T"/> holds.</summary>
/// <typeparam name="T">bool, int, long, float, double or Complex.</typeparam>
public sealed class Arr<T> : Arr
{
    internal Arr(Tracer tracer, Expr node) : base(tracer, node)
    {
    }
}
