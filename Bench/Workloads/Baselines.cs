using System.Runtime.Intrinsics;
using System.Numerics;

namespace JitDsl.Bench.Workloads;

/// <summary>
/// The code people write by hand, to compare with: plain C# loops, and "arrays" versions that compute one
/// whole-array operation at a time with a temporary for each, the way NumPy evaluates an expression.
/// </summary>
public static class Baselines
{
    public static double SumSquaresLoop(double[] x)
    {
        var total = 0.0;
        for (var i = 0; i < x.Length; i++)
            total += x[i] * x[i];
        return total;
    }

    /// <summary><c>np.sum(x * x)</c>: one temporary.</summary>
    public static double SumSquaresArrays(double[] x)
    {
        var squares = Map<MultiplyOp>(x, x);
        var total = 0.0;
        foreach (var s in squares)
            total += s;
        return total;
    }

    public static double[] ClipAddLoop(double[] x, double[] y)
    {
        var result = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var s = x[i] + y[i];
            result[i] = s > 1.0 ? 1.0 : s < -1.0 ? -1.0 : s;
        }
        return result;
    }

    /// <summary><c>np.clip(x + y, -1, 1)</c>: a temporary for the sum.</summary>
    public static double[] ClipAddArrays(double[] x, double[] y) => Map<ClipOp>(Map<AddOp>(x, y));

    public static double MonteCarloPiLoop(long samples)
    {
        var random = new Random();
        var inside = 0L;
        for (var i = 0L; i < samples; i++)
        {
            var x = random.NextDouble();
            var y = random.NextDouble();
            if (x * x + y * y <= 1.0)
                inside++;
        }
        return 4.0 * inside / samples;
    }

    /// <summary>NumPy style: draw both coordinate arrays, square, add, compare, count.</summary>
    public static double MonteCarloPiArrays(int samples)
    {
        var random = new Random();
        var x = Draw(random, samples);
        var y = Draw(random, samples);
        var distance = Map<AddOp>(Map<MultiplyOp>(x, x), Map<MultiplyOp>(y, y));
        return 4.0 * distance.Count(d => d <= 1.0) / samples;
    }

    public static int[,] MandelbrotLoop(int width, int height, int maxIterations)
    {
        var counts = new int[height, width];
        for (var row = 0; row < height; row++)
            MandelbrotRow(counts, row, maxIterations);
        return counts;
    }

    /// <summary>The rows on every core, as a C# programmer parallelises the loop: <c>Parallel.For</c>.</summary>
    public static int[,] MandelbrotParallelFor(int width, int height, int maxIterations)
    {
        var counts = new int[height, width];
        System.Threading.Tasks.Parallel.For(0, height, row => MandelbrotRow(counts, row, maxIterations));
        return counts;
    }

    private static void MandelbrotRow(int[,] counts, int row, int maxIterations)
    {
        var (height, width) = (counts.GetLength(0), counts.GetLength(1));
        var (dx, dy) = (3.0 / width, 3.0 / height);
        for (var col = 0; col < width; col++)
        {
            var c = new Complex(-2.0 + col * dx, -1.5 + row * dy);
            var z = Complex.Zero;
            var count = maxIterations;
            for (var k = 0; k < maxIterations; k++)
            {
                z = z * z + c;
                if (Complex.Abs(z) > 2.0)
                {
                    count = k;
                    break;
                }
            }
            counts[row, col] = count;
        }
    }

    /// <summary>Σ x², a range per core with its own partial sum (<c>Parallel.For</c> with a range partitioner).</summary>
    public static double SumSquaresParallelFor(double[] x)
    {
        var partials = new System.Collections.Concurrent.ConcurrentBag<double>();
        System.Threading.Tasks.Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, x.Length, Math.Max(1, x.Length / Environment.ProcessorCount)),
            range => partials.Add(SumSquaresRange(x, range.Item1, range.Item2)));
        return partials.Sum();
    }

    // Fully optimised from the first call: a lambda's loop would start in the JIT's unoptimised tier.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static double SumSquaresRange(double[] x, int from, int to)
    {
        var sum = 0.0;
        foreach (var v in x.AsSpan(from, to - from))
            sum += v * v;
        return sum;
    }

    public static double[] FusedExpressionLoop(double[] x)
    {
        var result = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
            result[i] = Math.Sqrt(x[i] * x[i] + Math.Sin(x[i]) * Math.Exp(-x[i]));
        return result;
    }

    /// <summary>fused_expr by hand with .NET's Vector512 and its Sin and Exp (.NET 9+), and a scalar tail.</summary>
    public static double[] FusedExpressionVector512(double[] x)
    {
        var result = new double[x.Length];
        var i = 0;
        for (; i <= x.Length - Vector512<double>.Count; i += Vector512<double>.Count)
        {
            var v = Vector512.LoadUnsafe(ref x[i]);
            Vector512.Sqrt(v * v + Vector512.Sin(v) * Vector512.Exp(-v)).StoreUnsafe(ref result[i]);
        }
        for (; i < x.Length; i++)
            result[i] = Math.Sqrt(x[i] * x[i] + Math.Sin(x[i]) * Math.Exp(-x[i]));
        return result;
    }

    /// <summary><c>np.sqrt(x**2 + np.sin(x) * np.exp(-x))</c>: six temporaries and the result.</summary>
    public static double[] FusedExpressionArrays(double[] x) =>
        Map<SqrtOp>(Map<AddOp>(Map<MultiplyOp>(x, x), Map<MultiplyOp>(Map<SinOp>(x), Map<ExpOp>(Map<NegateOp>(x)))));

    // One loop per whole-array operation, specialised per operation (no delegate call per element).
    private interface IUnary
    {
        static abstract double Apply(double x);
    }

    private interface IBinary
    {
        static abstract double Apply(double x, double y);
    }

    private readonly struct SinOp : IUnary
    {
        public static double Apply(double x) => Math.Sin(x);
    }

    private readonly struct ExpOp : IUnary
    {
        public static double Apply(double x) => Math.Exp(x);
    }

    private readonly struct SqrtOp : IUnary
    {
        public static double Apply(double x) => Math.Sqrt(x);
    }

    private readonly struct NegateOp : IUnary
    {
        public static double Apply(double x) => -x;
    }

    private readonly struct ClipOp : IUnary
    {
        public static double Apply(double x) => Math.Clamp(x, -1.0, 1.0);
    }

    private readonly struct AddOp : IBinary
    {
        public static double Apply(double x, double y) => x + y;
    }

    private readonly struct MultiplyOp : IBinary
    {
        public static double Apply(double x, double y) => x * y;
    }

    private static double[] Map<TOp>(double[] a) where TOp : IUnary
    {
        var result = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
            result[i] = TOp.Apply(a[i]);
        return result;
    }

    private static double[] Map<TOp>(double[] a, double[] b) where TOp : IBinary
    {
        var result = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
            result[i] = TOp.Apply(a[i], b[i]);
        return result;
    }

    private static double[] Draw(Random random, int n)
    {
        var result = new double[n];
        for (var i = 0; i < n; i++)
            result[i] = random.NextDouble();
        return result;
    }
}
