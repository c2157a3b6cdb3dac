using System.Numerics;
using JitDsl.Dsl;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Llvm;

/// <summary>
/// Every operator, math function and cast, for every dtype, on edge values (zeros of both signs, ±1, the
/// extremes, NaN, infinities), compiled by both backends: the results must be the same bits, or both must
/// throw the same exception with the same message. Functions whose .NET implementation is not libm's
/// (hypot) may differ in the last place.
/// </summary>
[TestClass]
public sealed class DifferentialTests
{

    private static readonly Dictionary<DType, object[]> Values = new()
    {
        [DType.Bool] = [false, true],
        [DType.Int32] = [0, 1, -1, 7, -7, 3, int.MaxValue, int.MinValue],
        [DType.Int64] = [0L, 1L, -1L, 7L, -7L, 62L, long.MaxValue, long.MinValue],
        [DType.Float32] = [0f, -0f, 1f, -1.5f, 2.5f, 0.3f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 3e38f],
        [DType.Float64] = [0.0, -0.0, 1.0, -1.5, 2.5, 0.3, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300],
        [DType.Complex128] = [Complex.Zero, new Complex(1, -2), new Complex(-0.5, 0.25), new Complex(double.NaN, 1), new Complex(double.PositiveInfinity, 0)],
    };

    public static IEnumerable<object[]> Binary() =>
        new (string, Func<Val, Val, Val>)[]
        {
            ("+", (a, b) => a + b), ("-", (a, b) => a - b), ("*", (a, b) => a * b), ("/", (a, b) => a / b),
            ("//", (a, b) => Ops.FloorDiv(a, b)), ("%", (a, b) => a % b), ("**", (a, b) => Ops.Pow(a, b)),
            ("&", (a, b) => a & b), ("|", (a, b) => a | b), ("^", (a, b) => a ^ b), ("<<", (a, b) => a << b), (">>", (a, b) => a >> b),
            ("==", (a, b) => a == b), ("!=", (a, b) => a != b), ("<", (a, b) => a < b), ("<=", (a, b) => a <= b),
            (">", (a, b) => a > b), (">=", (a, b) => a >= b), ("min", (a, b) => Ops.Min(a, b)), ("max", (a, b) => Ops.Max(a, b)),
            ("atan2", (a, b) => Ops.Atan2(a, b)), ("hypot", (a, b) => Ops.Hypot(a, b)), ("complex", (a, b) => Ops.Complex128(a, b)),
        }.Select(op => new object[] { op.Item1, op.Item2 });

    public static IEnumerable<object[]> Unary() =>
        new (string, Func<Val, Val>)[]
        {
            ("-", a => -a), ("!", a => !a), ("~", a => ~a), ("sqrt", a => Ops.Sqrt(a)), ("exp", a => Ops.Exp(a)), ("log", a => Ops.Log(a)),
            ("log1p", a => Ops.Log1p(a)), ("sin", a => Ops.Sin(a)), ("cos", a => Ops.Cos(a)), ("tan", a => Ops.Tan(a)), ("asin", a => Ops.Asin(a)),
            ("acos", a => Ops.Acos(a)), ("atan", a => Ops.Atan(a)), ("sinh", a => Ops.Sinh(a)), ("cosh", a => Ops.Cosh(a)), ("tanh", a => Ops.Tanh(a)),
            ("abs", a => Ops.Abs(a)), ("floor", a => Ops.Floor(a)), ("ceil", a => Ops.Ceil(a)), ("round", a => Ops.Round(a)),
            ("isnan", a => Ops.IsNaN(a)), ("isinf", a => Ops.IsInf(a)), ("real", a => Ops.Real(a)), ("imag", a => Ops.Imag(a)), ("conj", a => Ops.Conj(a)),
            ("bool", a => Ops.Bool(a)), ("int32", a => Ops.Int32(a)), ("int64", a => Ops.Int64(a)), ("float32", a => Ops.Float32(a)),
            ("float64", a => Ops.Float64(a)), ("complex128", a => Ops.Complex128(a)),
        }.Select(op => new object[] { op.Item1, op.Item2 });

    [TestMethod]
    [DynamicData(nameof(Binary))]
    public void BinaryOperatorsAgreeOnEveryDtype(string name, Func<Val, Val, Val> op)
    {
        foreach (var (dtype, values) in Values)
        {
            var clr = Jit.Kernel((Val a, Val b) => op(a, b), OnClr, name: name);
            var llvm = Jit.Kernel((Val a, Val b) => op(a, b), OnLlvm, name: name);
            foreach (var a in values)
            {
                foreach (var b in values)
                    Agree($"{a} {name} {b} ({dtype})", () => clr.Invoke(a, b), () => llvm.Invoke(a, b), name == "hypot");
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Unary))]
    public void FunctionsAndCastsAgreeOnEveryDtype(string name, Func<Val, Val> op)
    {
        foreach (var (dtype, values) in Values)
        {
            var clr = Jit.Kernel((Val a) => op(a), OnClr, name: name);
            var llvm = Jit.Kernel((Val a) => op(a), OnLlvm, name: name);
            foreach (var a in values)
                Agree($"{name}({a}) ({dtype})", () => clr.Invoke(a), () => llvm.Invoke(a), name == "abs" && dtype == DType.Complex128);
        }
    }

    /// <summary>The same bits, or the same exception; <paramref name="lastPlace"/> allows one ulp (hypot's implementations differ).</summary>
    private static void Agree(string what, Func<object?> clr, Func<object?> llvm, bool lastPlace)
    {
        var (expected, expectedError) = Run(clr);
        var (actual, actualError) = Run(llvm);
        if (expectedError is not null || actualError is not null)
        {
            Assert.AreEqual(expectedError?.GetType(), actualError?.GetType(), $"{what}: Clr {expectedError?.Message ?? "returned"}, LLVM {actualError?.Message ?? "returned"}");
            if (expectedError is not TypingException)
                Assert.AreEqual(expectedError?.Message, actualError?.Message, what);
            return;
        }
        Assert.AreEqual(expected?.GetType(), actual?.GetType(), what);
        if (lastPlace && expected is double e && actual is double a && double.IsFinite(e))
        {
            Assert.IsTrue(UlpsApart(e, a) <= 1, $"{what}: Clr {e:R}, LLVM {a:R}");
            return;
        }
        Assert.IsTrue(Same(expected, actual), $"{what}: Clr {Show(expected)}, LLVM {Show(actual)}");
    }

    private static (object? Value, Exception? Error) Run(Func<object?> call)
    {
        try
        {
            return (call(), null);
        }
        catch (Exception e) when (e is not AssertFailedException)
        {
            return (null, e);
        }
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (double x, double y) => BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y) || (double.IsNaN(x) && double.IsNaN(y)),
        (float x, float y) => BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y) || (float.IsNaN(x) && float.IsNaN(y)),
        (Complex x, Complex y) => Same(x.Real, y.Real) && Same(x.Imaginary, y.Imaginary),
        _ => Equals(a, b),
    };

    private static string Show(object? value) => value switch
    {
        double d => d.ToString("R"),
        float f => f.ToString("R"),
        _ => value?.ToString() ?? "null",
    };
}
