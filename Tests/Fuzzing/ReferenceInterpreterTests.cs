using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Fuzzing;

/// <summary>The oracle itself, against values Python and NumPy document (it must be right for the fuzzer to mean anything).</summary>
[TestClass]
public sealed class ReferenceInterpreterTests
{
    private static object? Interpret(Func<Val, Val, Val> op, object a, object b) =>
        ReferenceInterpreter.Run(Jit.Kernel((Val x, Val y) => op(x, y)), a, b);

    [TestMethod]
    [DataRow(-7L, 2L, -4L, 1L)]
    [DataRow(7L, -2L, -4L, -1L)]
    [DataRow(-7L, -2L, 3L, -1L)]
    [DataRow(long.MinValue, -1L, long.MinValue, 0L)]
    public void IntegerFloorDivisionAndModuloArePythons(long a, long b, long quotient, long remainder)
    {
        Assert.AreEqual(quotient, Interpret((x, y) => FloorDiv(x, y), a, b));
        Assert.AreEqual(remainder, Interpret((x, y) => x % y, a, b));
    }

    [TestMethod]
    [DataRow(-7.5, 2.0, -4.0, 0.5)]
    [DataRow(7.5, -2.0, -4.0, -0.5)]
    [DataRow(-0.0, 3.0, -0.0, 0.0)]
    [DataRow(1.0, 0.0, double.PositiveInfinity, double.NaN)]
    [DataRow(-1.0, double.PositiveInfinity, -1.0, double.PositiveInfinity)]
    public void FloatFloorDivisionAndRemainderAreNumpys(double a, double b, double quotient, double remainder)
    {
        // np.floor_divide and np.remainder, signs of zero included.
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(quotient), BitConverter.DoubleToInt64Bits((double)Interpret((x, y) => FloorDiv(x, y), a, b)!));
        var r = (double)Interpret((x, y) => x % y, a, b)!;
        Assert.IsTrue(double.IsNaN(remainder) ? double.IsNaN(r) : BitConverter.DoubleToInt64Bits(remainder) == BitConverter.DoubleToInt64Bits(r), $"{a} % {b} = {r}");
    }

    [TestMethod]
    public void WrappingCastsAndErrorsFollowTheSemantics()
    {
        Assert.AreEqual(int.MinValue, Interpret((x, y) => Int32(x) + Int32(y), int.MaxValue, 1));
        Assert.AreEqual(int.MaxValue, Interpret((x, y) => Int32(x * y), 1e300, 1.0), "float to int saturates");
        Assert.AreEqual(0, Interpret((x, y) => Int32(x * y), double.NaN, 1.0), "NaN to int is 0");
        Assert.AreEqual(-2L, Interpret((x, y) => Int64(x / y), -5.0, 2.0), "truncates toward zero");
        Assert.AreEqual(1L << 3, Interpret((x, y) => x << y, 1L, 67L), "the shift count modulo 64");
        Assert.ThrowsExactly<DivideByZeroException>(() => Interpret((x, y) => FloorDiv(x, y), 1L, 0L));
        Assert.ThrowsExactly<ArithmeticException>(() => Interpret((x, y) => Pow(x, y), 2L, -1L));
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits((double)Interpret((x, y) => Log1p(x * y), -0.0, 1.0)!));
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits((double)Interpret((x, y) => Min(x, y), 0.0, -0.0)!), "−0 below +0");
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(0.0), BitConverter.DoubleToInt64Bits((double)Interpret((x, y) => Max(x, y), -0.0, 0.0)!));
        Assert.IsTrue(double.IsNaN((double)Interpret((x, y) => Min(x, y), 1.0, double.NaN)!));
    }
}
