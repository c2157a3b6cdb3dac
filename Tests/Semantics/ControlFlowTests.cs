using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Semantics;

/// <summary>If/ElseIf/Else, For with every kind of range, While, Break, Continue and early Return, against plain C#.</summary>
[TestClass]
public sealed class ControlFlowTests
{
    [TestMethod]
    public void IfElseIfElseChain()
    {
        var classify = Jit.Kernel((Val x) =>
        {
            var result = Var(0);
            If(x < 0, () => result.Value = -1)
                .ElseIf(x == 0, () => result.Value = 0)
                .ElseIf(x < 10, () => result.Value = 1)
                .Else(() => result.Value = 2);
            return result;
        });
        foreach (var x in new[] { -5, 0, 3, 10, 99 })
            Assert.AreEqual(x < 0 ? -1 : x == 0 ? 0 : x < 10 ? 1 : 2, classify.Invoke<long>(x), $"x = {x}");
    }

    [TestMethod]
    [DataRow(0L, 10L, 1L)]
    [DataRow(3L, 17L, 4L)]
    [DataRow(10L, 0L, -3L)]
    [DataRow(5L, 5L, 1L)]
    [DataRow(-4L, 4L, 3L)]
    public void ForFollowsPythonsRange(long start, long stop, long step)
    {
        var literalStep = Jit.Kernel((Val a, Val b) =>
        {
            var total = Var(0L);
            For(a, b, -3, i => total.Value = total * 31 + i);
            return total;
        });
        var runtimeStep = Jit.Kernel((Val a, Val b, Val s) =>
        {
            var total = Var(0L);
            For(a, b, s, i => total.Value = total * 31 + i);
            return total;
        });
        var expected = 0L;
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
            expected = expected * 31 + i;
        Assert.AreEqual(expected, runtimeStep.Invoke<long>(start, stop, step));
        if (step == -3)
            Assert.AreEqual(expected, literalStep.Invoke<long>(start, stop));
    }

    [TestMethod]
    public void Issue_B2_ANegativeLiteralStopBelowIntRunsNoIterations()
    {
        var kernel = Jit.Kernel(() =>
        {
            var n = Var(0);
            For(0, -4_000_000_000L, _ => n.Value += 1);
            return n;
        });
        Assert.AreEqual(0L, kernel.Invoke<long>());
    }

    [TestMethod]
    public void Issue_B10_ARangeNearTheEndOfLongStopsAsPythonsDoes()
    {
        var kernel = Jit.Kernel((Val start, Val step) =>
        {
            var n = Var(0);
            For(start, long.MaxValue, step, _ => n.Value += 1);
            return n;
        });
        Assert.AreEqual(2L, kernel.Invoke<long>(long.MaxValue - 3, 2L));
        var literal = Jit.Kernel(() =>
        {
            var n = Var(0);
            For(long.MinValue + 3, long.MinValue, -2, _ => n.Value += 1);
            return n;
        });
        Assert.AreEqual(2L, literal.Invoke<long>());
    }

    [TestMethod]
    public void WhileWithBreakAndContinue()
    {
        // Sum of the odd numbers below 50 that are not multiples of 7, stopping at the first above 40.
        var kernel = Jit.Kernel(() =>
        {
            var i = Var(0);
            var total = Var(0);
            While(() => i < 50, () =>
            {
                i.Value += 1;
                If(i % 2 == 0, () => Continue());
                If(i % 7 == 0, () => Continue());
                If(i > 40, () => Break());
                total.Value += i;
            });
            return total;
        });
        var expected = 0L;
        for (var i = 1; i < 50; i++)
        {
            if (i % 2 == 0 || i % 7 == 0)
                continue;
            if (i > 40)
                break;
            expected += i;
        }
        Assert.AreEqual(expected, kernel.Invoke<long>());
    }

    [TestMethod]
    public void ContinueInAForLoopStillAdvancesTheIndex()
    {
        var kernel = Jit.Kernel((Val n) =>
        {
            var total = Var(0);
            For(n, i =>
            {
                If(i % 3 == 0, () => Continue());
                total.Value += i;
            });
            return total;
        });
        Assert.AreEqual(Enumerable.Range(0, 20).Where(i => i % 3 != 0).Sum(), kernel.Invoke<long>(20));
    }

    [TestMethod]
    public void BreakLeavesOnlyTheInnermostLoop()
    {
        var kernel = Jit.Kernel((Val n) =>
        {
            var count = Var(0);
            For(n, i => For(n, j =>
            {
                If(j > i, () => Break());
                count.Value += 1;
            }));
            return count;
        });
        Assert.AreEqual(10 * 11 / 2, kernel.Invoke<long>(10));
    }

    [TestMethod]
    public void ReturnFromInsideALoop()
    {
        var find = Jit.Kernel((Arr a, Val target) =>
        {
            For(a.Length, i => If(a[i] == target, () => Return(i)));
            return -1;
        });
        var data = new[] { 4.0, 8.0, 15.0, 16.0, 23.0, 42.0 };
        Assert.AreEqual(3L, find.Invoke<long>(data, 16.0));
        Assert.AreEqual(-1L, find.Invoke<long>(data, 5.0));
    }

    [TestMethod]
    public void VoidKernelWritesItsOutputAndMayReturnEarly()
    {
        var fill = Jit.Kernel((Arr a, Val value) =>
        {
            For(a.Length, i =>
            {
                If(i == 3, () => Return());
                a[i] = value;
            });
        });
        var data = new long[6];
        Assert.IsNull(fill.Invoke(data, 9L));
        CollectionAssert.AreEqual(new long[] { 9, 9, 9, 0, 0, 0 }, data);
    }

    [TestMethod]
    public void DeviceFunctionsCalledTwiceAndFromEachOther()
    {
        var square = Jit.Kernel((Val x) => x * x);
        var norm = Jit.Kernel((Val x, Val y) => Sqrt(square.Call(x) + square.Call(y)));
        var distance = Jit.Kernel((Arr a) =>
        {
            var x = Var(0.0);
            For(a.Length, i => x.Value = norm.Call(x, a[i]));
            return x;
        });
        var data = new[] { 3.0, 4.0, 12.0 };
        var expected = 0.0;
        foreach (var v in data)
            expected = Math.Sqrt(expected * expected + v * v);
        Assert.AreEqual(expected, distance.Invoke<double>(data));
    }

    [TestMethod]
    public void AGeneratedNameNeverShadowsAParameter()
    {
        // The product is shared (Twice uses it twice) but has no C# name of its own: its temporary is
        // named `t`, like the parameter, and must not be confused with it.
        static Val Twice(Val v) => v + v;
        var kernel = Jit.Kernel((Arr a, Val t) => { For(a.Length, i => a[i] = Twice(a[i] * t)); });
        var data = new[] { 1.0, 2.0 };
        kernel.Invoke(data, 3.0);
        CollectionAssert.AreEqual(new[] { 6.0, 12.0 }, data);
        StringAssert.Contains(kernel.Inspect(data, 3.0)["lower"].Output, "double t_1 = a[i] * t;");
    }

    [TestMethod]
    public void TwoDimensionalArraysAndShapes()
    {
        var transpose = Jit.Kernel((Arr m) =>
        {
            var result = Empty(DType.Float64, m.Shape[1], m.Shape[0]);
            For(m.Shape[0], i => For(m.Shape[1], j => result[j, i] = m[i, j]));
            return result;
        });
        var matrix = new double[,] { { 1, 2, 3 }, { 4, 5, 6 } };
        CollectionAssert.AreEqual(new double[,] { { 1, 4 }, { 2, 5 }, { 3, 6 } }, (double[,])transpose.Invoke(matrix)!);
    }

    [TestMethod]
    public void NegativeIndicesCountFromTheEnd()
    {
        var last = Jit.Kernel((Arr a) => a[-1] * 10 + a[-a.Length]);
        Assert.AreEqual(7 * 10 + 1.0, last.Invoke<double>(new[] { 1.0, 2.0, 7.0 }));
    }

    [TestMethod]
    public void ZerosAndEmptyAllocateInsideTheKernel()
    {
        var kernel = Jit.Kernel((Val n) =>
        {
            var counts = Zeros(DType.Int64, n);
            var squares = Empty(DType.Float64, n);
            For(n, i =>
            {
                counts[i] += i;
                squares[i] = i * i;
            });
            var like = ZerosLike(squares);
            return like.Length + counts[n - 1] + squares[n - 1];
        });
        Assert.AreEqual(10 + 9 + 81.0, kernel.Invoke<double>(10));
    }
}
