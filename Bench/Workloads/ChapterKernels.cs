using JitDsl;
using static JitDsl.Dsl.Ops;

namespace JitDsl.Bench.Workloads;

/// <summary>
/// The chapter's kernels written with JitDsl, as a user would, named as the chapter names them. Each method
/// defines (traces) a fresh kernel, so that the first call of what it returns measures compilation; the
/// options choose the backend (and fast-math) that compiles it. Loops whose iterations are independent are
/// <c>PRange</c>s, as in the chapter's parallel versions: compiled with <c>Parallel</c> they run on all cores,
/// without it they are the same serial loops as <c>For</c>.
/// </summary>
public static class ChapterKernels
{
    /// <summary>Σ a[i]², compiled lazily at the first call (like <c>@njit</c>); in parallel, the chapter's parallel_sum.</summary>
    public static Kernel SumSquares(JitOptions? options = null) => Jit.Kernel((Arr a) =>
    {
        var total = Var(0.0);
        PRange(a.Length, i => total.Value += a[i] * a[i]);
        return total;
    }, options, name: "sum_squares");

    /// <summary>The same sum with an eager signature, like <c>@njit('float64(float64[:])')</c>, as a typed delegate.</summary>
    public static Func<double[], double> NormSquared(JitOptions? options = null) => Jit.Kernel<Func<double[], double>>((Arr a) =>
    {
        var total = Var(0.0);
        For(a.Length, i => total.Value += a[i] * a[i]);
        return total;
    }, options, name: "norm_squared");

    /// <summary>The chapter's scalar clip_add, imported from a C# expression lambda.</summary>
    public static Kernel ClipAddScalar(JitOptions? options = null) =>
        Jit.FromExpression((double x, double y) => x + y > 1.0 ? 1.0 : x + y < -1.0 ? -1.0 : x + y, options, name: "clip_add");

    /// <summary>clip_add over two arrays: a loop calling the scalar kernel as a device function.</summary>
    public static Kernel ClipAdd(JitOptions? options = null)
    {
        var clipAdd = ClipAddScalar(options);
        return Jit.Kernel((Arr x, Arr y) =>
        {
            var result = EmptyLike(x);
            PRange(x.Length, i => result[i] = clipAdd.Call(x[i], y[i]));
            return result;
        }, options, name: "clip_add_arrays");
    }

    /// <summary>π by Monte Carlo, drawing its points inside the kernel from a seeded generator.</summary>
    public static Kernel MonteCarloPi(JitOptions? options = null) => Jit.Kernel((Val samples, Val seed) =>
    {
        Seed(seed);
        var inside = Var(0);
        PRange(samples, _ =>
        {
            var x = Uniform();
            var y = Uniform();
            If(x * x + y * y <= 1.0, () => inside.Value += 1);
        });
        return 4.0 * inside / samples;
    }, options, name: "mc_pi");

    /// <summary>Iterations until |z| &gt; 2 for one point: the chapter's device function.</summary>
    public static Kernel MandelbrotPixel(JitOptions? options = null) => Jit.Kernel((Val c, Val maxIterations) =>
    {
        var z = Var(Complex128(0.0, 0.0));
        For(maxIterations, k =>
        {
            z.Value = z * z + c;
            If(Abs(z) > 2.0, () => Return(k));
        });
        return maxIterations;
    }, options, name: "mandelbrot_pixel");

    /// <summary>The Mandelbrot counts of a width × height grid over [-2, 1] × [-1.5, 1.5].</summary>
    public static Kernel MandelbrotSet(JitOptions? options = null)
    {
        var pixel = MandelbrotPixel(options);
        return Jit.Kernel((Val width, Val height, Val maxIterations) =>
        {
            var counts = Empty(DType.Int32, height, width);
            var dx = (1.0 - -2.0) / width;
            var dy = (1.5 - -1.5) / height;
            PRange(height, row => For(width, col =>
                counts[row, col] = pixel.Call(Complex128(-2.0 + col * dx, -1.5 + row * dy), maxIterations)));
            return counts;
        }, options, name: "mandelbrot_set");
    }

    /// <summary>The same as an array expression, as NumPy users write it: fused into the same one loop.</summary>
    public static ArrayMap FusedExpressionMap(JitOptions? options = null) =>
        Jit.Map((Arr x) => Sqrt(x * x + Sin(x) * Exp(-x)), options, name: "fused_expr_map");

    /// <summary>sqrt(x² + sin(x)·exp(−x)) elementwise, in one loop with no temporaries.</summary>
    public static Kernel FusedExpression(JitOptions? options = null) => Jit.Kernel((Arr x) =>
    {
        var result = EmptyLike(x);
        PRange(x.Length, i =>
        {
            var v = x[i];
            result[i] = Sqrt(v * v + Sin(v) * Exp(-v));
        });
        return result;
    }, options, name: "fused_expr");
}
