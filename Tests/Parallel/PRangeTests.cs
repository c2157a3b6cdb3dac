using JitDsl.Dsl;
using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Parallel;

/// <summary>
/// Parallel loops in the style of Numba's <c>prange_tester</c>: every kernel runs as plain C#, compiled serially,
/// and compiled parallel on 1, 2, 3 and 7 threads (more threads than this machine's cores), on both backends, and
/// all agree: exactly for integers, within the rounding of a reordered sum for floats, and bit for bit between
/// two runs with the same thread count.
/// </summary>
[TestClass]
public sealed class PRangeTests
{
    private static readonly int[] ThreadCounts = [1, 2, 3, 7];

    private static double[] Data(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    /// <summary>The kernel serially and in parallel with every thread count, each run twice: the results in order.</summary>
    private static List<(string Run, T Result)> Runs<T>(Func<JitOptions, Kernel> define, Backend backend, params object[] args)
    {
        var runs = new List<(string, T)> { ("serial", (T)define(On(backend)).Invoke(args)!) };
        var parallel = define(On(backend) with { Parallel = true });
        var setting = Threads.GetNumThreads();
        try
        {
            foreach (var threads in ThreadCounts)
            {
                Threads.SetNumThreads(threads);
                var first = (T)parallel.Invoke(args)!;
                var second = (T)parallel.Invoke(args)!;
                Assert.IsTrue(Same(first, second), $"two runs on {threads} threads differ");
                runs.Add(($"{threads} threads", first));
            }
        }
        finally
        {
            Threads.SetNumThreads(setting);
        }
        return runs;
    }

    private static bool Same(object? a, object? b) =>
        a is Array x && b is Array y ? x.Length == y.Length && x.Cast<object>().SequenceEqual(y.Cast<object>()) : Equals(a, b);

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void SumOfSquaresAgreesWithTheLoop(Backend backend)
    {
        var x = Data(100_003, 1);
        var expected = x.Sum(v => v * v);
        foreach (var (run, result) in Runs<double>(options => Jit.Kernel((Arr a) =>
        {
            var total = Var(0.0);
            PRange(a.Length, i => total.Value += a[i] * a[i]);
            return total;
        }, options), backend, x))
        {
            Assert.AreEqual(expected, result, expected * 1e-12, run);
        }
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void IntegerReductionsAreExact(Backend backend)
    {
        var values = Enumerable.Range(0, 50_001).Select(i => (long)((i * 7919L) % 10007) - 5000).ToArray();
        long sum = 17, product = 3, min = 1000, max = -1000, difference = 100;
        foreach (var v in values)
        {
            sum += v;
            product = unchecked(product * (v % 3 + 2));
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            difference -= 2 * v;
        }
        long[] expected = [sum, product, min, max, difference];
        foreach (var (run, result) in Runs<long[]>(options => Jit.Kernel((Arr a) =>
        {
            var (s, p, lo, hi, d) = (Var(17L), Var(3L), Var(1000L), Var(-1000L), Var(100L));
            PRange(a.Length, i =>
            {
                var v = a[i];
                s.Value += v;
                p.Value *= v % 3 + 2;
                lo.Value = Min(lo, v);
                hi.Value = Max(v, hi);
                d.Value -= 2 * v;
            });
            var result = Empty(DType.Int64, 5);
            result[0] = s;
            result[1] = p;
            result[2] = lo;
            result[3] = hi;
            result[4] = d;
            return result;
        }, options), backend, values))
        {
            CollectionAssert.AreEqual(expected, result, run);
        }
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void RangesWithStartAndStepWriteTheirOwnElements(Backend backend)
    {
        // Enough iterations (80,000 and 133,333) for several chunks: straight-line bodies take 8,192 a chunk at least.
        const int n = 400_000;
        var expected = new double[n];
        for (var i = 3; i < n; i += 5)
            expected[i] = i * 0.5;
        for (var i = n - 2; i > 0; i -= 3)
            expected[i] -= 1;
        foreach (var (run, result) in Runs<double[]>(options => Jit.Kernel((Val length) =>
        {
            var a = Zeros(DType.Float64, length);
            PRange(3, length, 5, i => a[i] = i * 0.5);
            PRange(length - 2, 0, -3, i => a[i] = a[i] - 1);
            return a;
        }, options), backend, (long)n))
        {
            CollectionAssert.AreEqual(expected, result, run);
        }
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void NestedPRangeRunsTheInnerLoopInEachOuterIteration(Backend backend)
    {
        var (rows, columns) = (37, 1001);
        long total = 0;
        var expected = new long[rows, columns];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                expected[i, j] = i * j - j;
                total += i * j - j;
            }
        }
        foreach (var (run, result) in Runs<long[,]>(options => Jit.Kernel((Val height, Val width) =>
        {
            var grid = Empty(DType.Int64, height, width);
            var sum = Var(0L);
            PRange(height, i => PRange(width, j =>
            {
                var value = i * j - j;
                grid[i, j] = value;
                sum.Value += value;
            }));
            grid[0, 0] = sum;
            return grid;
        }, options), backend, (long)rows, (long)columns))
        {
            expected[0, 0] = total;
            CollectionAssert.AreEqual(expected, result, run);
        }
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void LoopsOfNoOrFewIterationsRunThem(Backend backend)
    {
        foreach (var n in new long[] { 0, 1, 2, 5 })
        {
            foreach (var (run, result) in Runs<double>(options => Jit.Kernel((Val count) =>
            {
                var total = Var(0.5);
                // The inner loop makes each iteration a chunk's worth: a loop of 2 or 5 iterations splits across threads.
                PRange(count, i => For(1, _ => total.Value += i + 1));
                return total;
            }, options), backend, n))
            {
                Assert.AreEqual(0.5 + n * (n + 1) / 2, result, $"{n} iterations, {run}");
            }
        }
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void ParallelMonteCarloIsReproducibleForAThreadCount(Backend backend)
    {
        // Each chunk draws from its own stream, jumped 2^128 draws apart: the estimate depends on the thread
        // count (as the chunks do) but not on the run, and is a fair estimate of pi on every count.
        foreach (var (run, result) in Runs<double>(options => Jit.Kernel((Val samples, Val seed) =>
        {
            Seed(seed);
            var inside = Var(0L);
            PRange(samples, _ =>
            {
                var x = Uniform();
                var y = Uniform();
                If(x * x + y * y <= 1.0, () => inside.Value += 1);
            });
            return 4.0 * inside / samples;
        }, options), backend, 400_000L, 42L))
        {
            Assert.AreEqual(Math.PI, result, 0.01, run);
        }
    }

    [TestMethod]
    public void ADeviceFunctionDrawsFromItsChunksStreamOnBothBackends()
    {
        // The device function fetches its thread's generator: in a chunk, the chunk's. Both backends implement
        // the same generator and split it the same way, so they draw the same numbers.
        Func<JitOptions, Kernel> define = options =>
        {
            var noise = Jit.Kernel(() => Uniform(), options);
            // A draw inside a ufunc call inside the returned expression of another device function.
            var jitter = JitDsl.Ufunc.Vectorize(Jit.Kernel((Val x) => x + Uniform(), options), options: options);
            var shifted = Jit.Kernel((Val x) => x * 2.0 + jitter.Call(x), options);
            return Jit.Kernel((Val n, Val seed) =>
            {
                Seed(seed);
                var draws = Empty(DType.Float64, n);
                PRange(n, i => draws[i] = noise.Call() + shifted.Call(i) * 1e-6);
                return draws;
            }, options);
        };
        var clr = Runs<double[]>(define, Backend.Clr, 50_000L, 7L);
        var llvm = Runs<double[]>(define, Backend.Llvm, 50_000L, 7L);
        for (var k = 0; k < clr.Count; k++)
        {
            CollectionAssert.AreEqual(clr[k].Result, llvm[k].Result, clr[k].Run);
            Assert.AreEqual(clr[k].Result.Length, clr[k].Result.Distinct().Count(), $"{clr[k].Run}: no two draws alike");
        }
        CollectionAssert.AreEqual(clr[0].Result, clr[1].Result, "one thread draws the serial sequence");
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AReductionOfTheStepVariableKeepsTheStepTheLoopStartedWith(Backend backend)
    {
        foreach (var (run, result) in Runs<long>(options => Jit.Kernel((Val n) =>
        {
            var k = Var(3L);
            PRange(0, n, k, _ => k.Value += 1);
            return k;
        }, options), backend, 100_000L))
        {
            Assert.AreEqual(3L + (100_000 + 2) / 3, result, run);
        }
    }

    [TestMethod]
    public void UpdatesThatNarrowAMinimumOrABoolAreNotReductions()
    {
        // Min in int64 narrowed to int32 wraps: the smallest int64 need not be the smallest after wrapping.
        HasCode(Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a) =>
        {
            var m = Var(Int32(10));
            PRange(a.Length, i => m.Value = Int32(Min(m, Int64(a[i]))));
            return m;
        }, OnClr).Invoke(new double[4])), ErrorCodes.ParallelWrite);
        HasCode(Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a) =>
        {
            var any = Var(false);
            PRange(a.Length, i => any.Value = Bool(any + a[i]));
            return any;
        }, OnClr).Invoke(new double[4])), ErrorCodes.ParallelWrite);
    }

    [TestMethod]
    public void AnUpdateThatTruncatesIsNotAReduction()
    {
        // Serially 5 → 4 → … → 0 and 0 stays; chunks starting from 0 would each stay 0 and leave 5.
        var e = Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Val n) =>
        {
            var s = Var(5L);
            PRange(n, _ => s.Value = Int64(s + -0.5));
            return s;
        }, OnClr).Invoke(10L));
        HasCode(e, ErrorCodes.ParallelWrite);
    }

    [TestMethod]
    [DataRow(Backend.Clr)]
    [DataRow(Backend.Llvm)]
    public void AnIndexOutOfRangeInAChunkIsRaisedOnTheCaller(Backend backend)
    {
        var kernel = Jit.Kernel((Arr a, Val limit) =>
        {
            var total = Var(0.0);
            PRange(limit, i => total.Value += a[i]);
            return total;
        }, On(backend) with { Parallel = true });
        var setting = Threads.GetNumThreads();
        Threads.SetNumThreads(3);
        try
        {
            var e = Assert.ThrowsExactly<IndexOutOfRangeException>(() => kernel.Invoke(new double[100_000], 200_000L));
            StringAssert.Contains(e.Message, "index 100000 is out of bounds");
        }
        finally
        {
            Threads.SetNumThreads(setting);
        }
    }

    [TestMethod]
    public void AVariableWrittenOutsideAReductionIsRejected()
    {
        var line = Here() + 5;
        var e = Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a) =>
        {
            var last = Var(0.0);
            PRange(a.Length, i =>
                last.Value = a[i]);
            return last;
        }, OnClr).Invoke(new double[4]));
        HasCode(e, ErrorCodes.ParallelWrite);
        Assert.AreEqual(line, e.Line);
        StringAssert.Contains(e.Message, "`last`");
    }

    [TestMethod]
    public void AReductionAlsoReadInTheBodyIsRejected()
    {
        var line = Here() + 7;
        var e = Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a) =>
        {
            var total = Var(0.0);
            PRange(a.Length, i =>
            {
                total.Value += a[i];
                a[i] = total;
            });
            return total;
        }, OnClr).Invoke(new double[4]));
        HasCode(e, ErrorCodes.ParallelReductionUse);
        Assert.AreEqual(line, e.Line);
        StringAssert.Contains(e.Message, "`total`");
    }

    [TestMethod]
    public void AReductionWithTwoOperationsIsRejected()
    {
        var e = Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a) =>
        {
            var total = Var(1.0);
            PRange(a.Length, i =>
            {
                total.Value += a[i];
                total.Value *= a[i];
            });
            return total;
        }, OnClr).Invoke(new double[4]));
        HasCode(e, ErrorCodes.ParallelReductionUse);
    }

    [TestMethod]
    public void LeavingAPRangeEarlyIsRejected()
    {
        var breaks = Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a) =>
            PRange(a.Length, i => If(a[i] < 0, () => Break())), OnClr).Invoke(new double[4]));
        HasCode(breaks, ErrorCodes.ParallelExit);
        var returns = Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a) =>
        {
            PRange(a.Length, i => If(a[i] < 0, () => Return(i)));
            return -1L;
        }, OnClr).Invoke(new double[4]));
        HasCode(returns, ErrorCodes.ParallelExit);
    }

    [TestMethod]
    public void ABreakOfAnInnerSerialLoopIsAllowed()
    {
        // Each row's first negative element, found by a serial loop inside the parallel one.
        var kernel = Jit.Kernel((Arr a, Val columns) =>
        {
            var rows = FloorDiv(a.Length, columns);
            var first = Empty(DType.Int64, rows);
            PRange(rows, r =>
            {
                first[r] = -1;
                For(columns, c =>
                {
                    If(a[r * columns + c] < 0, () =>
                    {
                        first[r] = c;
                        Break();
                    });
                });
            });
            return first;
        }, OnClr with { Parallel = true });
        var data = Data(3000, 7);
        var result = (long[])kernel.Invoke(data, 30L)!;
        for (var r = 0; r < 100; r++)
            Assert.AreEqual(Array.FindIndex(data, r * 30, 30, v => v < 0) is var k and >= 0 ? k - r * 30 : -1, result[r], $"row {r}");
    }

    [TestMethod]
    public void ThreadCountsOutsideOneTo256AreRefused()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Threads.SetNumThreads(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Threads.SetNumThreads(Threads.MaxThreads + 1));
        var mine = Threads.GetNumThreads();
        Threads.SetNumThreads(3);
        try
        {
            // A thread of its own (a pool thread would keep the setting for whoever runs there next).
            var other = 0;
            var thread = new Thread(() =>
            {
                Threads.SetNumThreads(5);
                other = Threads.GetNumThreads();
            });
            thread.Start();
            thread.Join();
            Assert.AreEqual(5, other);
            Assert.AreEqual(3, Threads.GetNumThreads(), "another thread's setting is its own");
        }
        finally
        {
            Threads.SetNumThreads(mine);
        }
    }
}
