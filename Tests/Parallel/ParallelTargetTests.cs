using System.Linq.Expressions;
using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Parallel;

/// <summary>
/// Ufuncs and array expressions compiled with <c>Parallel = true</c> against the same compiled on one thread:
/// elementwise results, folds along an axis and accumulations are the same bits on every thread count (each
/// element is computed by the same code, each fold runs in order); a sum over all elements is within the
/// rounding of a reordered sum.
/// </summary>
[TestClass]
public sealed class ParallelTargetTests
{
    private static readonly Expression<Func<double, double, double>> ClipAdd = (x, y) => x + y > 1.0 ? 1.0 : x + y < -1.0 ? -1.0 : x + y;
    private static readonly int[] ThreadCounts = [1, 2, 3, 7];

    private static double[] Data(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    private static double[,] Grid(int rows, int columns, int seed)
    {
        var values = Data(rows * columns, seed);
        var grid = new double[rows, columns];
        Buffer.BlockCopy(values, 0, grid, 0, values.Length * sizeof(double));
        return grid;
    }

    private static void OnEveryThreadCount(Action<int> check)
    {
        var setting = Threads.GetNumThreads();
        try
        {
            foreach (var threads in ThreadCounts)
            {
                Threads.SetNumThreads(threads);
                check(threads);
            }
        }
        finally
        {
            Threads.SetNumThreads(setting);
        }
    }

    private static void AreSame(Array expected, Array actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        CollectionAssert.AreEqual(expected.Cast<double>().ToArray(), actual.Cast<double>().ToArray(), what);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AParallelUfuncGivesTheSerialResults(Backend backend)
    {
        var serial = JitDsl.Ufunc.Vectorize(ClipAdd, options: On(backend));
        var parallel = JitDsl.Ufunc.Vectorize(ClipAdd, options: On(backend) with { Parallel = true });
        var (x, y) = (Data(300_001, 1), Data(300_001, 2));
        var (column, row) = (Grid(700, 1, 3), Grid(1, 500, 4));
        var grid = Grid(400, 900, 5);
        var reversed = new NdArray<double>(x).Slice(0, step: -3);
        StringAssert.Contains(parallel.Inspect(x, y)["fuse"].Output, "prange", "the map's loop runs on the pool");
        StringAssert.Contains(parallel.InspectReduce(grid, axis: 0)["fuse"].Output, "prange", "a reduce along an axis runs the other axis on the pool");
        OnEveryThreadCount(threads =>
        {
            var what = $"{threads} threads";
            AreSame(serial.Invoke<double[]>(x, y), parallel.Invoke<double[]>(x, y), $"1-D, {what}");
            AreSame(serial.Invoke<double[,]>(column, row), parallel.Invoke<double[,]>(column, row), $"broadcast, {what}");
            AreSame(serial.Invoke<double[]>(reversed, 0.25), parallel.Invoke<double[]>(reversed, 0.25), $"a strided view, {what}");
            AreSame((double[])serial.Reduce(grid, axis: 0)!, (double[])parallel.Reduce(grid, axis: 0)!, $"reduce axis 0, {what}");
            AreSame((double[])serial.Reduce(grid, axis: 1)!, (double[])parallel.Reduce(grid, axis: 1)!, $"reduce axis 1, {what}");
            Assert.AreEqual((double)serial.Reduce(x, axis: null)!, (double)parallel.Reduce(x, axis: null)!, $"reduce all: the fold in order, {what}");
            AreSame((double[,])serial.Accumulate(grid, axis: 1)!, (double[,])parallel.Accumulate(grid, axis: 1)!, $"accumulate, {what}");
        });
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AnAssociativeUfuncReducesInChunksAndOthersInOrder(Backend backend)
    {
        var parallel = On(backend) with { Parallel = true };
        var values = Enumerable.Range(0, 300_001).Select(i => (long)(i * 7919L % 1000) - 500).ToArray();
        var add = JitDsl.Ufunc.Vectorize((long x, long y) => x + y, options: parallel, identity: 0L, associative: true);
        var max = JitDsl.Ufunc.Vectorize((double x, double y) => Math.Max(x, y), options: parallel, identity: double.NegativeInfinity, associative: true);
        var clipAdd = JitDsl.Ufunc.Vectorize(ClipAdd, options: parallel, identity: 0.0);
        var x = Data(300_001, 9);
        double clipped = 0.0;
        foreach (var v in x)
            clipped = Math.Clamp(clipped + v, -1.0, 1.0);
        OnEveryThreadCount(threads =>
        {
            Assert.AreEqual(values.Sum() + 5, (long)add.Reduce(values, axis: 0, initial: 5L)!, $"{threads} threads");
            Assert.AreEqual(x.Max(), (double)max.Reduce(x)!, $"{threads} threads");
            Assert.AreEqual(clipped, (double)clipAdd.Reduce(x)!, $"clip_add is not declared associative: one fold, {threads} threads");
        });
        StringAssert.Contains(add.InspectReduce(values)["fuse"].Output, "prange");
        Assert.IsFalse(clipAdd.InspectReduce(x)["fuse"].Output.Contains("prange", StringComparison.Ordinal), "the fold of clip_add stays one serial loop");
        Assert.ThrowsExactly<ArgumentException>(() => JitDsl.Ufunc.Vectorize((double a, double b) => a + b, associative: true));
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AParallelArrayExpressionGivesTheSerialResults(Backend backend)
    {
        var x = Data(2_000_003, 6);
        Func<Arr, Val> fused = a => Sqrt(a * a + Sin(a) * Exp(-a));
        var serial = Jit.Map(fused, On(backend));
        var parallel = Jit.Map(fused, On(backend) with { Parallel = true });
        var serialSum = Jit.Kernel((Arr a) => Sum(a * a) + Max(a) - Min(a), On(backend));
        var parallelSum = Jit.Kernel((Arr a) => Sum(a * a) + Max(a) - Min(a), On(backend) with { Parallel = true });
        var expected = (double)serialSum.Invoke(x)!;
        StringAssert.Contains(parallel.Inspect(x)["fuse"].Output, "prange");
        StringAssert.Contains(parallelSum.Inspect(x)["fuse"].Output, "prange");
        var single = serial.Invoke<double[]>(x);
        OnEveryThreadCount(threads =>
        {
            // Over a mebibyte: the chunks stream their stores, each from its own first aligned element. .NET's
            // vector Sin depends on which lanes share a vector, which chunks move (docs/SEMANTICS.md): 4 ulp there.
            var result = parallel.Invoke<double[]>(x);
            if (backend == Backend.Llvm)
                AreSame(single, result, $"{threads} threads");
            for (var i = 0; i < x.Length; i++)
                Assert.IsLessThanOrEqualTo(4L, UlpsApart(single[i], result[i]), $"element {i}, {threads} threads");
            Assert.AreEqual(expected, (double)parallelSum.Invoke(x)!, Math.Abs(expected) * 1e-12, $"{threads} threads");
        });
    }
}
