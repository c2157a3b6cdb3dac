using System.Diagnostics;
using JitDsl;
using JitDsl.Tests.Fuzzing;
using static JitDsl.Dsl.Ops;

/// <summary>
/// <c>--ops</c>: every operator, cast and math function on edge values (zeros of both signs, ±1, extremes, NaN,
/// infinities) of every dtype a GPU array holds, one pair per launch, against the Clr backend: the same bits or the
/// same exception, or — for the functions whose GPU implementation is not .NET's — within a few units in the last
/// place. Prints each disagreement; the exit code counts the exact ones.
/// </summary>
internal static class GpuOperators
{
    private static readonly Dictionary<DType, Array> Values = new()
    {
        [DType.Int32] = new[] { 0, 1, -1, 7, -7, 3, 31, 33, int.MaxValue, int.MinValue },
        [DType.Int64] = new[] { 0L, 1L, -1L, 7L, -7L, 62L, 65L, long.MaxValue, long.MinValue },
        [DType.Float32] = new[] { 0f, -0f, 1f, -1.5f, 2.5f, 0.3f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 3e38f, 3e9f },
        [DType.Float64] = new[] { 0.0, -0.0, 1.0, -1.5, 2.5, 0.3, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e300, 3e9 },
    };

    private static readonly (string Name, Func<Val, Val, Val> Op, bool Exact)[] Binary =
    [
        ("+", (a, b) => a + b, true), ("-", (a, b) => a - b, true), ("*", (a, b) => a * b, true), ("/", (a, b) => a / b, true),
        ("//", (a, b) => FloorDiv(a, b), true), ("%", (a, b) => a % b, true), ("**", (a, b) => Pow(a, b), false), ("&", (a, b) => a & b, true), ("|", (a, b) => a | b, true),
        ("^", (a, b) => a ^ b, true), ("<<", (a, b) => a << b, true), (">>", (a, b) => a >> b, true), ("==", (a, b) => Int32(a == b), true),
        ("<", (a, b) => Int32(a < b), true), (">=", (a, b) => Int32(a >= b), true), ("min", (a, b) => Min(a, b), true), ("max", (a, b) => Max(a, b), true),
        ("atan2", (a, b) => Atan2(a, b), false), ("hypot", (a, b) => Hypot(a, b), false),
    ];

    private static readonly (string Name, Func<Val, Val> Op, bool Exact)[] Unary =
    [
        ("-", a => -a, true), ("~", a => ~a, true), ("sqrt", a => Sqrt(a), true), ("exp", a => Exp(a), false), ("log", a => Log(a), false), ("log1p", a => Log1p(a), false),
        ("sin", a => Sin(a), false), ("cos", a => Cos(a), false), ("tan", a => Tan(a), false), ("asin", a => Asin(a), false), ("acos", a => Acos(a), false), ("atan", a => Atan(a), false),
        ("sinh", a => Sinh(a), false), ("cosh", a => Cosh(a), false), ("tanh", a => Tanh(a), false), ("abs", a => Abs(a), true), ("floor", a => Floor(a), true), ("ceil", a => Ceil(a), true),
        ("round", a => Round(a), true), ("isnan", a => Int32(IsNaN(a)), true), ("isinf", a => Int32(IsInf(a)), true), ("int32", a => Int32(a), true),
        ("int64", a => Int64(a), true), ("float32", a => Float32(a), true), ("float64", a => Float64(a), true), ("bool", a => Int32(Bool(a)), true),
    ];

    public static int Run()
    {
        var clock = Stopwatch.StartNew();
        var (pairs, exactDifferences, inexactDifferences, refused) = (0, 0, 0, 0);
        void Compare(string what, bool exact, Func<Val, Val, Val> op, Array a, Array b)
        {
            var clr = Jit.Kernel((Arr x, Arr y) => op(x[0], y[0]), new JitOptions { Backend = Backend.Clr });
            var gpu = Cuda.Kernel((Arr x, Arr y, Arr o) => { o[0] = op(x[0], y[0]); });
            Type? resultType = null;
            foreach (var u in a)
            {
                foreach (var v in b)
                {
                    var (x, y) = (Array.CreateInstance(a.GetType().GetElementType()!, 1), Array.CreateInstance(b.GetType().GetElementType()!, 1));
                    x.SetValue(u, 0);
                    y.SetValue(v, 0);
                    object? expected, actual;
                    try
                    {
                        expected = clr.Invoke(x, y);
                        resultType ??= expected!.GetType();
                    }
                    catch (TypingException)
                    {
                        refused++;
                        return;
                    }
                    catch (Exception e)
                    {
                        expected = e.GetType();
                    }
                    pairs++;
                    var o = Array.CreateInstance(resultType ?? typeof(long), 1);
                    try
                    {
                        gpu[1, 1](x, y, o);
                        actual = o.GetValue(0);
                    }
                    catch (Exception e)
                    {
                        actual = e is JitInternalException ? e.Message : e.GetType();
                    }
                    // The same bits (any NaN as NaN; 0.0 and −0.0 differ), or the same exception type.
                    if (Agreement.Same(expected, actual, approximate: false, parallel: false))
                        continue;
                    var ulps = (expected, actual) switch
                    {
                        (double e1, double a1) => Math.Abs(BitConverter.DoubleToInt64Bits(e1) - BitConverter.DoubleToInt64Bits(a1)),
                        (float e1, float a1) => Math.Abs(BitConverter.SingleToInt32Bits(e1) - BitConverter.SingleToInt32Bits(a1)),
                        _ => long.MaxValue,
                    };
                    if (!exact && ulps <= 4)
                        continue;
                    if (exact)
                        exactDifferences++;
                    else
                        inexactDifferences++;
                    if (exactDifferences + inexactDifferences <= 60)
                        Console.WriteLine($"  DIFFERS {what}({u}, {v}): Clr {expected}, GPU {actual}");
                }
            }
        }
        foreach (var (dtype, values) in Values)
        {
            foreach (var (name, op, exact) in Binary)
                Compare($"{name} {dtype}", exact, op, values, values);
            foreach (var (name, op, exact) in Unary)
                Compare($"{name} {dtype}", exact, (a, _) => op(a), values, new[] { 0 });
        }
        Console.WriteLine($"  operators on {Cuda.Device}: {pairs} pairs ({refused} operator-dtype pairs refused by typing, as on the CPU); " +
            $"{exactDifferences} exact results differ from Clr's, {inexactDifferences} inexact ones by more than 4 ulp; {clock.Elapsed.TotalSeconds:F0} s");
        return exactDifferences;
    }
}
