namespace JitDsl.Dsl.Typing;

/// <summary>
/// NumPy's type promotion for scalars, with NumPy 2's weak Python scalars (NEP 50): a C# int or double
/// literal adapts to the other operand (<c>float32 * 2.0</c> is float32, <c>int32 + 1</c> is int32) and
/// only chooses its own type against a bool or an integer.
/// </summary>
internal static class Promotion
{
    /// <summary>NumPy's <c>can_cast(from, to, 'safe')</c>: every value of <paramref name="from"/> has one in <paramref name="to"/>.</summary>
    public static bool CanCastSafely(DType from, DType to) => from == to || (from, to) switch
    {
        (DType.Bool, _) => true,
        (DType.Int32, DType.Int64 or DType.Float64 or DType.Complex128) => true,
        (DType.Int64, DType.Float64 or DType.Complex128) => true,
        (DType.Float32, DType.Float64 or DType.Complex128) => true,
        (DType.Float64, DType.Complex128) => true,
        _ => false,
    };

    /// <summary>The common type of two concrete dtypes: int32+int64 is int64, int32/int64+float32 is float64.</summary>
    public static DType Promote(DType a, DType b)
    {
        if (a == b)
            return a;
        if (a == DType.Bool)
            return b;
        if (b == DType.Bool)
            return a;
        if (a == DType.Complex128 || b == DType.Complex128)
            return DType.Complex128;
        if (a == DType.Float64 || b == DType.Float64)
            return DType.Float64;
        if (a == DType.Float32 || b == DType.Float32)
            return DType.Float64; // the other is an integer: float32 cannot hold int32 or int64 exactly
        return DType.Int64;
    }

    /// <summary>The common type when either side may be a weak literal.</summary>
    public static (DType Type, bool Weak) Promote(DType a, bool aWeak, DType b, bool bWeak)
    {
        if (aWeak && bWeak)
            return (Promote(a, b), true);
        if (aWeak)
            return (Absorb(a, b), false);
        if (bWeak)
            return (Absorb(b, a), false);
        return (Promote(a, b), false);
    }

    // A weak literal of kind `literal` meets a concrete `other`.
    private static DType Absorb(DType literal, DType other) => (literal, other) switch
    {
        (DType.Int64, DType.Bool) => DType.Int64,
        (DType.Int64, _) => other,
        (DType.Float64, DType.Bool or DType.Int32 or DType.Int64) => DType.Float64,
        (DType.Float64, _) => other,
        _ => Promote(literal, other),
    };
}
