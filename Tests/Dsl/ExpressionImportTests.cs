using System.Numerics;
using JitDsl.Bench.Workloads;
using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Dsl;

/// <summary>C# expression lambdas keep their C# meaning once imported.</summary>
[TestClass]
public sealed class ExpressionImportTests
{
    [TestMethod]
    [DataRow(0.2, 0.3)]
    [DataRow(0.9, 0.9)]
    [DataRow(-0.7, -0.6)]
    [DataRow(double.NaN, 0.0)]
    public void ClipAddEqualsTheCSharpLambda(double x, double y)
    {
        Func<double, double, double> reference = (a, b) => a + b > 1.0 ? 1.0 : a + b < -1.0 ? -1.0 : a + b;
        Assert.AreEqual(reference(x, y), ChapterKernels.ClipAddScalar().Invoke<double>(x, y));
    }

    [TestMethod]
    [DataRow(-7, 2)]
    [DataRow(7, -2)]
    [DataRow(int.MinValue, 3)]
    public void IntegerDivisionAndRemainderTruncateAsInCSharp(int a, int b)
    {
        Assert.AreEqual(a / b, Jit.FromExpression((int x, int y) => x / y).Invoke<int>(a, b));
        Assert.AreEqual(a % b, Jit.FromExpression((int x, int y) => x % y).Invoke<int>(a, b));
    }

    [TestMethod]
    public void MathCallsCastsAndCapturedValues()
    {
        var offset = 0.25;
        var kernel = Jit.FromExpression((double x, int n) => Math.Clamp(Math.Sqrt(x) * Math.PI + offset, 0, 10) + (long)x % n + Math.Pow(x, 2));
        Func<double, int, double> reference = (x, n) => Math.Clamp(Math.Sqrt(x) * Math.PI + offset, 0, 10) + (long)x % n + Math.Pow(x, 2);
        foreach (var (x, n) in new[] { (2.5, 2), (9.0, 4), (0.0, 1) })
            Assert.AreEqual(reference(x, n), kernel.Invoke<double>(x, n));
    }

    [TestMethod]
    public void BooleanLogicAndComplexNumbers()
    {
        var inside = Jit.FromExpression((double x, double y) => x * x + y * y <= 1 && !(x < 0) || y > 5);
        Assert.IsTrue(inside.Invoke<bool>(0.5, 0.5));
        Assert.IsFalse(inside.Invoke<bool>(-0.5, 0.5));
        var rotate = Jit.FromExpression((Complex z) => z * new Complex(0, 1) + Complex.Conjugate(z).Real);
        Assert.AreEqual(new Complex(2, 3) * Complex.ImaginaryOne + 2, rotate.Invoke<Complex>(new Complex(2, 3)));
    }

    [TestMethod]
    public void AnImportedKernelIsADeviceFunctionToo()
    {
        var hypotenuse = Jit.FromExpression((double a, double b) => Math.Sqrt(a * a + b * b));
        var longest = Jit.Kernel((Arr a, Arr b) =>
        {
            var best = Var(0.0);
            For(a.Length, i => best.Value = Max(best, hypotenuse.Call(a[i], b[i])));
            return best;
        });
        Assert.AreEqual(5.0, longest.Invoke<double>(new[] { 1.0, 3.0 }, new[] { 1.0, 4.0 }));
    }

    [TestMethod]
    public void UnsupportedConstructsNameThemselves()
    {
        var e = Assert.ThrowsExactly<TypingException>(() => Jit.FromExpression((double x) => x.ToString().Length));
        Assert.AreEqual(ErrorCodes.UnsupportedExpression, e.Code);
        e = Assert.ThrowsExactly<TypingException>(() => Jit.FromExpression((decimal x) => x * 2));
        Assert.AreEqual(ErrorCodes.UnsupportedExpression, e.Code);
    }
}
