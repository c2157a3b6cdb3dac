namespace JitDsl.Bench.Workloads;

/// <summary>
/// The workloads of WORKLOADS.md with their exact inputs. Smaller sizes run the same definitions without an
/// expected checksum (the variants must then agree with each other).
/// </summary>
public static class ChapterWorkloads
{
    public const int StandardSize = 10_000_000;
    public const int MandelbrotSide = 1000;
    public const int MandelbrotIterations = 256;

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
            new Variant("jitdsl_clr", () =>
            {
                var kernel = ChapterKernels.SumSquares();
                return () => kernel.Invoke(x)!;
            }),
        ]);
    }

    public static Workload NormSquared(int n = StandardSize)
    {
        var x = Inputs.Uniform(1, n);
        return new Workload("norm_squared", n, n == StandardSize ? new Expected(3332816.925402407, RelativeTolerance: 1e-9) : null,
        [
            new Variant("csharp_loop", () => () => Baselines.SumSquaresLoop(x)),
            new Variant("jitdsl_clr", () =>
            {
                var kernel = ChapterKernels.NormSquared();
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
            new Variant("jitdsl_clr", () =>
            {
                var kernel = ChapterKernels.ClipAdd();
                return () => kernel.Invoke(x, y)!;
            }),
        ]);
    }

    public static Workload MonteCarloPi(int n = StandardSize) =>
        new("mc_pi", n, new Expected(Math.PI, AbsoluteTolerance: n == StandardSize ? 0.003 : 0.003 * Math.Sqrt((double)StandardSize / n)),
        [
            new Variant("csharp_loop", () => () => Baselines.MonteCarloPiLoop(n)),
            new Variant("csharp_arrays", () => () => Baselines.MonteCarloPiArrays(n)),
            new Variant("jitdsl_clr", () =>
            {
                var kernel = ChapterKernels.MonteCarloPi();
                return () => kernel.Invoke((long)n, 2024L)!;
            }),
        ]);

    public static Workload Mandelbrot(int side = MandelbrotSide) =>
        new("mandelbrot", (long)side * side, side == MandelbrotSide ? new Expected(46723541) : null,
        [
            new Variant("csharp_loop", () => () => Baselines.MandelbrotLoop(side, side, MandelbrotIterations)),
            new Variant("jitdsl_clr", () =>
            {
                var kernel = ChapterKernels.MandelbrotSet();
                return () => kernel.Invoke(side, side, MandelbrotIterations)!;
            }),
        ]);

    public static Workload FusedExpression(int n = StandardSize)
    {
        var x = Inputs.Uniform(4, n, scale: 10);
        return new Workload("fused_expr", n, n == StandardSize ? new Expected(50293048.88970244, RelativeTolerance: 1e-9) : null,
        [
            new Variant("csharp_loop", () => () => Baselines.FusedExpressionLoop(x)),
            new Variant("csharp_arrays", () => () => Baselines.FusedExpressionArrays(x)),
            new Variant("jitdsl_clr", () =>
            {
                var kernel = ChapterKernels.FusedExpression();
                return () => kernel.Invoke(x)!;
            }),
        ]);
    }
}
