using System.Numerics;
using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Semantics;

/// <summary>NumPy's promotion rules, with C# int and double literals weak as NumPy 2 treats Python scalars (NEP 50).</summary>
[TestClass]
public sealed class PromotionTests
{
    private static readonly Kernel Add = Jit.Kernel((Val a, Val b) => a + b);
    private static readonly Kernel Divide = Jit.Kernel((Val a, Val b) => a / b);

    public static IEnumerable<object[]> Pairs() =>
    [
        [1, 2L, typeof(long)],
        [1, 2, typeof(int)],
        [1L, 2f, typeof(double)],
        [1, 2f, typeof(double)],
        [1f, 2f, typeof(float)],
        [1f, 2.0, typeof(double)],
        [true, false, typeof(long)],
        [true, 2, typeof(int)],
        [1.0, new Complex(1, 1), typeof(Complex)],
    ];

    [TestMethod]
    [DynamicData(nameof(Pairs))]
    public void AdditionPromotesLikeNumPy(object a, object b, Type expected) =>
        Assert.AreEqual(expected, Add.Invoke(a, b)!.GetType());

    [TestMethod]
    public void TrueDivisionPromotesIntegersToFloat64AndKeepsFloat32()
    {
        Assert.IsInstanceOfType<double>(Divide.Invoke(1, 2));
        Assert.IsInstanceOfType<float>(Divide.Invoke(1f, 2f));
    }

    [TestMethod]
    public void LiteralsAdaptToTheOtherOperand()
    {
        Assert.IsInstanceOfType<float>(Jit.Kernel((Val x) => x * 2.0).Invoke(1.5f));
        Assert.IsInstanceOfType<int>(Jit.Kernel((Val x) => x + 1).Invoke(1));
        Assert.IsInstanceOfType<double>(Jit.Kernel((Val x) => x * 0.5).Invoke(3));
        Assert.IsInstanceOfType<long>(Jit.Kernel(() => Var(1) + 1).Invoke());
    }

    [TestMethod]
    public void AVariableGivenAnIntThenAFloatBecomesFloat64()
    {
        var kernel = Jit.Kernel((Val n) =>
        {
            var x = Var(0);
            For(n, i => x.Value += 0.5);
            return x;
        });
        Assert.AreEqual(2.5, kernel.Invoke<double>(5));
        StringAssert.Contains(kernel.Inspect(5)["type"].Output, "x: float64 = 0.0");
    }

    [TestMethod]
    public void ComparisonsGiveBool() => Assert.IsInstanceOfType<bool>(Jit.Kernel((Val a, Val b) => a < b).Invoke(1, 2.5));

    [TestMethod]
    public void StoringIntoAnArrayConvertsToItsElementType()
    {
        var store = Jit.Kernel((Arr a, Val v) => { a[0] = v; });
        var ints = new int[1];
        store.Invoke(ints, 7.9);
        Assert.AreEqual(7, ints[0]);
    }

    [TestMethod]
    public void ResultTypesUnifyAcrossReturns()
    {
        var kernel = Jit.Kernel((Val x) =>
        {
            If(x > 0, () => Return(1));
            return 0.5;
        });
        Assert.AreEqual(1.0, kernel.Invoke(3));
    }
}
