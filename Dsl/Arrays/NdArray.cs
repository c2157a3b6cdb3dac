using System.Numerics.Tensors;

namespace JitDsl;

/// <summary>
/// An n-dimensional view of a .NET array, as NumPy's <c>ndarray</c>: the storage (<see cref="Data"/>), the
/// offset of the first element, a shape and strides (in elements, negative to run backwards). Slicing,
/// transposing and reshaping a contiguous array make views of the same storage, never copies. Kernels take
/// it like a <c>T[]</c> or <c>T[,]</c> and index it with the same syntax. Every view is checked when it is made:
/// all of its elements lie inside the storage, so compiled code can never read or write outside it.
/// </summary>
/// <typeparam name="T">bool, int, long, float, double or Complex.</typeparam>
public sealed class NdArray<T> : INdArray where T : struct
{
    private readonly T[] data;
    private readonly int offset;
    private readonly int[] shape;
    private readonly int[] strides;

    /// <summary>A view of <paramref name="data"/> with the given shape, in C order (the last axis contiguous).</summary>
    public NdArray(T[] data, params int[] shape) : this(data, 0, Whole(data, shape), COrderStrides(Whole(data, shape)))
    {
    }

    /// <summary>A view of <paramref name="data"/> from <paramref name="offset"/> with any shape and strides (in elements).</summary>
    /// <exception cref="ArgumentException">A negative length, or an element outside <paramref name="data"/>.</exception>
    public NdArray(T[] data, int offset, int[] shape, int[] strides)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(strides);
        if (DTypes.FromClr(typeof(T)) is null)
            throw new ArgumentException($"kernels take arrays of bool, int, long, float, double or Complex, not {typeof(T).Name}");
        if (shape.Length == 0 || shape.Length != strides.Length)
            throw new ArgumentException($"a view needs at least one axis and one stride per axis, not shape {Format(shape)} and strides {Format(strides)}");
        if (shape.Any(length => length < 0))
            throw new ArgumentException($"shape {Format(shape)} has a negative length", nameof(shape));
        // The elements reached are offset + Σ i_k·stride_k for 0 <= i_k < shape_k: the extremes are at the corners.
        // Each step stays inside the storage or fails, so no sum can overflow (compiled code relies on this).
        if (!shape.Contains(0))
        {
            long lowest = offset, highest = offset;
            for (var k = 0; k < shape.Length; k++)
            {
                var reach = (long)(shape[k] - 1) * strides[k];
                (lowest, highest) = reach < 0 ? (lowest + reach, highest) : (lowest, highest + reach);
                if (lowest < 0 || highest >= data.Length)
                    throw new ArgumentException(
                        $"a view with offset {offset}, shape {Format(shape)} and strides {Format(strides)} reaches outside an array of {data.Length} elements");
            }
        }
        this.data = data;
        this.offset = offset;
        this.shape = [.. shape];
        this.strides = [.. strides];
    }

    /// <summary>A new array of zeros with this shape.</summary>
    public static NdArray<T> Zeros(params int[] shape) => new(new T[checked(shape.Aggregate(1, (size, length) => size * length))], shape);

    /// <summary>A copy of a .NET array of any rank (<c>T[,]</c>, <c>T[,,]</c> …), in C order.</summary>
    public static NdArray<T> CopyOf(Array array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.GetType().GetElementType() != typeof(T))
            throw new ArgumentException($"a {array.GetType().Name} is not an array of {typeof(T).Name}", nameof(array));
        var copy = new T[array.Length];
        var k = 0;
        foreach (T value in array)
            copy[k++] = value;
        return new NdArray<T>(copy, Enumerable.Range(0, array.Rank).Select(array.GetLength).ToArray());
    }

    /// <summary>The storage this view reads and writes.</summary>
    public T[] Data => data;

    /// <summary>Where the element at index 0 on every axis is in <see cref="Data"/>.</summary>
    public int Offset => offset;

    /// <summary>The number of axes.</summary>
    public int Rank => shape.Length;

    /// <summary>The length of each axis.</summary>
    public IReadOnlyList<int> Shape => Array.AsReadOnly(shape);

    /// <summary>How far apart, in elements of <see cref="Data"/>, neighbours along each axis are.</summary>
    public IReadOnlyList<int> Strides => Array.AsReadOnly(strides);

    // For compiled code, per element: no wrapper, no interface call.
    internal int LengthOf(int axis) => shape[axis];

    internal int StrideOf(int axis) => strides[axis];

    /// <summary>The number of elements.</summary>
    public int Size => shape.Aggregate(1, (size, length) => size * length);

    /// <summary>Whether the elements are <see cref="Data"/>'s, in C order, with nothing between them.</summary>
    public bool IsContiguous => strides.SequenceEqual(COrderStrides(shape)) || Size <= 1;

    /// <summary>The element at an index (one per axis; negative counts from the end, as in Python).</summary>
    public T this[params int[] index]
    {
        get => data[Position(index)];
        set => data[Position(index)] = value;
    }

    /// <summary>
    /// <c>a[start:stop:step]</c> along one axis, as Python slices: negative bounds count from the end, bounds
    /// outside the axis are clamped, a negative step runs backwards. A view: nothing is copied.
    /// </summary>
    public NdArray<T> Slice(int axis, int? start = null, int? stop = null, int step = 1)
    {
        var k = Axis(axis);
        if (step == 0)
            throw new ArgumentException("a slice's step must not be zero", nameof(step));
        var length = shape[k];
        int Bound(int? value, int fallback, int low, int high)
        {
            if (value is not { } v)
                return fallback;
            return Math.Clamp(v < 0 ? v + length : v, low, high);
        }
        var (first, end) = step > 0
            ? (Bound(start, 0, 0, length), Bound(stop, length, 0, length))
            : (Bound(start, length - 1, -1, length - 1), Bound(stop, -1, -1, length - 1));
        var count = (int)(step > 0 ? Math.Max(0, ((long)end - first + step - 1) / step) : Math.Max(0, ((long)first - end - step - 1) / -(long)step));
        var newShape = (int[])shape.Clone();
        var newStrides = (int[])strides.Clone();
        newShape[k] = count;
        // A stride beyond int cannot fit a view of two elements in any array: the constructor refuses it.
        newStrides[k] = count <= 1 ? strides[k] : (int)Math.Clamp((long)strides[k] * step, int.MinValue, int.MaxValue);
        return new NdArray<T>(data, count == 0 ? offset : offset + first * strides[k], newShape, newStrides);
    }

    /// <summary>The axes in reverse order (the transpose of a matrix). A view.</summary>
    public NdArray<T> Transpose() => Transpose(Enumerable.Range(0, Rank).Reverse().ToArray());

    /// <summary>The axes in the given order: axis k of the result is axis <c>axes[k]</c> of this. A view.</summary>
    public NdArray<T> Transpose(params int[] axes)
    {
        var order = axes.Select(Axis).ToArray();
        if (order.Length != Rank || order.Distinct().Count() != Rank)
            throw new ArgumentException($"{Format(axes)} is not an order of the {Rank} axes", nameof(axes));
        return new NdArray<T>(data, offset, order.Select(a => shape[a]).ToArray(), order.Select(a => strides[a]).ToArray());
    }

    /// <summary>The same elements in C order with another shape of the same size: a view when this is contiguous, a copy otherwise.</summary>
    public NdArray<T> Reshape(params int[] newShape)
    {
        if (newShape.Aggregate(1L, (size, length) => size * length) != Size || newShape.Any(length => length < 0))
            throw new ArgumentException($"cannot reshape an array of shape {Format(shape)} into shape {Format(newShape)}", nameof(newShape));
        return IsContiguous ? new NdArray<T>(data, offset, newShape, COrderStrides(newShape)) : new NdArray<T>(ToArray(), newShape);
    }

    /// <summary>The elements in C order, copied into a new <c>T[]</c>.</summary>
    public T[] ToArray()
    {
        var result = new T[Size];
        var index = new int[Rank];
        for (var k = 0; k < result.Length; k++)
        {
            var position = offset;
            for (var axis = 0; axis < Rank; axis++)
                position += index[axis] * strides[axis];
            result[k] = data[position];
            for (var axis = Rank - 1; axis >= 0 && ++index[axis] == shape[axis]; axis--)
                index[axis] = 0;
        }
        return result;
    }

    /// <summary>The elements copied into a .NET array of this rank (<c>T[,]</c> for a matrix).</summary>
    public Array ToMultidimensionalArray()
    {
        var result = Array.CreateInstance(typeof(T), shape);
        var flat = ToArray();
        var index = new int[Rank];
        foreach (var value in flat)
        {
            result.SetValue(value, index);
            for (var axis = Rank - 1; axis >= 0 && ++index[axis] == shape[axis]; axis--)
                index[axis] = 0;
        }
        return result;
    }

#pragma warning disable SYSLIB5001 // Tensor<T> is experimental in .NET 10.
    /// <summary>
    /// This view as a <see cref="Tensor{T}"/> over the same storage (writes to one show in the other); a copy when a
    /// stride is negative, which tensors do not have.
    /// </summary>
    public Tensor<T> ToTensor() => strides.All(stride => stride >= 0)
        ? Tensor.Create(data, offset, shape.Select(length => (nint)length).ToArray(), strides.Select(stride => (nint)stride).ToArray())
        : Tensor.Create(ToArray(), shape.Select(length => (nint)length).ToArray());

    /// <summary>A copy of a tensor's elements in C order (a tensor does not expose its storage to view).</summary>
    public static NdArray<T> CopyOf(Tensor<T> tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var values = new T[checked((int)tensor.FlattenedLength)];
        tensor.FlattenTo(values);
        var lengths = new int[tensor.Rank];
        for (var k = 0; k < lengths.Length; k++)
            lengths[k] = checked((int)tensor.Lengths[k]);
        return new NdArray<T>(values, lengths);
    }
#pragma warning restore SYSLIB5001

    /// <inheritdoc/>
    public override string ToString() => $"NdArray<{typeof(T).Name}> of shape {Format(shape)}";

    Array INdArray.Storage => data;

    object INdArray.Copy() => new NdArray<T>(ToArray(), shape);

    object INdArray.WithTrailingAxes(int count) =>
        new NdArray<T>(data, offset, [.. shape, .. Enumerable.Repeat(1, count)], [.. strides, .. Enumerable.Repeat(0, count)]);

    int[] INdArray.ShapeArray => shape;

    int[] INdArray.StrideArray => strides;

    private int Axis(int axis)
    {
        var k = axis < 0 ? axis + Rank : axis;
        if (k < 0 || k >= Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} does not exist in an array of rank {Rank}");
        return k;
    }

    private int Position(int[] index)
    {
        if (index.Length != Rank)
            throw new ArgumentException($"an array of rank {Rank} takes {Rank} indices, not {index.Length}", nameof(index));
        var position = offset;
        for (var k = 0; k < Rank; k++)
        {
            var i = index[k] < 0 ? index[k] + shape[k] : index[k];
            if ((uint)i >= (uint)shape[k])
                throw new IndexOutOfRangeException($"index {index[k]} is out of bounds for axis {k} with size {shape[k]}");
            position += i * strides[k];
        }
        return position;
    }

    // No shape: the whole array, 1-D.
    private static int[] Whole(T[] data, int[]? shape) => shape is null or [] ? [data?.Length ?? 0] : shape;

    private static int[] COrderStrides(int[] shape)
    {
        var result = new int[shape.Length];
        var stride = 1;
        for (var k = shape.Length - 1; k >= 0; k--)
        {
            result[k] = stride;
            stride *= Math.Max(1, shape[k]);
        }
        return result;
    }

    private static string Format(int[] values) => "(" + string.Join(", ", values) + (values.Length == 1 ? ",)" : ")");
}

/// <summary>What kernels need of an <see cref="NdArray{T}"/> without knowing its element type.</summary>
internal interface INdArray
{
    Array Storage { get; }

    int Offset { get; }

    int Rank { get; }

    int[] ShapeArray { get; }

    int[] StrideArray { get; }

    /// <summary>The elements copied into a new C-ordered view of the same shape.</summary>
    object Copy();

    /// <summary>The same elements with <paramref name="count"/> more axes of length 1 at the end (NumPy's <c>a[..., None]</c>).</summary>
    object WithTrailingAxes(int count);
}
