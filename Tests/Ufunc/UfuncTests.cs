using System.Linq.Expressions;
using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Ufunc;

/// <summary>Ufuncs against loops written from NumPy's rules for @vectorize: broadcasting, signatures, out, calls from kernels.</summary>
[TestClass]
public sealed class UfuncTests
{
    private static readonly Expression<Func<double, double, double>> ClipAdd = (x, y) => x + y > 1.0 ? 1.0 : x + y < -1.0 ? -1.0 : x + y;

    private static double Clip(double x, double y) => Math.Clamp(x + y, -1.0, 1.0);

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AUfuncBroadcastsItsArguments(Backend backend)
    {
        var clipAdd = JitDsl.Ufunc.Vectorize(ClipAdd, options: On(backend));
        var a = new double[3, 4];
        for (var k = 0; k < a.Length; k++)
            a[k / 4, k % 4] = Math.Sin(k) * 1.5;
        var b = new[] { 0.5, -0.25, 0.75, -1.0 };
        var r = clipAdd.Invoke<double[,]>(a, b);
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 4; j++)
                Assert.AreEqual(Clip(a[i, j], b[j]), r[i, j]);
        Assert.AreEqual(Clip(0.75, 0.5), clipAdd.Invoke<double>(0.75, 0.5), "scalars give a scalar");
        var column = new double[,] { { 0.1 }, { 0.9 } };
        var row = new double[,] { { 0.2, 0.5, -0.4 } };
        var outer = clipAdd.Invoke<double[,]>(column, row);
        Assert.AreEqual(Clip(0.9, 0.5), outer[1, 1]);
        Assert.AreEqual(0, clipAdd.Invoke<double[]>(new double[0], 1.0).Length, "0-size");
        var view = new NdArray<double>(b).Slice(0, step: -1);
        CollectionAssert.AreEqual(b.Reverse().Select(v => Clip(v, 0.3)).ToArray(), clipAdd.Invoke<double[]>(view, 0.3), "a non-contiguous view");
        HasCode(Assert.ThrowsExactly<ArgumentException>(() => clipAdd.Invoke(new double[3], new double[4])), ErrorCodes.ShapeMismatch);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ABranchyLambdaRunsAsVectorSelectsWithTheScalarMeaning(Backend backend)
    {
        var clipAdd = JitDsl.Ufunc.Vectorize(ClipAdd, options: On(backend));
        foreach (var n in new[] { 37, 300_001 })
        {
            var x = Enumerable.Range(0, n).Select(k => k % 7 == 0 ? double.NaN : k % 11 == 0 ? double.PositiveInfinity : Math.Sin(k) * 2).ToArray();
            var y = Enumerable.Range(0, n).Select(k => k % 13 == 0 ? double.NegativeInfinity : Math.Cos(k)).ToArray();
            var r = clipAdd.Invoke<double[]>(x, y);
            for (var i = 0; i < n; i++)
            {
                var s = x[i] + y[i];
                var expected = s > 1.0 ? 1.0 : s < -1.0 ? -1.0 : s;
                Assert.AreEqual(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(r[i]), $"n = {n}, element {i}: {x[i]} + {y[i]}");
            }
        }
        if (backend == Backend.Clr)
            StringAssert.Contains(clipAdd.Inspect(new double[9], new double[9])["lower"].Output, "ConditionalSelect", "the lambda's body is inlined and vectorised");
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void SignaturesAreTriedInOrderWithSafeCasts(Backend backend)
    {
        var multiply = JitDsl.Ufunc.Vectorize(Jit.Kernel((Val x, Val y) => x * y, On(backend)), ["int64(int64, int64)", "float64(float64, float64)"], On(backend));
        CollectionAssert.AreEqual(new[] { 6L, 8L }, multiply.Invoke<long[]>(new[] { 2, 4 }, new[] { 3L, 2L }), "int32 casts safely to int64");
        CollectionAssert.AreEqual(new[] { 1.0, 0.5 }, multiply.Invoke<double[]>(new[] { 2.0, 1.0 }, new[] { 0.5f, 0.5f }), "float64 fits only the second");
        var e = Assert.ThrowsExactly<TypingException>(() => multiply.Invoke(new System.Numerics.Complex[1], new double[1]));
        Assert.AreEqual(ErrorCodes.NoMatchingSignature, e.Code);
        StringAssert.Contains(e.Message, "int64(int64, int64), float64(float64, float64)", "the message lists the signatures");
        CollectionAssert.AreEqual(new[] { "int64(int64, int64)", "float64(float64, float64)" }, multiply.Signatures.ToArray());
        Assert.AreEqual(ErrorCodes.SignatureSyntax,
            Assert.ThrowsExactly<TypingException>(() => JitDsl.Ufunc.Vectorize(ClipAdd, ["float64[:](float64[:], float64)"])).Code);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AUfuncFromAKernelWithBranchesWritesIntoAnOutput(Backend backend)
    {
        var clip = Jit.Kernel((Val x, Val y) =>
        {
            var s = x + y;
            If(s > 1.0, () => Return(1.0));
            If(s < -1.0, () => Return(-1.0));
            return s;
        }, On(backend));
        var clipAdd = JitDsl.Ufunc.Vectorize(clip, ["float64(float64, float64)"], On(backend));
        var x = new[] { 0.9, -0.6, 0.1 };
        var output = new float[2, 3];
        clipAdd.Into(output, x, new double[,] { { 0.5 }, { -0.5 } });
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
                Assert.AreEqual((float)Clip(x[j], i == 0 ? 0.5 : -0.5), output[i, j]);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AUfuncInsideAKernelIsFusedWithItsSurroundings(Backend backend)
    {
        var clipAdd = JitDsl.Ufunc.Vectorize(ClipAdd, options: On(backend));
        var kernel = Jit.Kernel((Arr x, Arr y) => Sum(clipAdd.Call(x, y) * 2), On(backend));
        var (a, b) = (new[] { 0.9, 0.5, -0.2 }, new[] { 0.9, -2.0, 0.1 });
        Assert.AreEqual(a.Zip(b).Sum(p => Clip(p.First, p.Second) * 2), kernel.Invoke<double>(a, b), 1e-15);
        StringAssert.DoesNotMatch(kernel.Inspect(a, b)["fuse"].Output, new System.Text.RegularExpressions.Regex("np.empty"), "nothing is stored");
    }

    private static double Fold(IEnumerable<double> values, double? initial = null)
    {
        var list = values.ToList();
        var acc = initial ?? list[0];
        foreach (var v in initial is null ? list.Skip(1) : list)
            acc = Clip(acc, v);
        return acc;
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ReduceIsTheLeftFoldAlongAnAxis(Backend backend)
    {
        var clipAdd = JitDsl.Ufunc.Vectorize(ClipAdd, options: On(backend));
        var v = Enumerable.Range(0, 1001).Select(k => Math.Sin(k * 0.37) * 0.6).ToArray();
        Assert.AreEqual(Fold(v), clipAdd.Reduce(v), "clip_add is not associative: only the left fold gives this");
        Assert.AreEqual(Fold(v, 1.0), clipAdd.Reduce(v, initial: 1.0));
        var m = new double[4, 5];
        for (var k = 0; k < m.Length; k++)
            m[k / 5, k % 5] = Math.Cos(k * 1.3) * 0.7;
        CollectionAssert.AreEqual(Enumerable.Range(0, 5).Select(j => Fold(Enumerable.Range(0, 4).Select(i => m[i, j]))).ToArray(), (double[])clipAdd.Reduce(m, 0)!);
        CollectionAssert.AreEqual(Enumerable.Range(0, 4).Select(i => Fold(Enumerable.Range(0, 5).Select(j => m[i, j]))).ToArray(), (double[])clipAdd.Reduce(m, -1)!);
        Assert.AreEqual(Fold(m.Cast<double>()), clipAdd.Reduce(m, axis: null), "all elements, in C order");
        var kept = (double[,])clipAdd.Reduce(m, 1, keepDims: true)!;
        Assert.AreEqual((4, 1), (kept.GetLength(0), kept.GetLength(1)));
        CollectionAssert.AreEqual(Enumerable.Range(0, 4).Select(i => Fold(Enumerable.Range(0, 5).Select(j => m[i, j]))).ToArray(), kept.Cast<double>().ToArray());
        var view = new NdArray<double>(v).Slice(0, step: -3);
        Assert.AreEqual(Fold(view.ToArray()), clipAdd.Reduce(view), "a strided view");
        HasCode(Assert.ThrowsExactly<InvalidOperationException>(() => clipAdd.Reduce(new double[0])), ErrorCodes.EmptyReduction);
        Assert.AreEqual(ErrorCodes.IndexCount, Assert.ThrowsExactly<TypingException>(() => clipAdd.Reduce(m, 2)).Code);
        var add = JitDsl.Ufunc.Vectorize((Expression<Func<double, double, double>>)((x, y) => x + y), options: On(backend), identity: 0.0);
        Assert.AreEqual(0.0, add.Reduce(new double[0]), "an identity reduces nothing to itself");
        CollectionAssert.AreEqual(new[] { 0.0, 0.0 }, (double[])add.Reduce(new double[2, 0], 1)!);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AnExplicitDtypeComputesInIt(Backend backend)
    {
        var multiply = JitDsl.Ufunc.Vectorize(Jit.Kernel((Val x, Val y) => x * y + 0.1, On(backend)), options: On(backend));
        var (x, y) = (new[] { 1.1, 2.7, -3.3e10 }, new[] { 0.3, 1e-3, 7.0 });
        var single = (float[])multiply.Invoke(DType.Float32, x, y)!;
        CollectionAssert.AreEqual(x.Select((v, i) => (float)v * (float)y[i] + 0.1f).ToArray(), single, "float32 arithmetic, float32 result");
        var integers = new long[] { 3, -4, 1L << 53 };
        CollectionAssert.AreEqual(integers.Select(v => (double)v * 2.0 + 0.1).ToArray(), (double[])multiply.Invoke(DType.Float64, integers, 2L)!, "int64 up to float64");
        var e = Assert.ThrowsExactly<ArgumentException>(() => multiply.Invoke(DType.Int64, x, y));
        HasCode(e, ErrorCodes.OutputType);
        StringAssert.Contains(e.Message, "argument 1 is float64");
        var divide = JitDsl.Ufunc.Vectorize(Jit.Kernel((Val a, Val b) => a / b, On(backend)), options: On(backend));
        HasCode(Assert.ThrowsExactly<TypingException>(() => divide.Invoke(DType.Int64, new long[] { 7 }, new long[] { 2 })), ErrorCodes.OutputType);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AReorderableUfuncReducesSeveralAxes(Backend backend)
    {
        var add = JitDsl.Ufunc.Vectorize((long x, long y) => x + y, options: On(backend), identity: 0L);
        var cube = new long[3, 4, 5];
        for (var k = 0; k < cube.Length; k++)
            cube[k / 20, k / 5 % 4, k % 5] = k * k % 17 - 8;
        long Sum(Func<int, int, int, bool> where)
        {
            long total = 0;
            for (var i = 0; i < 3; i++)
                for (var j = 0; j < 4; j++)
                    for (var l = 0; l < 5; l++)
                        total += where(i, j, l) ? cube[i, j, l] : 0;
            return total;
        }
        CollectionAssert.AreEqual(Enumerable.Range(0, 4).Select(j => Sum((_, b, _) => b == j)).ToArray(), (long[])add.Reduce(cube, [0, 2])!);
        CollectionAssert.AreEqual(Enumerable.Range(0, 4).Select(j => Sum((_, b, _) => b == j)).ToArray(), (long[])add.Reduce(cube, [-1, 0])!, "negative axes");
        var kept = (long[,,])add.Reduce(cube, [0, 2], keepDims: true)!;
        Assert.AreEqual((1, 4, 1), (kept.GetLength(0), kept.GetLength(1), kept.GetLength(2)));
        Assert.AreEqual(Sum((_, b, _) => b == 2), kept[0, 2, 0]);
        Assert.AreEqual(Sum((_, _, _) => true) + 10, add.Reduce(cube, [0, 1, 2], initial: 10L));
        CollectionAssert.AreEqual(Enumerable.Range(0, 4).Select(j => Sum((_, b, _) => b == j) + 10).ToArray(), (long[])add.Reduce(cube, [0, 2], initial: 10)!,
            "an int initial is converted to the accumulator, once per result element");
        Assert.ThrowsExactly<ArgumentException>(() => add.Reduce(cube, [1, -2]));
        Assert.ThrowsExactly<ArgumentException>(() => add.Reduce(cube, Array.Empty<int>()));
        var clipAdd = JitDsl.Ufunc.Vectorize(ClipAdd, options: On(backend));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => clipAdd.Reduce(new double[2, 2], [0, 1])).Message, "not reorderable");
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AccumulateKeepsEveryStepAndOuterPairsEveryElement(Backend backend)
    {
        var clipAdd = JitDsl.Ufunc.Vectorize(ClipAdd, options: On(backend));
        var v = new[] { 0.5, 0.4, 0.3, -0.9, -0.8 };
        CollectionAssert.AreEqual(v.Select((_, k) => Fold(v.Take(k + 1))).ToArray(), (double[])clipAdd.Accumulate(v)!);
        var m = new double[,] { { 0.5, 0.4 }, { 0.3, -0.9 }, { 0.9, 0.9 } };
        var down = (double[,])clipAdd.Accumulate(m, 0)!;
        Assert.AreEqual(Fold([0.5, 0.3, 0.9]), down[2, 0]);
        Assert.AreEqual(Fold([0.4, -0.9]), down[1, 1]);
        var (a, b) = (new[] { 0.1, 0.9 }, new[,] { { 0.2, 0.5 }, { -0.4, 0.0 } });
        var outer = (double[,,])clipAdd.Outer(a, b)!;
        CollectionAssert.AreEqual(new[] { 2, 2, 2 }, new[] { outer.GetLength(0), outer.GetLength(1), outer.GetLength(2) });
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 2; j++)
                for (var k = 0; k < 2; k++)
                    Assert.AreEqual(Clip(a[i], b[j, k]), outer[i, j, k]);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void UfuncsKeepNumPysMeaningInEveryCorner(Backend backend)
    {
        var o = On(backend);
        // Inlined into a branch of Where: the argument is computed only where that branch is taken.
        var square = JitDsl.Ufunc.Vectorize((Expression<Func<long, long>>)(x => x * x), options: o);
        var guarded = Jit.Kernel((Arr a, Arr b) => Where(b != 0, square.Call(FloorDiv(a, b)), 0), o);
        CollectionAssert.AreEqual(new[] { 4L, 0L }, guarded.Invoke<long[]>(new[] { 6L, 5L }, new[] { 3L, 0L }));
        // A declared result converts what the function returns.
        var sum = JitDsl.Ufunc.Vectorize(Jit.Kernel((Val x, Val y) => x + y, o), ["float64(int64, int64)"], o);
        CollectionAssert.AreEqual(new[] { 4.0, 6.0 }, sum.Invoke<double[]>(new[] { 1L, 2L }, new[] { 3L, 4L }));
        Assert.AreEqual(ErrorCodes.OperandTypes, Assert.ThrowsExactly<TypingException>(() => sum.Reduce(new[] { 1L, 2L })).Code,
            "its float64 results cannot be folded as its int64 arguments (NumPy refuses such a reduce too)");
        // A C# lambda's parameter types act as its signature: other dtypes cast to them safely.
        var clipAdd = JitDsl.Ufunc.Vectorize(ClipAdd, options: o);
        CollectionAssert.AreEqual(new[] { 1.0, 1.0 }, clipAdd.Invoke<double[]>(new[] { 1, 2 }, new[] { 0, 1 }));
        CollectionAssert.AreEqual(new[] { 1.0, 0.5 }, clipAdd.Invoke<double[]>(new[] { 0.5, -0.5 }, 1));
        Assert.AreEqual(ErrorCodes.NoMatchingSignature, Assert.ThrowsExactly<TypingException>(() => clipAdd.Invoke(new System.Numerics.Complex[1], 1.0)).Code);
        // A value used twice is one value, even when it draws random numbers.
        var noisy = JitDsl.Ufunc.Vectorize(Jit.Kernel((Val x) => x + Uniform(), o), options: o);
        var thresholded = Jit.Kernel((Arr a) =>
        {
            var t = noisy.Call(a);
            return Where(t > 0.5, t, 0.0);
        }, o).Invoke<double[]>(new double[1000]);
        Assert.IsTrue(thresholded.All(v => v == 0.0 || v > 0.5), "the kept values are the tested ones");
        Assert.IsTrue(thresholded.Count(v => v > 0.5) is > 300 and < 700, "about half the draws are kept");
        // The first element must fit the accumulator; an initial value must too.
        var magnitude = JitDsl.Ufunc.Vectorize((Expression<Func<System.Numerics.Complex, System.Numerics.Complex, double>>)((x, y) => x.Magnitude + y.Magnitude), options: o);
        Assert.AreEqual(ErrorCodes.InvalidCast, Assert.ThrowsExactly<TypingException>(() => magnitude.Reduce(new System.Numerics.Complex[2])).Code);
        Assert.AreEqual(ErrorCodes.InvalidCast, Assert.ThrowsExactly<TypingException>(() => clipAdd.Reduce(new double[2], initial: System.Numerics.Complex.One)).Code);
        // keepDims over all elements: an array of the input's rank.
        var kept = (double[,])clipAdd.Reduce(new double[,] { { 0.25, 0.5 } }, axis: null, keepDims: true)!;
        Assert.AreEqual(0.75, kept[0, 0]);
    }
}
