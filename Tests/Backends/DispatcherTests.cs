using JitDsl.Bench.Workloads;
using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Backends;

/// <summary>Lazy specialization per argument types, eager signatures, typed delegates, and concurrent first calls.</summary>
[TestClass]
public sealed class DispatcherTests
{
    private static Kernel Sum() => Jit.Kernel((Arr a) =>
    {
        var total = Var(0);
        For(a.Length, i => total.Value += a[i]);
        return total;
    });

    [TestMethod]
    public void CompilesOneSpecializationPerArgumentSignature()
    {
        var sum = Sum();
        Assert.AreEqual(6.0, sum.Invoke(new[] { 1.0, 2.0, 3.0 }));
        Assert.AreEqual(6L, sum.Invoke(new[] { 1, 2, 3 }));
        Assert.AreEqual(6.0, sum.Invoke(new[] { 1f, 2f, 3f })); // the int64 Var meets float32: float64
        Assert.AreEqual(10.0, sum.Invoke(new[] { 1.0, 2.0, 3.0, 4.0 }));
        CollectionAssert.AreEquivalent(new[] { "float64(float64[:])", "int64(int32[:])", "float64(float32[:])" }, sum.Signatures.ToArray());
        Assert.AreEqual(3, sum.Compilations);
    }

    [TestMethod]
    public void AnEagerSignatureCompilesAtDefinitionAndAcceptsSafeCasts()
    {
        var scale = Jit.Kernel("float64(float64[:], float64)", (Arr a, Val factor) => a[0] * factor);
        Assert.AreEqual(1, scale.Compilations);
        Assert.AreEqual(6.0, scale.Invoke(new[] { 2.0 }, 3));
        Assert.AreEqual(1, scale.Compilations);
        var e = Assert.ThrowsExactly<KernelArgumentException>(() => scale.Invoke(new[] { 2 }, 3.0));
        Assert.AreEqual(ErrorCodes.NoMatchingSignature, e.Code);
        StringAssert.Contains(e.Message, "float64(float64[:], float64)");
    }

    [TestMethod]
    public void SeveralSignaturesPickTheFirstThatAccepts()
    {
        var twice = Jit.Kernel(["int64(int64)", "float64(float64)"], (Val x) => x * 2);
        Assert.AreEqual(8L, twice.Invoke(4));
        Assert.AreEqual(5.0, twice.Invoke(2.5));
        Assert.AreEqual(2, twice.Compilations);
    }

    [TestMethod]
    public void PinnedParametersStillAcceptSafeCastsToADeclaredSignature()
    {
        var twice = Jit.Kernel("float64(float64)", (Val<double> x) => x * 2);
        Assert.AreEqual(6.0, twice.Invoke(3));
    }

    [TestMethod]
    public void ASignatureThatDoesNotFitTheKernelFailsAtDefinition()
    {
        Assert.AreEqual(ErrorCodes.SignatureSyntax,
            Assert.ThrowsExactly<TypingException>(() => Jit.Kernel("float64(float64, float64)", (Val x) => x)).Code);
        Assert.AreEqual(ErrorCodes.ParameterMismatch,
            Assert.ThrowsExactly<TypingException>(() => Jit.Kernel("float64(float64)", (Arr a) => a[0])).Code);
    }

    [TestMethod]
    public void ArrayResultsCanBeDeclared()
    {
        var copy = Jit.Kernel("float64[:](float64[:])", (Arr a) =>
        {
            var result = EmptyLike(a);
            For(a.Length, i => result[i] = a[i]);
            return result;
        });
        CollectionAssert.AreEqual(new[] { 1.0, 2.0 }, (double[])copy.Invoke(new[] { 1.0, 2.0 })!);
    }

    private delegate double Norm(double[] values);

    [TestMethod]
    public void CompileToADelegateTypeOfTheUsersOwn()
    {
        Norm norm = Sum().Compile<Norm>();
        Assert.AreEqual(6.0, norm([1.0, 2.0, 3.0]));
        var e = Assert.ThrowsExactly<KernelArgumentException>(() => Sum().Compile<Func<double[], double[], double>>());
        Assert.AreEqual(ErrorCodes.ArgumentCount, e.Code);
    }

    [TestMethod]
    public void ADeclaredResultTypeConvertsTheResult()
    {
        var half = Jit.Kernel("float32(float64)", (Val x) => x / 2);
        Assert.AreEqual(1.25f, half.Invoke(2.5));
    }

    [TestMethod]
    public void TypedDelegatesCallDirectly()
    {
        Func<double[], double> norm = ChapterKernels.NormSquared();
        Assert.AreEqual(14.0, norm([1.0, 2.0, 3.0]));
        var sum = Sum();
        var sumInts = sum.Compile<Func<int[], long>>();
        Assert.AreEqual(6L, sumInts([1, 2, 3]));
        Assert.AreEqual(10.5, sum.Invoke<double>(new[] { 10.5 }));
        Assert.AreEqual(10.5, sum.Compile<Func<double[], double>>()([10.5]));
        Assert.AreEqual(2, sum.Compilations, "a typed delegate for a signature already called reuses its code");
    }

    [TestMethod]
    public void SixtyFourThreadsCompileEachSpecializationOnce()
    {
        var sum = Sum();
        var inputs = new object[] { new[] { 1.0, 2.0 }, new[] { 1, 2 }, new[] { 1L, 2L }, new[] { 1f, 2f } };
        using var start = new Barrier(64);
        var results = new object?[64];
        var threads = Enumerable.Range(0, 64).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            results[t] = sum.Invoke(inputs[t % inputs.Length]);
        })).ToArray();
        foreach (var thread in threads)
            thread.Start();
        foreach (var thread in threads)
            thread.Join();
        Assert.AreEqual(4, sum.Compilations);
        for (var t = 0; t < 64; t++)
            Assert.AreEqual(3.0, Convert.ToDouble(results[t]), $"thread {t}");
    }

    [TestMethod]
    public void AFailedCompilationIsReportedAgainNotCached()
    {
        var bad = Jit.Kernel((Arr a) => a & 2.0);
        Assert.ThrowsExactly<TypingException>(() => bad.Invoke(new double[1]));
        Assert.ThrowsExactly<TypingException>(() => bad.Invoke(new double[1]));
        Assert.AreEqual(2, bad.Compilations);
        Assert.AreEqual(0, bad.Signatures.Count);
    }

    [TestMethod]
    public void InvokeOfTheWrongResultTypeRunsTheKernelOnceAndSaysWhatItReturned()
    {
        var count = Jit.Kernel((Arr calls) =>
        {
            calls[0] += 1;
            return calls[0];
        });
        var calls = new long[1];
        var e = Assert.ThrowsExactly<InvalidCastException>(() => count.Invoke<double>(calls));
        StringAssert.Contains(e.Message, "returned Int64, not Double");
        Assert.AreEqual(1L, calls[0]);
    }

    [TestMethod]
    public void NamesComeFromTheVariableOrTheOption()
    {
        var sumOfSquares = Jit.Kernel((Val x) => x * x);
        Assert.AreEqual("sumOfSquares", sumOfSquares.Name);
        Assert.AreEqual("square", Jit.Kernel((Val x) => x * x, name: "square").Name);
    }
}
