using System.Numerics;

namespace JitDsl.Dsl.Typing;

/// <summary>Converts literal values between dtypes with the same rules as a runtime cast.</summary>
internal static class Constants
{
    /// <summary>What any value beats in a min (<paramref name="largest"/>) or max reduction: infinity for floats, the extreme integer, the extreme bool.</summary>
    public static object Extreme(DType dtype, bool largest) => dtype switch
    {
        DType.Float32 or DType.Float64 => largest ? double.PositiveInfinity : double.NegativeInfinity,
        DType.Int32 => largest ? int.MaxValue : int.MinValue,
        DType.Int64 => largest ? long.MaxValue : long.MinValue,
        _ => largest,
    };

    public static object Convert(object value, DType to)
    {
        switch (to)
        {
            case DType.Bool:
                return value switch
                {
                    bool b => b,
                    Complex c => c != Complex.Zero,
                    _ => AsDouble(value) != 0,
                };
            case DType.Int32:
                return value is double or float ? (int)AsDouble(value) : (int)AsLong(value);
            case DType.Int64:
                return value is double or float ? (long)AsDouble(value) : AsLong(value);
            case DType.Float32:
                // An integer straight to float: through double it would round twice.
                return value is double or float ? (float)AsDouble(value) : (float)AsLong(value);
            case DType.Float64:
                return AsDouble(value);
            case DType.Complex128:
                return value is Complex z ? z : new Complex(AsDouble(value), 0);
            default:
                throw new ArgumentOutOfRangeException(nameof(to));
        }
    }

    private static long AsLong(object value) => value switch
    {
        bool b => b ? 1 : 0,
        int i => i,
        long l => l,
        _ => throw new JitInternalException($"integer literal expected, got {value.GetType().Name}"),
    };

    private static double AsDouble(object value) => value switch
    {
        bool b => b ? 1 : 0,
        int i => i,
        long l => l,
        float f => f,
        double d => d,
        _ => throw new JitInternalException($"real literal expected, got {value.GetType().Name}"),
    };
}
