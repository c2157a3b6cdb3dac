using System.Numerics;
using System.Runtime.CompilerServices;

namespace JitDsl.Lowering.Runtime;

/// <summary>
/// The operations whose meaning in kernels (Python's and NumPy's, docs/SEMANTICS.md) differs from the
/// IL instruction: floor division and modulo round toward negative infinity, integer overflow wraps
/// instead of throwing (MinValue / -1), integer division by zero raises with the user's line.
/// Lowered trees call these; their `site` arguments name the user's line for the error.
/// </summary>
internal static class KernelMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long FloorDivide(long a, long b, string site)
    {
        if (b == 0)
            Throw.DivisionByZero("integer division", site);
        return FloorDivideNonZero(a, b);
    }

    // The ...NonZero and ...NonNegative cores compute once the error is ruled out: a CUDA kernel, which cannot
    // throw, checks first itself and calls them (the Cuda backend's IL emitter).

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long FloorDivideNonZero(long a, long b)
    {
        if (b == -1)
            return unchecked(-a);
        var q = a / b;
        return (a % b != 0 && (a ^ b) < 0) ? q - 1 : q;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FloorDivide(int a, int b, string site) => (int)FloorDivide((long)a, b, site);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Modulo(long a, long b, string site)
    {
        if (b == 0)
            Throw.DivisionByZero("integer modulo", site);
        return ModuloNonZero(a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ModuloNonZero(long a, long b)
    {
        if (b == -1)
            return 0;
        var r = a % b;
        return (r != 0 && (r ^ b) < 0) ? r + b : r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Modulo(int a, int b, string site) => (int)Modulo((long)a, b, site);

    /// <summary>C#'s <c>/</c>, except that MinValue / -1 wraps instead of throwing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long TruncatedDivide(long a, long b, string site)
    {
        if (b == 0)
            Throw.DivisionByZero("integer division", site);
        return TruncatedDivideNonZero(a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long TruncatedDivideNonZero(long a, long b) => b == -1 ? unchecked(-a) : a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TruncatedDivide(int a, int b, string site)
    {
        if (b == 0)
            Throw.DivisionByZero("integer division", site);
        return b == -1 ? unchecked(-a) : a / b;
    }

    /// <summary>C#'s <c>%</c>, except that MinValue % -1 is 0 instead of throwing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Remainder(long a, long b, string site)
    {
        if (b == 0)
            Throw.DivisionByZero("integer modulo", site);
        return RemainderNonZero(a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long RemainderNonZero(long a, long b) => b == -1 ? 0 : a % b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Remainder(int a, int b, string site) => (int)Remainder((long)a, b, site);

    /// <summary>NumPy's float floor division: exact where a / b would round across an integer.</summary>
    public static double FloorDivide(double a, double b)
    {
        if (b == 0)
            return a / b;
        var mod = a % b;
        var div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0))
            div -= 1;
        if (div == 0)
            return ZeroWithSignOf(a / b);
        var floor = Math.Floor(div);
        return div - floor > 0.5 ? floor + 1 : floor;
    }

    public static float FloorDivide(float a, float b) => (float)FloorDivide((double)a, b);

    /// <summary>
    /// ±0 with the sign of <paramref name="x"/> (not NaN): Math.CopySign(0, x) without calling it, because ILGPU
    /// compiles CopySign for the GPU with its operands swapped (an H200 gave 0.4 for 1 // 2.5).
    /// </summary>
    internal static double ZeroWithSignOf(double x) => IsNegative(x) ? -0.0 : 0.0;

    /// <summary>
    /// np.minimum with .NET's Math.Min's signs: NaN if either is NaN, −0 below +0. Written out because the .NET 10 JIT
    /// folds Math.Min(x, −0.0) with a constant −0.0 to +0 when x is +0; and ILGPU's Math.Min lets a NaN lose.
    /// </summary>
    public static double Min(double a, double b) => double.IsNaN(a) ? a : double.IsNaN(b) ? b : a < b ? a : b < a ? b : IsNegative(a) ? a : b;

    /// <summary>np.maximum with Math.Max's signs: NaN if either is NaN, +0 above −0.</summary>
    public static double Max(double a, double b) => double.IsNaN(a) ? a : double.IsNaN(b) ? b : a > b ? a : b > a ? b : IsNegative(a) ? b : a;

    public static float Min(float a, float b) => float.IsNaN(a) ? a : float.IsNaN(b) ? b : a < b ? a : b < a ? b : IsNegative(a) ? a : b;

    public static float Max(float a, float b) => float.IsNaN(a) ? a : float.IsNaN(b) ? b : a > b ? a : b > a ? b : IsNegative(a) ? b : a;

    private static bool IsNegative(double x) => x < 0 || (x == 0 && 1 / x < 0);

    /// <summary>NumPy's float remainder: the sign of the divisor; NaN for a zero divisor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Modulo(double a, double b)
    {
        var mod = a % b;
        if (mod != 0)
            return (b < 0) != (mod < 0) ? mod + b : mod;
        return b < 0 ? -0.0 : 0.0; // b is neither 0 nor NaN here (mod would be NaN)
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Modulo(float a, float b)
    {
        var mod = a % b;
        if (mod != 0)
            return (b < 0) != (mod < 0) ? mod + b : mod;
        return b < 0 ? -0f : 0f;
    }

    /// <summary>Integer power by squaring, wrapping on overflow; a negative exponent raises, as in NumPy.</summary>
    public static long Power(long x, long n, string site)
    {
        if (n < 0)
            Throw.NegativePower(site);
        return PowerNonNegative(x, n);
    }

    public static long PowerNonNegative(long x, long n)
    {
        var result = 1L;
        while (n != 0)
        {
            if ((n & 1) != 0)
                result = unchecked(result * x);
            x = unchecked(x * x);
            n >>= 1;
        }
        return result;
    }

    public static int Power(int x, int n, string site) => (int)Power((long)x, n, site);

    /// <summary>|x| that wraps for MinValue, as NumPy does, instead of throwing like Math.Abs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Abs(long x) => x < 0 ? unchecked(-x) : x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Abs(int x) => x < 0 ? unchecked(-x) : x;

    /// <summary>
    /// log(1 + x), accurate for tiny x (double.LogP1 computes Log(1 + x) and loses them): Goldberg's correction
    /// log(u)·x/(u − 1) with u = 1 + x, the ratio taken first so that it cannot overflow for huge x.
    /// </summary>
    public static double Log1p(double x)
    {
        var u = 1 + x;
        if (u == 1)
            return x;
        return double.IsPositiveInfinity(u) ? u : Math.Log(u) * (x / (u - 1));
    }

    public static float Log1p(float x) => (float)Log1p((double)x);

    public static bool IsNaN(Complex z) => double.IsNaN(z.Real) || double.IsNaN(z.Imaginary);

    public static bool IsInfinity(Complex z) => double.IsInfinity(z.Real) || double.IsInfinity(z.Imaginary);
}
