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

    /// <summary>float32's: squares are exact in double and cannot overflow there; an infinity wins over a NaN.</summary>
    public static float Hypot(float x, float y) =>
        float.IsInfinity(x) || float.IsInfinity(y) ? float.PositiveInfinity : (float)Math.Sqrt((double)x * x + (double)y * y);
}
