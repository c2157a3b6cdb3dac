using System.Numerics;
using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Semantics;

/// <summary>
/// Operators against Python's and NumPy's documented results (docs/SEMANTICS.md): floor division and
/// modulo round toward negative infinity, integers wrap, true division of integers gives float64.
/// </summary>
[TestClass]
public sealed class OperatorTests
{
    private static readonly Kernel FloorDivide = Jit.Kernel((Val a, Val b) => FloorDiv(a, b));
    private static readonly Kernel Modulo = Jit.Kernel((Val a, Val b) => a % b);
    private static readonly Kernel Divide = Jit.Kernel((Val a, Val b) => a / b);
    private static readonly Kernel Power = Jit.Kernel((Val a, Val b) => Pow(a, b));
    private static readonly Kernel Add = Jit.Kernel((Val a, Val b) => a + b);

    [TestMethod]
    [DataRow(7L, 2L, 3L)]
    [DataRow(-7L, 2L, -4L)]
    [DataRow(7L, -2L, -4L)]
    [DataRow(-7L, -2L, 3L)]
    [DataRow(6L, 3L, 2L)]
    [DataRow(long.MinValue, -1L, long.MinValue)] // wraps, as NumPy does
    public void IntegerFloorDivisionRoundsDown(long a, long b, long expected) =>
        Assert.AreEqual(expected, FloorDivide.Invoke<long>(a, b));

    [TestMethod]
    [DataRow(7L, 2L, 1L)]
    [DataRow(-7L, 2L, 1L)]
    [DataRow(7L, -2L, -1L)]
    [DataRow(-7L, -2L, -1L)]
    [DataRow(long.MinValue, -1L, 0L)]
    public void IntegerModuloTakesTheSignOfTheDivisor(long a, long b, long expected) =>
        Assert.AreEqual(expected, Modulo.Invoke<long>(a, b));

    [TestMethod]
    [DataRow(-7.5, 2.0, -4.0, 0.5)]
    [DataRow(7.5, -2.0, -4.0, -0.5)]
    [DataRow(7.5, 2.0, 3.0, 1.5)]
    [DataRow(1.0, 0.1, 9.0, 0.09999999999999995)] // Python: divmod(1.0, 0.1) == (9.0, 0.09999999999999995)
    public void FloatFloorDivisionAndModuloMatchPythonsDivmod(double a, double b, double quotient, double remainder)
    {
        Assert.AreEqual(quotient, FloorDivide.Invoke<double>(a, b));
        Assert.AreEqual(remainder, Modulo.Invoke<double>(a, b));
    }

    [TestMethod]
    public void FloatDivisionAndModuloByZeroFollowIeee()
    {
        Assert.AreEqual(double.PositiveInfinity, Divide.Invoke<double>(1.0, 0.0));
        Assert.IsTrue(double.IsNaN(Modulo.Invoke<double>(1.0, 0.0)));
        Assert.AreEqual(double.NegativeInfinity, FloorDivide.Invoke<double>(-1.0, 0.0));
    }

    [TestMethod]
    public void TrueDivisionOfIntegersGivesFloat64() => Assert.AreEqual(3.5, Divide.Invoke<double>(7, 2));

    [TestMethod]
    [DataRow(3L, 4L, 81L)]
    [DataRow(-2L, 3L, -8L)]
    [DataRow(2L, 63L, long.MinValue)]
    [DataRow(5L, 0L, 1L)]
    public void IntegerPowerWraps(long a, long b, long expected) => Assert.AreEqual(expected, Power.Invoke<long>(a, b));

    [TestMethod]
    public void IntegerOverflowWraps()
    {
        Assert.AreEqual(long.MinValue, Add.Invoke<long>(long.MaxValue, 1L));
        Assert.AreEqual(int.MinValue, Add.Invoke<int>(int.MaxValue, 1));
    }

    [TestMethod]
    public void BitOperatorsAndShiftsActOnIntegers()
    {
        var bits = Jit.Kernel((Val a, Val b) => ((a & b) ^ (a | b)) + (a << 3) + (a >> 1) + ~b);
        long a = -37, b = 1234;
        Assert.AreEqual(((a & b) ^ (a | b)) + (a << 3) + (a >> 1) + ~b, bits.Invoke<long>(a, b));
    }

    [TestMethod]
    public void ComparisonsWithNaNAreFalseExceptNotEqual()
    {
        var compare = Jit.Kernel((Val a, Val b) => Int64(a < b) + 2 * Int64(a <= b) + 4 * Int64(a == b) + 8 * Int64(a != b) + 16 * Int64(a > b));
        Assert.AreEqual(8L, compare.Invoke<long>(double.NaN, 1.0));
        Assert.AreEqual(1L + 2 + 8, compare.Invoke<long>(1.0, 2.0));
        Assert.AreEqual(2L + 4, compare.Invoke<long>(3, 3L));
    }

    [TestMethod]
    public void Issue_B3_BoolsAreOrderedFalseBeforeTrue()
    {
        var less = Jit.Kernel((Val a, Val b) => a < b);
        Assert.IsTrue(less.Invoke<bool>(false, true));
        Assert.IsFalse(less.Invoke<bool>(true, false));
        Assert.IsTrue(Jit.Kernel((Val a, Val b) => a >= b).Invoke<bool>(true, true));
    }

    [TestMethod]
    public void LogicalOperatorsOnBools()
    {
        var logic = Jit.Kernel((Val a, Val b) => (a & !b) | (!a & b));
        Assert.IsTrue(logic.Invoke<bool>(true, false));
        Assert.IsFalse(logic.Invoke<bool>(true, true));
        var invert = Jit.Kernel((Val a) => ~a);
        Assert.IsFalse(invert.Invoke<bool>(true));
        Assert.AreEqual(~5, invert.Invoke<int>(5));
    }

    [TestMethod]
    public void ComplexArithmeticMatchesSystemNumerics()
    {
        var f = Jit.Kernel((Val z, Val w) => (z * w - z / w + 2.0) * Conj(w) + Complex128(Real(z), Imag(w)));
        Complex z = new(1.5, -2), w = new(-0.25, 3);
        Assert.AreEqual((z * w - z / w + 2.0) * Complex.Conjugate(w) + new Complex(z.Real, w.Imaginary), f.Invoke<Complex>(z, w));
    }

    [TestMethod]
    [DataRow(3.9, 3L)]
    [DataRow(-3.9, -3L)]
    [DataRow(0.0, 0L)]
    public void CastsFromFloatToIntegerTruncateTowardZero(double x, long expected) =>
        Assert.AreEqual(expected, Jit.Kernel((Val v) => Int64(v)).Invoke<long>(x));

    [TestMethod]
    public void CastsToAndFromBool()
    {
        Assert.IsTrue(Jit.Kernel((Val v) => Bool(v)).Invoke<bool>(0.5));
        Assert.IsFalse(Jit.Kernel((Val v) => Bool(v)).Invoke<bool>(0L));
        Assert.AreEqual(1.0, Jit.Kernel((Val v) => Float64(v)).Invoke<double>(true));
        Assert.AreEqual((float)(1.0 / 3.0), Jit.Kernel((Val v) => Float32(v)).Invoke<float>(1.0 / 3.0));
    }

    [TestMethod]
    public void WhereEvaluatesOnlyTheSideItPicks()
    {
        // The other side would divide by zero.
        var safe = Jit.Kernel((Val a, Val b) => Where(b == 0, 0, FloorDiv(a, b)));
        Assert.AreEqual(0L, safe.Invoke<long>(5L, 0L));
        Assert.AreEqual(2L, safe.Invoke<long>(5L, 2L));
    }
}
