using System.Numerics;
using JitDsl.Dsl;

namespace JitDsl.Tests.Semantics;

/// <summary>Every math function against .NET's Math, MathF and Complex, for float64, float32, integers and complex.</summary>
[TestClass]
public sealed class MathFunctionTests
{
    public static IEnumerable<object[]> Unary() =>
    [
        ["sqrt", (Func<Val, Val>)(x => Ops.Sqrt(x)), (Func<double, double>)Math.Sqrt],
        ["exp", (Func<Val, Val>)(x => Ops.Exp(x)), (Func<double, double>)Math.Exp],
        ["log", (Func<Val, Val>)(x => Ops.Log(x)), (Func<double, double>)Math.Log],
        ["sin", (Func<Val, Val>)(x => Ops.Sin(x)), (Func<double, double>)Math.Sin],
        ["cos", (Func<Val, Val>)(x => Ops.Cos(x)), (Func<double, double>)Math.Cos],
        ["tan", (Func<Val, Val>)(x => Ops.Tan(x)), (Func<double, double>)Math.Tan],
        ["asin", (Func<Val, Val>)(x => Ops.Asin(x)), (Func<double, double>)Math.Asin],
        ["acos", (Func<Val, Val>)(x => Ops.Acos(x)), (Func<double, double>)Math.Acos],
        ["atan", (Func<Val, Val>)(x => Ops.Atan(x)), (Func<double, double>)Math.Atan],
        ["sinh", (Func<Val, Val>)(x => Ops.Sinh(x)), (Func<double, double>)Math.Sinh],
        ["cosh", (Func<Val, Val>)(x => Ops.Cosh(x)), (Func<double, double>)Math.Cosh],
        ["tanh", (Func<Val, Val>)(x => Ops.Tanh(x)), (Func<double, double>)Math.Tanh],
        ["abs", (Func<Val, Val>)(x => Ops.Abs(x)), (Func<double, double>)Math.Abs],
        ["floor", (Func<Val, Val>)(x => Ops.Floor(x)), (Func<double, double>)Math.Floor],
        ["ceil", (Func<Val, Val>)(x => Ops.Ceil(x)), (Func<double, double>)Math.Ceiling],
        ["round", (Func<Val, Val>)(x => Ops.Round(x)), (Func<double, double>)Math.Round],
    ];

    private static readonly double[] Samples = [-2.5, -1.0, -0.5, -1e-300, 0.0, 0.3, 0.5, 1.0, 2.5, 3.7, 100.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    [TestMethod]
    [DynamicData(nameof(Unary))]
    public void Float64FunctionsEqualMath(string name, Func<Val, Val> build, Func<double, double> reference)
    {
        var kernel = Jit.Kernel((Val x) => build(x), name: name);
        foreach (var x in Samples)
            Assert.AreEqual(reference(x), kernel.Invoke<double>(x), $"{name}({x})");
    }

    [TestMethod]
    [DynamicData(nameof(Unary))]
    public void Float32FunctionsStayFloat32(string name, Func<Val, Val> build, Func<double, double> reference)
    {
        var kernel = Jit.Kernel((Val x) => build(x), name: name);
        foreach (var x in Samples.Select(s => (float)s))
        {
            var expected = (float)reference(x);
            var actual = kernel.Invoke<float>(x);
            // MathF may differ from the rounded double result in the last place.
            if (float.IsFinite(expected))
                Assert.AreEqual(expected, actual, Math.Max(2.5e-7f * Math.Abs(expected), 1e-37f), $"{name}({x}f)");
            else
                Assert.AreEqual(expected, actual, $"{name}({x}f)");
        }
    }

    [TestMethod]
    public void Issue_B5_Log1pAtTheEdges()
    {
        var log1p = Jit.Kernel((Val v) => Ops.Log1p(v));
        Assert.AreEqual(Math.Log(1e306), log1p.Invoke<double>(1e306), 1e-12 * Math.Log(1e306));
        Assert.AreEqual(double.PositiveInfinity, log1p.Invoke<double>(double.PositiveInfinity));
        Assert.AreEqual(double.NegativeInfinity, log1p.Invoke<double>(-1.0));
        Assert.IsTrue(double.IsNaN(log1p.Invoke<double>(-2.0)));
    }

    /// <summary>Special values as NumPy documents them (and C99 Annex F, which NumPy follows).</summary>
    [TestMethod]
    public void SpecialValuesAsNumPyDocumentsThem()
    {
        Assert.IsTrue(double.IsNaN(Jit.Kernel((Val x) => Ops.Sqrt(x)).Invoke<double>(-1.0)));
        Assert.AreEqual(double.NegativeInfinity, Jit.Kernel((Val x) => Ops.Log(x)).Invoke<double>(0.0));
        Assert.AreEqual(double.PositiveInfinity, Jit.Kernel((Val x) => Ops.Exp(x)).Invoke<double>(710.0));
        Assert.AreEqual(0.0, Jit.Kernel((Val x) => Ops.Exp(x)).Invoke<double>(double.NegativeInfinity));
        Assert.AreEqual(Math.PI, Jit.Kernel((Val y, Val x) => Ops.Atan2(y, x)).Invoke<double>(0.0, -0.0));
        Assert.AreEqual(double.PositiveInfinity, Jit.Kernel((Val x, Val y) => Ops.Hypot(x, y)).Invoke<double>(double.PositiveInfinity, double.NaN));
        Assert.AreEqual(double.PositiveInfinity, Jit.Kernel((Val x, Val y) => Ops.Hypot(x, y)).Invoke<double>(double.NaN, double.NegativeInfinity));
        Assert.AreEqual(-0.0, Jit.Kernel((Val x) => Ops.Ceil(x)).Invoke<double>(-0.5));
        Assert.AreEqual(1.0, Jit.Kernel((Val x, Val y) => Ops.Pow(x, y)).Invoke<double>(1.0, double.NaN));
    }

    [TestMethod]
    public void IntegerArgumentsComputeInFloat64() =>
        Assert.AreEqual(Math.Sqrt(2), Jit.Kernel((Val x) => Ops.Sqrt(x)).Invoke<double>(2));

    [TestMethod]
    public void AbsOfIntegersStaysIntegerAndWraps()
    {
        var abs = Jit.Kernel((Val x) => Ops.Abs(x));
        Assert.AreEqual(5L, abs.Invoke<long>(-5L));
        Assert.AreEqual(long.MinValue, abs.Invoke<long>(long.MinValue));
    }

    [TestMethod]
    [DataRow(1e-20)]
    [DataRow(1e-10)]
    [DataRow(0.5)]
    [DataRow(-0.5)]
    [DataRow(100.0)]
    public void Log1pIsAccurateForTinyArguments(double x)
    {
        // log1p(x) = 2 atanh(x / (2 + x)), an independent formula that is accurate near 0.
        Assert.AreEqual(2 * Math.Atanh(x / (2 + x)), Jit.Kernel((Val v) => Ops.Log1p(v)).Invoke<double>(x), 1e-15 * Math.Max(1e-20, Math.Abs(x)));
    }

    [TestMethod]
    public void BinaryFunctions()
    {
        var f = Jit.Kernel((Val y, Val x) => Ops.Atan2(y, x) + Ops.Hypot(x, y) + Ops.Pow(x, 0.5) + Ops.Min(x, y) + Ops.Max(x, y));
        var (a, b) = (1.5, 2.25);
        Assert.AreEqual(Math.Atan2(a, b) + double.Hypot(b, a) + Math.Pow(b, 0.5) + Math.Min(b, a) + Math.Max(b, a), f.Invoke<double>(a, b));
    }

    [TestMethod]
    [DataRow(1e300, 1e300)]
    [DataRow(3e-300, 4e-300)]
    [DataRow(3e-320, 4e-320)]
    [DataRow(1e200, 1e-200)]
    [DataRow(-5.0, 12.0)]
    [DataRow(0.0, -0.0)]
    public void HypotNeitherOverflowsNorUnderflowsAndIsWithinOneUlp(double x, double y)
    {
        var expected = double.Hypot(x, y);
        var actual = Jit.Kernel((Val a, Val b) => Ops.Hypot(a, b)).Invoke<double>(x, y);
        Assert.IsTrue(TestSupport.UlpsApart(expected, actual) <= 1, $"hypot({x}, {y}) = {actual:R}, .NET {expected:R}");
    }

    /// <summary>|z| over every magnitude (the scaled ranges, subnormals, zeros, NaN, infinity) is within one ulp of .NET's Complex.Abs.</summary>
    [TestMethod]
    public void ComplexAbsIsWithinOneUlpOfDotNetsEverywhere()
    {
        var random = new Random(7);
        double Part() => random.Next(8) switch
        {
            0 => 0.0,
            1 => double.PositiveInfinity,
            2 => double.NaN,
            _ => (random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-1074, 1024)),
        };
        var values = Enumerable.Range(0, 2000).Select(_ => new Complex(Part(), Part())).ToArray();
        var abs = Jit.Kernel((Arr z) =>
        {
            var result = Ops.Empty(DType.Float64, z.Length);
            Ops.For(z.Length, i => result[i] = Ops.Abs(z[i]));
            return result;
        });
        var actual = (double[])abs.Invoke(values)!;
        for (var i = 0; i < values.Length; i++)
        {
            var expected = Complex.Abs(values[i]);
            if (double.IsNaN(expected))
                Assert.IsTrue(double.IsNaN(actual[i]), $"|{values[i]}| = {actual[i]:R}");
            else
                Assert.IsTrue(TestSupport.UlpsApart(expected, actual[i]) <= 1, $"|{values[i]}| = {actual[i]:R}, .NET {expected:R}");
        }
    }

    [TestMethod]
    public void MinAndMaxPropagateNaNLikeNumPy()
    {
        Assert.IsTrue(double.IsNaN(Jit.Kernel((Val a, Val b) => Ops.Min(a, b)).Invoke<double>(double.NaN, 1.0)));
        Assert.IsTrue(double.IsNaN(Jit.Kernel((Val a, Val b) => Ops.Max(a, b)).Invoke<double>(1.0, double.NaN)));
        Assert.AreEqual(-3L, Jit.Kernel((Val a, Val b) => Ops.Min(a, b)).Invoke<long>(-3L, 4));
    }

    [TestMethod]
    public void IsNaNAndIsInf()
    {
        var classify = Jit.Kernel((Val x) => Ops.Int64(Ops.IsNaN(x)) + 2 * Ops.Int64(Ops.IsInf(x)));
        Assert.AreEqual(1L, classify.Invoke<long>(double.NaN));
        Assert.AreEqual(2L, classify.Invoke<long>(double.NegativeInfinity));
        Assert.AreEqual(0L, classify.Invoke<long>(1.0f));
        Assert.AreEqual(0L, classify.Invoke<long>(7));
        Assert.AreEqual(1L, classify.Invoke<long>(new Complex(1, double.NaN)));
    }

    [TestMethod]
    public void RoundIsHalfToEven() =>
        CollectionAssert.AreEqual(new[] { 0.0, 2.0, 2.0, -2.0 }, new[] { 0.5, 1.5, 2.5, -2.5 }.Select(x => Jit.Kernel((Val v) => Ops.Round(v)).Invoke<double>(x)).ToArray());

    [TestMethod]
    public void ComplexFunctionsEqualSystemNumerics()
    {
        var z = new Complex(0.75, -1.25);
        Assert.AreEqual(Complex.Sqrt(z), Jit.Kernel((Val x) => Ops.Sqrt(x)).Invoke<Complex>(z));
        Assert.AreEqual(Complex.Exp(z), Jit.Kernel((Val x) => Ops.Exp(x)).Invoke<Complex>(z));
        Assert.AreEqual(Complex.Log(z), Jit.Kernel((Val x) => Ops.Log(x)).Invoke<Complex>(z));
        Assert.AreEqual(Complex.Abs(z), Jit.Kernel((Val x) => Ops.Abs(x)).Invoke<double>(z));
        Assert.AreEqual(Complex.Pow(z, 2.5), Jit.Kernel((Val x) => Ops.Pow(x, 2.5)).Invoke<Complex>(z));
    }
}
