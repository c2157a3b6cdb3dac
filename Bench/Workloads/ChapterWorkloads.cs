using System.Numerics.Tensors;

namespace JitDsl.Bench.Workloads;

/// <summary>
/// The workloads of WORKLOADS.md with their exact inputs, each in every variant: hand-written C#, and
/// JitDsl on each available backend. Smaller sizes run the same definitions without an expected checksum
/// (the variants must then agree with each other).
/// </summary>
public static class ChapterWorkloads
{
    public const int StandardSize = 10_000_000;
    public const int MandelbrotSide = 1000;
    public const int MandelbrotIterations = 256;

    private static readonly JitOptions Clr = new() { Backend = Backend.Clr };
    private static readonly JitOptions Llvm = new() { Backend = Backend.Llvm };
    private static readonly JitOptions LlvmFastMath = Llvm with { FastMath = true };
    private static readonly JitOptions ClrParallel = Clr with { Parallel = true };
    private static readonly JitOptions LlvmParallel = Llvm with { Parallel = true };

    public static IReadOnlyList<Workload> All(int n = StandardSize, int mandelbrotSide = MandelbrotSide) =>
        [SumSquares(n), NormSquared(n), ClipAdd(n), MonteCarloPi(n), Mandelbrot(mandelbrotSide), FusedExpression(n)];

    /// <summary>One workload at its standard size, by its WORKLOADS.md name.</summary>
    public static Workload ByName(string name) => name switch
    {
        "sum_squares" => SumSquares(),
        "norm_squared" => NormSquared(),
        "clip_add" => ClipAdd(),
        "mc_pi" => MonteCarloPi(),
        "mandelbrot" => Mandelbrot(),
        "fused_expr" => FusedExpression(),
        _ => throw new ArgumentException($"no workload `{name}`", nameof(name)),
    };

    public static Workload SumSquares(int n = StandardSize)
    {
        var x = Inputs.Uniform(1, n);
        return new Workload("sum_squares", n, n == StandardSize ? new Expected(3332816.925402407, RelativeTolerance: 1e-9) : null,
        [
            new Variant("csharp_loop", () => () => Baselines.SumSquaresLoop(x)),
            new Variant("csharp_arrays", () => () => Baselines.SumSquaresArrays(x)),
            // Hand-vectorised by .NET: as fast as this machine reads the array, the bound fast-math aims at.
            new Variant("csharp_tensorprimitives", () => () => TensorPrimitives.SumOfSquares<double>(x)),
            new Variant("csharp_parallel_for", () => () => Baselines.SumSquaresParallelFor(x)),
            .. JitDsl(options =>
            {
                var kernel = ChapterKernels.SumSquares(options);
                return () => kernel.Invoke(x)!;
            }, fastMath: true, parallel: true),
        ]);
    }

    public static Workload NormSquared(int n = StandardSize)
    {
        var x = Inputs.Uniform(1, n);
        return new Workload("norm_squared", n, n == StandardSize ? new Expected(3332816.925402407, RelativeTolerance: 1e-9) : null,
        [
            new Variant("csharp_loop", () => () => Baselines.SumSquaresLoop(x)),
            .. JitDsl(options =>
            {
                var kernel = ChapterKernels.NormSquared(options);
                return () => kernel(x);
            }),
        ]);
    }

    public static Workload ClipAdd(int n = StandardSize)
    {
        var x = Inputs.Uniform(2, n, scale: 2, offset: -1);
        var y = Inputs.Uniform(3, n, scale: 2, offset: -1);
        return new Workload("clip_add", n, n == StandardSize ? new Expected(-5821.925388748855, RelativeTolerance: 1e-9) : null,
        [
            new Variant("csharp_loop", () => () => Baselines.ClipAddLoop(x, y)),
            new Variant("csharp_arrays", () => () => Baselines.ClipAddArrays(x, y)),
            .. JitDsl(options =>
            {
                var kernel = ChapterKernels.ClipAdd(options);
                return () => kernel.Invoke(x, y)!;
            }, parallel: true),
        ]);
    }

    public static Workload MonteCarloPi(int n = StandardSize) =>
        new("mc_pi", n, new Expected(Math.PI, AbsoluteTolerance: n == StandardSize ? 0.003 : 0.003 * Math.Sqrt((double)StandardSize / n)),
        [
            new Variant("csharp_loop", () => () => Baselines.MonteCarloPiLoop(n)),
            new Variant("csharp_arrays", () => () => Baselines.MonteCarloPiArrays(n)),
            .. JitDsl(options =>
            {
                var kernel = ChapterKernels.MonteCarloPi(options);
                return () => kernel.Invoke((long)n, 2024L)!;
            }, parallel: true),
        ]);

    public static Workload Mandelbrot(int side = MandelbrotSide) =>
        new("mandelbrot", (long)side * side, side == MandelbrotSide ? new Expected(46723541) : null,
        [
            new Variant("csharp_loop", () => () => Baselines.MandelbrotLoop(side, side, MandelbrotIterations)),
            new Variant("csharp_parallel_for", () => () => Baselines.MandelbrotParallelFor(side, side, MandelbrotIterations)),
            .. JitDsl(options =>
            {
                var kernel = ChapterKernels.MandelbrotSet(options);
                return () => kernel.Invoke(side, side, MandelbrotIterations)!;
            }, parallel: true),
        ]);

    public static Workload FusedExpression(int n = StandardSize)
    {
        var x = Inputs.Uniform(4, n, scale: 10);
        return new Workload("fused_expr", n, n == StandardSize ? new Expected(50293048.88970244, RelativeTolerance: 1e-9) : null,
        [
            new Variant("csharp_loop", () => () => Baselines.FusedExpressionLoop(x)),
            new Variant("csharp_arrays", () => () => Baselines.FusedExpressionArrays(x)),
            new Variant("csharp_tensorprimitives", () =>
            {
                var scratch = new FusedExpressionScratch(n);
                return () => scratch.Compute(x);
            }),
            new Variant("csharp_vector512", () => () => Baselines.FusedExpressionVector512(x)),
            .. JitDsl(options =>
            {
                var kernel = ChapterKernels.FusedExpression(options);
                return () => kernel.Invoke(x)!;
            }, fastMath: true, parallel: true),
            .. JitDsl(options =>
            {
                var map = ChapterKernels.FusedExpressionMap(options);
                return () => map.Invoke(x)!;
            }, fastMath: true, parallel: true, prefix: "jitdsl_map"),
        ]);
    }

    /// <summary>
    /// JitDsl's variants of a workload: one per available backend, LLVM with fast-math where it matters, and each
    /// backend with <c>Parallel</c> (on every core, <see cref="Threads"/>) where the kernel has parallel loops.
    /// </summary>
    private static IEnumerable<Variant> JitDsl(Func<JitOptions, Func<object>> define, bool fastMath = false, bool parallel = false, string prefix = "jitdsl")
    {
        yield return new Variant($"{prefix}_clr", () => define(Clr));
        if (parallel)
            yield return new Variant($"{prefix}_clr_parallel", () => define(ClrParallel));
        if (!Jit.IsAvailable(Backend.Llvm))
            yield break;
        yield return new Variant($"{prefix}_llvm", () => define(Llvm));
        if (fastMath)
            yield return new Variant($"{prefix}_llvm_fastmath", () => define(LlvmFastMath));
        if (parallel)
            yield return new Variant($"{prefix}_llvm_parallel", () => define(LlvmParallel));
    }

    /// <summary>fused_expr with TensorPrimitives, one vectorised pass per operation into reused scratch buffers.</summary>
    private sealed class FusedExpressionScratch(int n)
    {
        private readonly double[] squares = new double[n];
        private readonly double[] sines = new double[n];

        public double[] Compute(double[] x)
        {
            var result = new double[x.Length];
            TensorPrimitives.Multiply(x, x, squares);
            TensorPrimitives.Sin(x, sines);
            TensorPrimitives.Negate(x, result);
            TensorPrimitives.Exp(result, result);
            TensorPrimitives.Multiply(sines, result, result);
            TensorPrimitives.Add(squares, result, result);
            TensorPrimitives.Sqrt(result, result);
            return result;
        }
    }
}
