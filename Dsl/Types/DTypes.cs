using System.Numerics;

namespace JitDsl;

/// <summary>Facts about each <see cref="DType"/>: its NumPy name, its .NET type, its kind.</summary>
internal static class DTypes
{
    /// <summary>The NumPy name: <c>bool</c>, <c>int32</c>, <c>int64</c>, <c>float32</c>, <c>float64</c>, <c>complex128</c>.</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Bool => "bool",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Complex128 => "complex128",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The .NET type that holds one value of this dtype.</summary>
    public static Type ClrType(this DType dtype) => dtype switch
    {
        DType.Bool => typeof(bool),
        DType.Int32 => typeof(int),
        DType.Int64 => typeof(long),
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Complex128 => typeof(Complex),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The dtype whose values a .NET type holds, or null when it holds none.</summary>
    public static DType? FromClr(Type type) =>
        type == typeof(bool) ? DType.Bool
        : type == typeof(int) ? DType.Int32
        : type == typeof(long) ? DType.Int64
        : type == typeof(float) ? DType.Float32
        : type == typeof(double) ? DType.Float64
        : type == typeof(Complex) ? DType.Complex128
        : null;

    /// <summary>The kernel type of an argument: as <see cref="JitTypeOf(Type)"/>, and a view's rank from the view.</summary>
    public static JitType? JitTypeOf(object value) =>
        value is INdArray view && FromClr(value.GetType().GetGenericArguments()[0]) is { } element
            ? JitType.View(element, view.Rank)
            : JitTypeOf(value.GetType());

    /// <summary>The kernel type of a .NET argument type (<c>double[,]</c> is <c>float64[:, :]</c>), or null (for a view too: its type has no rank).</summary>
    public static JitType? JitTypeOf(Type type)
    {
        if (type.IsArray)
            return FromClr(type.GetElementType()!) is { } element ? JitType.Array(element, type.GetArrayRank()) : null;
        return FromClr(type) is { } scalar ? JitType.Scalar(scalar) : null;
    }

    /// <summary>The .NET type that holds a value of this kernel type (<c>float64[:]</c> is <c>double[]</c>).</summary>
    public static Type ClrType(this JitType type)
    {
        var element = type.DType.ClrType();
        if (type.Strided)
            return typeof(NdArray<>).MakeGenericType(element);
        return type.Rank switch
        {
            0 => element,
            1 => element.MakeArrayType(),
            _ => element.MakeArrayType(type.Rank),
        };
    }

    internal static bool IsInteger(this DType d) => d is DType.Int32 or DType.Int64;
    internal static bool IsFloat(this DType d) => d is DType.Float32 or DType.Float64;

    /// <summary>NumPy's kinds in order, bool 0, integer 1, float 2, complex 3: a cast within a kind or up is 'same_kind'.</summary>
    internal static int Kind(this DType d) => d == DType.Bool ? 0 : d.IsInteger() ? 1 : d.IsFloat() ? 2 : 3;

    /// <summary>bool or an integer: what arithmetic makes int64 of bool, and math functions float64 of.</summary>
    internal static bool IsIntegral(this DType d) => d == DType.Bool || d.IsInteger();
    internal static bool IsComplex(this DType d) => d is DType.Complex128;
}
