using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Semantics;

/// <summary>
/// Array expressions against plain C# loops written from NumPy's rules: elementwise operations, broadcasting,
/// reductions, outputs, and what fusion may and may not change (nothing a NumPy user could observe).
/// </summary>
[TestClass]
public sealed class ArrayExpressionTests
{
    private static double[] Random(int n, int seed, double scale = 10, double offset = -5)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextDouble() * scale + offset).ToArray();
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ElementwiseOperationsEqualALoop(Backend backend)
    {
        var (x, y) = (Random(257, 1), Random(257, 2));
        var map = Jit.Map((Arr a, Arr b) => Where(a > b, a * b - a / b, FloorDiv(a, b) + a % b) + Abs(-a) + Min(a, b) + Float64(Int64(b)), On(backend));
        var result = map.Invoke<double[]>(x, y);
        for (var i = 0; i < x.Length; i++)
        {
            var (a, b) = (x[i], y[i]);
            var floorDiv = Math.Floor(a / b);
            var modulo = a - floorDiv * b;
            var expected = (a > b ? a * b - a / b : floorDiv + modulo) + Math.Abs(-a) + Math.Min(a, b) + (double)(long)b;
            Assert.IsLessThanOrEqualTo(2L, UlpsApart(expected, result[i]), $"element {i}: {expected} vs {result[i]}");
        }
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void MathFunctionsOfArraysAreWithinFourUlpsOfMath(Backend backend)
    {
        var x = Random(1000, 3, scale: 20, offset: -10);
        var functions = new (ArrayMap Map, Func<double, double> Reference)[]
        {
            (Jit.Map((Arr a) => Sin(a), On(backend)), Math.Sin),
            (Jit.Map((Arr a) => Exp(-a), On(backend)), v => Math.Exp(-v)),
            (Jit.Map((Arr a) => Tanh(a), On(backend)), Math.Tanh),
            (Jit.Map((Arr a) => Log(a * a + 1), On(backend)), v => Math.Log(v * v + 1)),
            (Jit.Map((Arr a) => Sqrt(Abs(a)), On(backend)), v => Math.Sqrt(Math.Abs(v))),
        };
        foreach (var (map, reference) in functions)
        {
            var result = map.Invoke<double[]>(x);
            for (var i = 0; i < x.Length; i++)
                Assert.IsLessThanOrEqualTo(4L, UlpsApart(reference(x[i]), result[i]), $"element {i} of {map.Name}");
        }
    }

    [TestMethod]
    public void FusedExpressionEqualsTheHandWrittenLoop()
    {
        var x = Random(1001, 4, scale: 10, offset: 0);
        // LLVM gets the same scalar loop either way: the same bits.
        CollectionAssert.AreEqual(
            Bench.Workloads.ChapterKernels.FusedExpression(OnLlvm).Invoke<double[]>(x),
            Jit.Map((Arr a) => Sqrt(a * a + Sin(a) * Exp(-a)), OnLlvm).Invoke<double[]>(x));
        // Clr runs the fused loop on Vector512 (.NET's vector Sin and Exp), the hand-written one with Math.
        var loop = Bench.Workloads.ChapterKernels.FusedExpression(OnClr).Invoke<double[]>(x);
        var fused = Jit.Map((Arr a) => Sqrt(a * a + Sin(a) * Exp(-a)), OnClr).Invoke<double[]>(x);
        for (var i = 0; i < x.Length; i++)
            Assert.IsLessThanOrEqualTo(4L, UlpsApart(loop[i], fused[i]), $"element {i}");
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ArraysBroadcastAsInNumPy(Backend backend)
    {
        var add = Jit.Map((Arr a, Arr b) => a * 10 + b, On(backend));
        // (2, 3) with (3,): the row is added to every row.
        var matrix = new double[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        var rowSum = add.Invoke<double[,]>(matrix, new double[] { 0.5, 0.25, 0.125 });
        CollectionAssert.AreEqual(new[] { 10.5, 20.25, 30.125, 40.5, 50.25, 60.125 }, rowSum.Cast<double>().ToArray());
        // (2, 1) with (1, 3): both stretched, to (2, 3).
        var outer = add.Invoke<double[,]>(new double[,] { { 1 }, { 2 } }, new double[,] { { 0.5, 0.25, 0.125 } });
        CollectionAssert.AreEqual(new[] { 10.5, 10.25, 10.125, 20.5, 20.25, 20.125 }, outer.Cast<double>().ToArray());
        // (2, 2, 3) with (3,) and with a scalar.
        var cube = new double[2, 2, 3];
        for (var k = 0; k < cube.Length; k++)
            cube[k / 6, k / 3 % 2, k % 3] = k;
        var fromCube = add.Invoke<double[,,]>(cube, new double[] { 0.5, 0.25, 0.125 });
        var withScalar = Jit.Map((Arr a, Val b) => a * 10 + b, On(backend)).Invoke<double[,,]>(cube, 0.5);
        for (var k = 0; k < cube.Length; k++)
        {
            Assert.AreEqual(k * 10 + new[] { 0.5, 0.25, 0.125 }[k % 3], fromCube[k / 6, k / 3 % 2, k % 3]);
            Assert.AreEqual(k * 10 + 0.5, withScalar[k / 6, k / 3 % 2, k % 3]);
        }
        // A length-1 array against a length-1 array stays length 1; against n, it is stretched.
        CollectionAssert.AreEqual(new[] { 12.0 }, add.Invoke<double[]>(new[] { 1.0 }, new[] { 2.0 }));
        CollectionAssert.AreEqual(new[] { 12.0, 13.0 }, add.Invoke<double[]>(new[] { 1.0 }, new[] { 2.0, 3.0 }));
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ShapesThatDoNotBroadcastNameTheOperationAndTheLengths(Backend backend)
    {
        var add = Jit.Map((Arr a, Arr b) => a + b, On(backend));
        var e = Assert.ThrowsExactly<ArgumentException>(() => add.Invoke(new double[2, 3], new double[2]));
        HasCode(e, ErrorCodes.ShapeMismatch);
        StringAssert.Contains(e.Message, "operands could not be broadcast together with shapes (2,3) (2,)", "NumPy's words");
        StringAssert.Contains(e.Message, "`a + b`");
        StringAssert.Contains(e.Message, "ArrayExpressionTests.cs");
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void EveryLengthIsComputedWhetherVectorsFitOrNot(Backend backend)
    {
        var map = Jit.Map((Arr a, Arr b) => Sqrt(a * a + 1) / b - 0.5, On(backend));
        for (var n = 0; n <= 40; n++)
        {
            var a = Random(n, 10 + n);
            var b = Random(n, 100 + n, scale: 1, offset: 1);
            var single = new[] { 3.0 };
            var same = map.Invoke<double[]>(a, b);
            var stretched = map.Invoke<double[]>(a, single);
            for (var i = 0; i < n; i++)
            {
                Assert.AreEqual(Math.Sqrt(a[i] * a[i] + 1) / b[i] - 0.5, same[i], $"n = {n}, element {i}");
                Assert.AreEqual(Math.Sqrt(a[i] * a[i] + 1) / 3.0 - 0.5, stretched[i], $"n = {n}, element {i}, b stretched");
            }
        }
        if (backend == Backend.Clr)
            StringAssert.Contains(map.Inspect(new double[9], new double[9])["lower"].Output, "VectorMemory.Load", "the Clr backend vectorises fused loops");

        // Larger than the caches: written with non-temporal stores after the elements before the first aligned vector.
        var big = (Random(300_001, 11), Random(300_001, 12, scale: 1, offset: 1));
        var result = map.Invoke<double[]>(big.Item1, big.Item2);
        for (var i = 0; i < result.Length; i++)
            Assert.AreEqual(Math.Sqrt(big.Item1[i] * big.Item1[i] + 1) / big.Item2[i] - 0.5, result[i], $"element {i}");
        if (backend == Backend.Clr)
            StringAssert.Contains(map.Inspect(big.Item1, big.Item2)["lower"].Output, "StoreNonTemporal512");
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void LargeResultsAreTheSameBitsWhereverTheyLand(Backend backend)
    {
        // Streamed results: every element goes through the vector functions, whatever the array's alignment.
        var map = Jit.Map((Arr a) => Exp(a) + Sin(a), On(backend));
        var x = Random(200_003, 13);
        var first = map.Invoke<double[]>(x);
        var padding = new double[3];
        var second = map.Invoke<double[]>(x);
        var into = new double[200_003];
        map.Into(into, x);
        CollectionAssert.AreEqual(first, second);
        CollectionAssert.AreEqual(first, into);
        GC.KeepAlive(padding);
        for (var i = 0; i < x.Length; i += 997)
            Assert.IsLessThanOrEqualTo(8L, UlpsApart(Math.Exp(x[i]) + Math.Sin(x[i]), first[i]), $"element {i}");
    }

    [TestMethod]
    public void DTypesFollowNumPy()
    {
        Assert.IsInstanceOfType<long[]>(Jit.Map((Arr a, Arr b) => a + b).Invoke(new int[2], new long[2]));
        Assert.IsInstanceOfType<int[]>(Jit.Map((Arr a) => a * 2).Invoke(new int[2]), "a C# int literal is weak (NEP 50)");
        Assert.IsInstanceOfType<float[]>(Jit.Map((Arr a) => a * 2.0).Invoke(new float[2]));
        Assert.IsInstanceOfType<double[]>(Jit.Map((Arr a) => a / 2).Invoke(new int[2]), "true division of integers");
        Assert.IsInstanceOfType<bool[]>(Jit.Map((Arr a) => a > 0).Invoke(new double[2]));
        Assert.IsInstanceOfType<int[]>(Jit.Map((Arr a) => Int32(a)).Invoke(new double[2]));
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ReductionsEqualLoops(Backend backend)
    {
        var o = On(backend);
        var x = Random(1000, 5);
        var y = Random(1000, 6);
        var matrix = new double[7, 9];
        for (var k = 0; k < matrix.Length; k++)
            matrix[k / 9, k % 9] = Math.Sin(k * 1.7);

        var sum = 0.0;
        var product = 1.0;
        var dot = 0.0;
        foreach (var (a, b) in x.Zip(y))
        {
            sum += a * a;
            product *= 1 + a / 100;
            dot += a * b;
        }
        Assert.AreEqual(sum, Jit.Kernel((Arr a) => Sum(a * a), o).Invoke<double>(x));
        Assert.AreEqual(product, Jit.Kernel((Arr a) => Prod(1 + a / 100), o).Invoke<double>(x));
        Assert.AreEqual(x.Sum() / x.Length, Jit.Kernel((Arr a) => Mean(a), o).Invoke<double>(x), 1e-12);
        Assert.AreEqual(dot, Jit.Kernel((Arr a, Arr b) => Dot(a, b), o).Invoke<double>(x, y));
        Assert.AreEqual(x.Min(), Jit.Kernel((Arr a) => Min(a), o).Invoke<double>(x));
        Assert.AreEqual(x.Max(), Jit.Kernel((Arr a) => Max(a), o).Invoke<double>(x));
        Assert.AreEqual((long)Array.IndexOf(x, x.Min()), Jit.Kernel((Arr a) => ArgMin(a), o).Invoke<long>(x));
        var flat = matrix.Cast<double>().ToArray();
        Assert.AreEqual((long)Array.IndexOf(flat, flat.Max()), Jit.Kernel((Arr a) => ArgMax(a), o).Invoke<long>(matrix), "C order, as flattened");
        Assert.AreEqual(flat.Sum(v => v > 0.5 ? 1L : 0L), Jit.Kernel((Arr a) => Sum(a > 0.5), o).Invoke<long>(matrix), "bools sum as int64");
        Assert.IsTrue(Jit.Kernel((Arr a) => Any(a > 4.99), o).Invoke<bool>(x) == x.Any(v => v > 4.99));
        Assert.IsTrue(Jit.Kernel((Arr a) => All(a > -5), o).Invoke<bool>(x) == x.All(v => v > -5));
        Assert.AreEqual(x.Select(v => (long)(v * 1000)).Sum(), Jit.Kernel((Arr a) => Sum(a), o).Invoke<long>(x.Select(v => (int)(v * 1000)).ToArray()), "int32 sums in int64");
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ReductionsOfNaNAndOfEmptyArraysFollowNumPy(Backend backend)
    {
        var o = On(backend);
        var withNaN = new[] { 3.0, double.NaN, 1.0, double.NaN };
        Assert.IsTrue(double.IsNaN(Jit.Kernel((Arr a) => Min(a), o).Invoke<double>(withNaN)));
        Assert.IsTrue(double.IsNaN(Jit.Kernel((Arr a) => Max(a), o).Invoke<double>(withNaN)));
        Assert.AreEqual(1L, Jit.Kernel((Arr a) => ArgMin(a), o).Invoke<long>(withNaN), "the first NaN");
        Assert.AreEqual(1L, Jit.Kernel((Arr a) => ArgMax(a), o).Invoke<long>(withNaN), "the first NaN");
        Assert.AreEqual(0L, Jit.Kernel((Arr a) => ArgMax(a), o).Invoke<long>(new[] { 2.0, 2.0 }), "the first of equals");

        var empty = Array.Empty<double>();
        Assert.AreEqual(0.0, Jit.Kernel((Arr a) => Sum(a), o).Invoke<double>(empty));
        Assert.AreEqual(1.0, Jit.Kernel((Arr a) => Prod(a), o).Invoke<double>(empty));
        Assert.IsTrue(double.IsNaN(Jit.Kernel((Arr a) => Mean(a), o).Invoke<double>(empty)));
        Assert.IsFalse(Jit.Kernel((Arr a) => Any(a), o).Invoke<bool>(empty));
        Assert.IsTrue(Jit.Kernel((Arr a) => All(a), o).Invoke<bool>(empty));
        foreach (var reduction in new[] { Jit.Kernel((Arr a) => Min(a), o), Jit.Kernel((Arr a) => ArgMax(a), o) })
        {
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => reduction.Invoke(empty));
            HasCode(e, ErrorCodes.EmptyReduction);
        }
        var mismatch = Assert.ThrowsExactly<ArgumentException>(() => Jit.Kernel((Arr a, Arr b) => Dot(a, b), o).Invoke(new double[3], new double[1]));
        HasCode(mismatch, ErrorCodes.ShapeMismatch);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void FusedExpressionsAllocateOnlyTheirResult(Backend backend)
    {
        var o = On(backend);
        var map = Jit.Map((Arr a) => Sqrt(a * a + Sin(a) * Exp(-a)), o);
        var sum = Jit.Kernel((Arr a) => Sum(a * a + Sin(a)), o);
        var (intoSmall, intoLarge) = (new double[10_000], new double[20_000]);
        // The call's own cost (arguments, a boxed result) does not grow with n; every byte more is an array.
        long Allocated(Action call)
        {
            call();
            var before = GC.GetAllocatedBytesForCurrentThread();
            call();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        var (small, large) = (Random(10_000, 7), Random(20_000, 8));
        Assert.AreEqual(10_000L * sizeof(double), Allocated(() => map.Invoke(large)) - Allocated(() => map.Invoke(small)), "the result only");
        Assert.AreEqual(0L, Allocated(() => sum.Invoke(large)) - Allocated(() => sum.Invoke(small)), "a reduction stores nothing");
        Assert.AreEqual(0L, Allocated(() => map.Into(intoLarge, large)) - Allocated(() => map.Into(intoSmall, small)), "Into allocates nothing");
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void IntoWritesTheResultIntoTheOutputOrNothingAtAll(Backend backend)
    {
        var map = Jit.Map((Arr a, Val s) => a * s, On(backend));
        var output = new double[2, 3];
        map.Into(output, new[] { 1.0, 2.0, 3.0 }, 2.0);
        CollectionAssert.AreEqual(new[] { 2.0, 4.0, 6.0, 2.0, 4.0, 6.0 }, output.Cast<double>().ToArray(), "broadcast into the output's shape");

        var narrower = new float[3];
        map.Into(narrower, new[] { 0.1, 0.2, 0.3 }, 1.0);
        CollectionAssert.AreEqual(new[] { 0.1f, 0.2f, 0.3f }, narrower, "float64 into float32: the same kind");

        var untouched = new[] { 7.0, 7.0 };
        var shape = Assert.ThrowsExactly<ArgumentException>(() => map.Into(untouched, new[] { 1.0, 2.0, 3.0 }, 2.0));
        HasCode(shape, ErrorCodes.ShapeMismatch);
        CollectionAssert.AreEqual(new[] { 7.0, 7.0 }, untouched, "nothing is written before the check");
        var kind = Assert.ThrowsExactly<TypingException>(() => map.Into(new long[3], new[] { 1.0, 2.0, 3.0 }, 2.0));
        Assert.AreEqual(ErrorCodes.OutputType, kind.Code);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AValueKeptBeforeAWriteIsTheValueBeforeTheWrite(Backend backend)
    {
        var kernel = Jit.Kernel((Arr a) =>
        {
            var doubled = a * 2;
            a.Assign(0.0);
            return doubled;
        }, On(backend));
        var x = new[] { 1.0, 2.0 };
        CollectionAssert.AreEqual(new[] { 2.0, 4.0 }, kernel.Invoke<double[]>(x), "as NumPy: computed where it was written");
        CollectionAssert.AreEqual(new[] { 0.0, 0.0 }, x);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ASharedSubexpressionIsComputedOncePerElementAndIndexingComputesOneElement(Backend backend)
    {
        var twice = Jit.Kernel((Arr a) =>
        {
            var s = Sin(a);
            return s * s + s;
        }, On(backend));
        var x = Random(5, 9);
        var result = twice.Invoke<double[]>(x);
        for (var i = 0; i < x.Length; i++)
            Assert.IsLessThanOrEqualTo(4L, UlpsApart(Math.Sin(x[i]) * Math.Sin(x[i]) + Math.Sin(x[i]), result[i]));
        var fused = twice.Inspect(x)["fuse"].Output;
        Assert.AreEqual(1, fused.Split("sin(").Length - 1, fused);

        var total = Jit.Kernel((Arr a) =>
        {
            var squares = a * a;
            var t = Var(0.0);
            For(a.Length, i => t.Value += squares.AsArray()[i]);
            return t + squares.AsArray()[-1];
        }, On(backend));
        Assert.AreEqual(x.Sum(v => v * v) + x[^1] * x[^1], total.Invoke<double>(x), 1e-12);
        StringAssert.DoesNotMatch(total.Inspect(x)["fuse"].Output, new System.Text.RegularExpressions.Regex("np.empty"), "no array is made");
        var outside = Assert.ThrowsExactly<IndexOutOfRangeException>(() =>
            Jit.Kernel((Arr a) => (a * 2).AsArray()[5], On(backend)).Invoke(new double[3]));
        HasCode(outside, ErrorCodes.IndexOutOfRange);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ReductionsAlongAnAxisEqualLoops(Backend backend)
    {
        var o = On(backend);
        var m = new double[3, 4];
        for (var k = 0; k < m.Length; k++)
            m[k / 4, k % 4] = Math.Cos(k * 0.9) * 10;
        double[] Along(int axis, Func<IEnumerable<double>, double> reduce) => axis == 0
            ? Enumerable.Range(0, 4).Select(j => reduce(Enumerable.Range(0, 3).Select(i => m[i, j]))).ToArray()
            : Enumerable.Range(0, 3).Select(i => reduce(Enumerable.Range(0, 4).Select(j => m[i, j]))).ToArray();
        CollectionAssert.AreEqual(Along(0, v => v.Aggregate(0.0, (a, b) => a + b)), Jit.Kernel((Arr a) => a.Sum(axis: 0), o).Invoke<double[]>(m));
        CollectionAssert.AreEqual(Along(1, v => v.Max()), Jit.Kernel((Arr a) => a.Max(axis: -1), o).Invoke<double[]>(m));
        CollectionAssert.AreEqual(Along(1, v => v.Aggregate(0.0, (a, b) => a + b) / 4), Jit.Kernel((Arr a) => a.Mean(axis: 1), o).Invoke<double[]>(m));
        CollectionAssert.AreEqual(Along(0, v => v.ToList().IndexOf(v.Min())).Select(d => (long)d).ToArray(), Jit.Kernel((Arr a) => a.ArgMin(axis: 0), o).Invoke<long[]>(m));
        var kept = Jit.Kernel((Arr a) => a.Sum(axis: 1, keepDims: true), o).Invoke<double[,]>(m);
        Assert.AreEqual(3, kept.GetLength(0));
        Assert.AreEqual(1, kept.GetLength(1));
        Assert.AreEqual(Along(1, v => v.Aggregate(0.0, (a, b) => a + b))[2], kept[2, 0]);
        // Reductions along an axis inside an expression: centred columns.
        var centred = Jit.Map((Arr a) => a - a.Mean(axis: 0), o).Invoke<double[,]>(m);
        var means = Along(0, v => v.Aggregate(0.0, (a, b) => a + b) / 3);
        for (var k = 0; k < m.Length; k++)
            Assert.AreEqual(m[k / 4, k % 4] - means[k % 4], centred[k / 4, k % 4], 1e-12);
        // An empty axis: Sum gives zeros, Max fails; an empty result reduces nothing and does not fail.
        CollectionAssert.AreEqual(new[] { 0.0, 0.0 }, Jit.Kernel((Arr a) => a.Sum(axis: 1), o).Invoke<double[]>(new double[2, 0]));
        HasCode(Assert.ThrowsExactly<InvalidOperationException>(() => Jit.Kernel((Arr a) => a.Max(axis: 1), o).Invoke(new double[2, 0])), ErrorCodes.EmptyReduction);
        Assert.AreEqual(0, Jit.Kernel((Arr a) => a.Max(axis: 1), o).Invoke<double[]>(new double[0, 3]).Length);
        Assert.AreEqual(ErrorCodes.IndexCount, Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a) => a.Sum(axis: 2), o).Invoke(m)).Code);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ArrayExpressionsWorkInsideKernelsThatOtherKernelsCall(Backend backend)
    {
        var o = On(backend);
        var norm = Jit.Kernel((Arr a) => Sqrt(Sum(a * a)), o);
        var scale = Jit.Kernel((Arr a) => { a.Assign(a * 2); }, o);
        var total = Jit.Kernel((Arr a) => Sum(a), o);
        var kernel = Jit.Kernel((Arr x) =>
        {
            var copy = EmptyLike(x);
            copy.Assign(x);
            scale.Call(copy);
            return total.Call(Where(x > 0, copy / norm.Call(x), 0.0));
        }, o);
        var data = new[] { 3.0, -4.0, 12.0 };
        Assert.AreEqual((6.0 + 24.0) / 13.0, kernel.Invoke<double>(data), 1e-15);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void WritingAnArrayInPlaceReadsItsScalarsFirst(Backend backend)
    {
        var kernel = Jit.Kernel((Arr a) => { a.Assign(Where(a > 0, a * 2, a[0] + Max(a))); }, On(backend));
        var x = new[] { -1.0, 3.0, -5.0 };
        kernel.Invoke(x);
        CollectionAssert.AreEqual(new[] { -1.0 + 3.0, 6.0, -1.0 + 3.0 }, x, "a[0] and Max(a) as they were before the first write, as in NumPy");
        var map = Jit.Map((Arr a) => Where(a > 0, a * 2, a[0]), On(backend));
        var y = new[] { 1.0, -1.0 };
        map.Into(y, y);
        CollectionAssert.AreEqual(new[] { 2.0, 1.0 }, y);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AKernelsResultKeepsItsValueBeforeALaterWrite(Backend backend)
    {
        var doubled = Jit.Kernel((Arr a) => a * 2, On(backend));
        var kernel = Jit.Kernel((Arr x) =>
        {
            var y = doubled.Call(x);
            var z = y + 1;
            y.AsArray().Assign(0.0);
            return z;
        }, On(backend));
        CollectionAssert.AreEqual(new[] { 3.0, 5.0 }, kernel.Invoke<double[]>(new[] { 1.0, 2.0 }));
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ArrayExpressionsInAWhileConditionAreComputedEachTime(Backend backend)
    {
        var halvings = Jit.Kernel((Arr x) =>
        {
            var n = Var(0);
            While(() =>
            {
                var half = x * 0.5;
                return Sum(half * half) > 1.0;
            }, () =>
            {
                x.Assign(x * 0.5);
                n.Value += 1;
            });
            return n;
        }, On(backend));
        // Σ(x/2)² = 25/4 > 1, then 25/16 > 1, then 25/64: two halvings.
        Assert.AreEqual(2L, halvings.Invoke<long>(new[] { 3.0, 4.0 }));
    }

    [TestMethod]
    public void DeeplySharedExpressionsCompileInLinearTime()
    {
        var kernel = Jit.Kernel((Arr x) =>
        {
            var y = x * 1.0;
            for (var k = 0; k < 40; k++)
                y = y * 0.5 + y * 0.5;   // each level uses the one below twice: 2^40 paths
            return y;
        });
        CollectionAssert.AreEqual(new[] { 1.5, -2.0 }, kernel.Invoke<double[]>(new[] { 1.5, -2.0 }));
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void Float32SumsDoNotStallAt2To24(Backend backend)
    {
        var ones = Enumerable.Repeat(1.0f, 20_000_000).ToArray();
        Assert.AreEqual(20_000_000f, Jit.Kernel((Arr a) => Sum(a), On(backend)).Invoke<float>(ones));
        Assert.AreEqual(1f, Jit.Kernel((Arr a) => Mean(a), On(backend)).Invoke<float>(ones));
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AReductionInAnElementwiseWhereIsComputedOnceBeforeTheLoop(Backend backend)
    {
        var x = new[] { 2.0, -1.0, 4.0 };
        CollectionAssert.AreEqual(new[] { 0.5, 0.0, 1.0 }, Jit.Map((Arr a) => Where(a > 0, a / Max(a), 0.0), On(backend)).Invoke<double[]>(x));
    }

    [TestMethod]
    public void AReductionUnderAConditionIsRejected()
    {
        var e = Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a, Val c) => Where(c > 0, Min(a), 0.0)).Invoke(new double[1], 1.0));
        Assert.AreEqual(ErrorCodes.ConditionalReduction, e.Code);
    }

    [TestMethod]
    public void ReductionsRejectWhatNumPyRejects()
    {
        Assert.AreEqual(ErrorCodes.OperandTypes,
            Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a) => Dot(a, a)).Invoke(new double[2, 2])).Code);
        Assert.AreEqual(ErrorCodes.OperandTypes,
            Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a) => Min(a)).Invoke(new System.Numerics.Complex[2])).Code);
        Assert.AreEqual(ErrorCodes.NotAnArray,
            Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Val a) => Sum(a)).Invoke(1.0)).Code);
    }
}
