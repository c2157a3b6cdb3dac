using JitDsl.Lowering.Runtime;

namespace JitDsl.Backends.Cuda;

/// <summary>
/// Math functions whose .NET implementation ILGPU cannot compile (double.Hypot reinterprets bits through
/// BitConverter), written in what it can: the CUDA kernels' IL calls these instead.
/// </summary>
internal static class GpuMath
{
    /// <summary>√(x² + y²) without overflow or underflow in between: the larger times √(1 + ratio²); within 2 ulp.</summary>
    public static double Hypot(double x, double y)
    {
        (x, y) = (Math.Abs(x), Math.Abs(y));
        if (double.IsInfinity(x) || double.IsInfinity(y))
            return double.PositiveInfinity;
        if (double.IsNaN(x) || double.IsNaN(y))
            return double.NaN;
        var (larger, smaller) = x >= y ? (x, y) : (y, x);
        if (larger == 0)
            return 0;
        var ratio = smaller / larger;
        return larger * Math.Sqrt(1 + ratio * ratio);
    }

    /// <summary>
    /// np.round: to the nearest integer, halves to even, the sign of zero kept. ILGPU compiles Math.Round for the GPU
    /// so that an H200 rounded −1.5 to −1.
    /// </summary>
    public static double Round(double x)
    {
        var below = Math.Floor(x);
        var fraction = x - below;
        var odd = Math.Floor(below / 2) * 2 != below;
        var rounded = fraction > 0.5 || (fraction == 0.5 && odd) ? below + 1 : below;
        return rounded == 0 ? KernelMath.ZeroWithSignOf(x) : rounded;
    }

    /// <summary>float32's: exact through double (the result is an integer a float holds).</summary>
    public static float Round(float x) => (float)Round((double)x);

    /// <summary>
    /// A float to int32 as the semantics convert it (toward zero, saturating, NaN → 0). The GPU's cvt.rzi does the same,
    /// but ILGPU folds a constant's conversion through int64 and truncates (1e300 became −1): here every constant out
    /// of range takes a branch that does not convert.
    /// </summary>
    public static int ToInt32(double x) => double.IsNaN(x) ? 0 : x >= int.MaxValue ? int.MaxValue : x <= int.MinValue ? int.MinValue : (int)x;

    /// <summary>A float to int64, likewise.</summary>
    public static long ToInt64(double x) => double.IsNaN(x) ? 0 : x >= 9223372036854775807.0 ? long.MaxValue : x <= long.MinValue ? long.MinValue : (long)x;

    /// <summary>float32's: squares are exact in double and cannot overflow there; an infinity wins over a NaN.</summary>
    public static float Hypot(float x, float y) =>
        float.IsInfinity(x) || float.IsInfinity(y) ? float.PositiveInfinity : (float)Math.Sqrt((double)x * x + (double)y * y);
}
