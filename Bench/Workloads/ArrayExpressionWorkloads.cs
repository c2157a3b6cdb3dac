using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using static JitDsl.Dsl.Ops;

namespace JitDsl.Bench.Workloads;

/// <summary>
/// Array expressions beside fused_expr, each as NumPy-style code computes it (one array per operation), as a
/// TensorPrimitives chain, as a hand-written loop, scalar and Vector512, and as a JitDsl <c>Jit.Map</c> fused
/// into one loop. Every variant allocates its result; the checksums must agree with the scalar loop.
/// </summary>
public static class ArrayExpressionWorkloads
{
    public static IReadOnlyList<Workload> All(int n = ChapterWorkloads.StandardSize) => [Axpy(n), HypotRatio(n)];

    public static Workload ByName(string name) => name switch
    {
        "axpy" => Axpy(),
        "hypot_ratio" => HypotRatio(),
        _ => throw new ArgumentException($"no array-expression workload `{name}`", nameof(name)),
    };

    /// <summary><c>2.5 * x + y</c>: two arrays read, one written; memory-bound.</summary>
    public static Workload Axpy(int n = ChapterWorkloads.StandardSize)
    {
        var (x, y) = (Inputs.Uniform(5, n), Inputs.Uniform(6, n));
        return new Workload("axpy", n, null,
        [
            new Variant("csharp_loop", () => () =>
            {
                var result = new double[n];
                for (var i = 0; i < n; i++)
                    result[i] = 2.5 * x[i] + y[i];
                return result;
            }),
            new Variant("csharp_arrays", () => () => ArrayAdd(ArrayScale(2.5, x), y)),
            new Variant("csharp_tensorprimitives", () => () =>
            {
                var result = new double[n];
                TensorPrimitives.MultiplyAdd(x, 2.5, y, result);
                return result;
            }),
            new Variant("csharp_vector512", () => () =>
            {
                var result = new double[n];
                var i = 0;
                for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
                    (Vector512.Create(2.5) * Vector512.LoadUnsafe(ref x[i]) + Vector512.LoadUnsafe(ref y[i])).StoreUnsafe(ref result[i]);
                for (; i < n; i++)
                    result[i] = 2.5 * x[i] + y[i];
                return result;
            }),
            .. JitDsl(options =>
            {
                var axpy = Jit.Map((Arr a, Arr b) => 2.5 * a + b, options, name: "axpy");
                return () => axpy.Invoke(x, y)!;
            }),
        ]);
    }

    /// <summary><c>sqrt(x² + y²) / (1 + x)</c>: two arrays, a square root and a division per element.</summary>
    public static Workload HypotRatio(int n = ChapterWorkloads.StandardSize)
    {
        var (x, y) = (Inputs.Uniform(7, n), Inputs.Uniform(8, n));
        return new Workload("hypot_ratio", n, null,
        [
            new Variant("csharp_loop", () => () =>
            {
                var result = new double[n];
                for (var i = 0; i < n; i++)
                    result[i] = Math.Sqrt(x[i] * x[i] + y[i] * y[i]) / (1 + x[i]);
                return result;
            }),
            new Variant("csharp_arrays", () => () => ArrayDivide(ArraySqrt(ArrayAdd(ArrayMultiply(x, x), ArrayMultiply(y, y))), ArrayScale(1, x, offset: 1))),
            new Variant("csharp_tensorprimitives", () =>
            {
                var scratch = new double[n];
                return () =>
                {
                    var result = new double[n];
                    TensorPrimitives.Multiply(x, x, result);
                    TensorPrimitives.MultiplyAdd(y, y, result, result);
                    TensorPrimitives.Sqrt(result, result);
                    TensorPrimitives.Add(x, 1.0, scratch);
                    TensorPrimitives.Divide(result, scratch, result);
                    return result;
                };
            }),
            new Variant("csharp_vector512", () => () =>
            {
                var result = new double[n];
                var i = 0;
                for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
                {
                    var (a, b) = (Vector512.LoadUnsafe(ref x[i]), Vector512.LoadUnsafe(ref y[i]));
                    (Vector512.Sqrt(a * a + b * b) / (Vector512<double>.One + a)).StoreUnsafe(ref result[i]);
                }
                for (; i < n; i++)
                    result[i] = Math.Sqrt(x[i] * x[i] + y[i] * y[i]) / (1 + x[i]);
                return result;
            }),
            .. JitDsl(options =>
            {
                var ratio = Jit.Map((Arr a, Arr b) => Sqrt(a * a + b * b) / (1 + a), options, name: "hypot_ratio");
                return () => ratio.Invoke(x, y)!;
            }),
        ]);
    }

    private static IEnumerable<Variant> JitDsl(Func<JitOptions, Func<object>> define)
    {
        yield return new Variant("jitdsl_clr", () => define(new JitOptions { Backend = Backend.Clr }));
        if (Jit.IsAvailable(Backend.Llvm))
            yield return new Variant("jitdsl_llvm", () => define(new JitOptions { Backend = Backend.Llvm }));
    }

    // NumPy-style: every operation makes a new array.
    private static double[] ArrayScale(double factor, double[] a, double offset = 0)
    {
        var result = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
            result[i] = factor * a[i] + offset;
        return result;
    }

    private static double[] ArrayAdd(double[] a, double[] b)
    {
        var result = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
            result[i] = a[i] + b[i];
        return result;
    }

    private static double[] ArrayMultiply(double[] a, double[] b)
    {
        var result = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
            result[i] = a[i] * b[i];
        return result;
    }

    private static double[] ArrayDivide(double[] a, double[] b)
    {
        var result = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
            result[i] = a[i] / b[i];
        return result;
    }

    private static double[] ArraySqrt(double[] a)
    {
        var result = new double[a.Length];
        for (var i = 0; i < a.Length; i++)
            result[i] = Math.Sqrt(a[i]);
        return result;
    }
}
