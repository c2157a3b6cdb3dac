using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Dsl;

/// <summary>
/// A traced kernel means what the same C# would mean: a value keeps what it was when computed, even if
/// the variable or array it came from changes later; a random draw or a call happens once, where written.
/// </summary>
[TestClass]
public sealed class TracingSemanticsTests
{
    [TestMethod]
    public void SwapKeepsTheValueReadBeforeTheWrite()
    {
        var reverse = Jit.Kernel((Arr a) =>
        {
            var n = a.Length;
            For(FloorDiv(n, 2), i =>
            {
                var t = a[i];
                a[i] = a[n - 1 - i];
                a[n - 1 - i] = t;
            });
        });
        var data = new[] { 1, 2, 3, 4, 5 };
        reverse.Invoke(data);
        CollectionAssert.AreEqual(new[] { 5, 4, 3, 2, 1 }, data);
    }

    [TestMethod]
    public void AVariablesValueIsTakenWhereItIsRead()
    {
        var kernel = Jit.Kernel(() =>
        {
            var x = Var(1);
            var before = x.Value;
            x.Value = 10;
            return before * 100 + x.Value;
        });
        Assert.AreEqual(110L, kernel.Invoke<long>());
    }

    [TestMethod]
    public void AValueReadBeforeALoopIsNotReReadInside()
    {
        // Python: first = a[0], then the loop overwrites a[0]; `first` must stay the original.
        var kernel = Jit.Kernel((Arr a) =>
        {
            var first = a[0];
            For(a.Length, i => a[i] = a[i] + first);
        });
        var data = new[] { 1.0, 2.0, 3.0 };
        kernel.Invoke(data);
        CollectionAssert.AreEqual(new[] { 2.0, 3.0, 4.0 }, data);
    }

    [TestMethod]
    public void ARangeIsEvaluatedOnce()
    {
        var kernel = Jit.Kernel(() =>
        {
            var n = Var(5);
            var iterations = Var(0);
            For(n.Value, _ =>
            {
                n.Value -= 1;
                iterations.Value += 1;
            });
            return iterations;
        });
        Assert.AreEqual(5L, kernel.Invoke<long>());
    }

    [TestMethod]
    public void AWhileConditionIsReEvaluatedEveryIteration()
    {
        var kernel = Jit.Kernel(() =>
        {
            var n = Var(1);
            While(() => n < 1000, () => n.Value *= 3);
            return n;
        });
        Assert.AreEqual(2187L, kernel.Invoke<long>());
    }

    [TestMethod]
    public void ARandomDrawIsMadeOnceEvenWhenUsedTwice()
    {
        var kernel = Jit.Kernel((Arr o) =>
        {
            var u = Uniform();
            o[0] = u;
            o[1] = u;
            o[2] = Uniform();
        });
        var output = new double[3];
        kernel.Invoke(output);
        Assert.AreEqual(output[0], output[1]);
        Assert.AreNotEqual(output[0], output[2]);
    }

    [TestMethod]
    public void ACallIsMadeOnceEvenWhenItsResultIsUsedTwice()
    {
        var bump = Jit.Kernel((Arr counter) =>
        {
            counter[0] += 1;
            return counter[0];
        });
        var kernel = Jit.Kernel((Arr counter) =>
        {
            var v = bump.Call(counter);
            return v * 10 + v;
        });
        var counter = new long[1];
        Assert.AreEqual(11L, kernel.Invoke<long>(counter));
        Assert.AreEqual(1L, counter[0]);
    }

    [TestMethod]
    public void AGuardedReadDoesNotRunWhenTheGuardFails()
    {
        // `&` on bools short-circuits, so a[i] is not read when i is out of range.
        var kernel = Jit.Kernel((Arr a, Val i) => Where((i < a.Length) & (a[i] > 0), 1, 0));
        Assert.AreEqual(0L, kernel.Invoke<long>(new[] { 1.0 }, 5L));
        Assert.AreEqual(1L, kernel.Invoke<long>(new[] { 1.0 }, 0L));
    }

    [TestMethod]
    public void ASharedComputationIsComputedOnce()
    {
        var kernel = Jit.Kernel((Arr x) =>
        {
            var result = EmptyLike(x);
            For(x.Length, i =>
            {
                var s = Sin(x[i]);
                result[i] = s * s;
            });
            return result;
        });
        var lowered = kernel.Inspect(new double[1])["lower"].Output;
        Assert.AreEqual(1, lowered.Split("Math.Sin(").Length - 1, lowered);
        Assert.AreEqual(Math.Sin(2) * Math.Sin(2), ((double[])kernel.Invoke(new[] { 2.0 })!)[0]);
    }

    [TestMethod]
    public void AnElseIfConditionIsEvaluatedOnlyWhenReached()
    {
        var kernel = Jit.Kernel((Arr a, Val i) =>
        {
            var r = Var(0.0);
            If(i >= a.Length, () => r.Value = -1).ElseIf(a[i] > 2, () => r.Value = 1);
            return r;
        });
        Assert.AreEqual(-1.0, kernel.Invoke<double>(new[] { 1.0, 3.0 }, 7L));
        Assert.AreEqual(1.0, kernel.Invoke<double>(new[] { 1.0, 3.0 }, 1L));
    }

    [TestMethod]
    public void Issue_B1_AGuardedReadKeptForLaterIsStillGuarded()
    {
        // `v` must keep its value across the store, but a[i] must still be read only when i is in range.
        var kernel = Jit.Kernel((Arr a, Val i) =>
        {
            var v = Where(i < a.Length, a[i], -1.0);
            a[0] = 0.0;
            return v;
        });
        Assert.AreEqual(-1.0, kernel.Invoke<double>(new[] { 5.0, 6.0 }, 5L));
        Assert.AreEqual(5.0, kernel.Invoke<double>(new[] { 5.0, 6.0 }, 0L));
    }

    [TestMethod]
    public void Issue_B1_AConditionalValueIsNotHoistedOutOfItsCondition()
    {
        var kernel = Jit.Kernel((Arr o, Val a, Val b) =>
        {
            var q = Where(b == 0, 0, FloorDiv(a, b));
            For(o.Length, i => o[i] = q + q);
        });
        var output = new long[3];
        kernel.Invoke(output, 5L, 0L);
        CollectionAssert.AreEqual(new long[3], output);
        kernel.Invoke(output, 7L, 2L);
        CollectionAssert.AreEqual(new long[] { 6, 6, 6 }, output);
    }

    [TestMethod]
    public void Issue_B6_ALiteralOnlyValueStaysWeakWhenShared()
    {
        var kernel = Jit.Kernel((Val x) =>
        {
            var sign = Where(x > 0, 1.0, -1.0);
            return x * sign + sign;
        });
        Assert.AreEqual(3f, kernel.Invoke(2f));
    }

    [TestMethod]
    public void Issue_B8_AValueCarriedOutOfAnIfBranchIsRejected()
    {
        var line = 0;
        var e = Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Arr a, Val i) =>
        {
            Val t = 0.0;
            If(i < a.Length, () => { t = a[i]; });
            line = TestSupport.Here() + 1;
            a[0] = t;
        }));
        Assert.AreEqual(ErrorCodes.OutOfScope, e.Code);
        Assert.AreEqual(line, e.Line);
    }

    [TestMethod]
    public void Issue_B9_AnExpressionTooDeepToCompileIsAnErrorNotACrash()
    {
        var e = Assert.ThrowsExactly<TypingException>(() => Jit.Kernel((Val x) =>
        {
            var sum = x;
            for (var k = 0; k < 200_000; k++)
                sum = sum + x;
            return sum;
        }));
        Assert.AreEqual(ErrorCodes.ExpressionTooDeep, e.Code);
    }

    [TestMethod]
    public void VariablesAndTemporariesAreNamedAfterTheUsersCode()
    {
        var kernel = Jit.Kernel((Arr a) =>
        {
            var total = Var(0.0);
            For(a.Length, i =>
            {
                var square = a[i] * a[i];
                total.Value += square + square;
            });
            return total;
        });
        var typed = kernel.Inspect(new double[1])["type"].Output;
        StringAssert.Contains(typed, "total: float64 = 0.0");
        StringAssert.Contains(typed, "square: float64 = a[i] * a[i]");
    }
}
