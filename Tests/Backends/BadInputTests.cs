using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Backends;

/// <summary>Every bad input is a .NET exception that names the argument or the user's line, never a crash.</summary>
[TestClass]
public sealed class BadInputTests
{
    private static readonly Kernel First = Jit.Kernel((Arr a) => a[0]);

    [TestMethod]
    public void WrongNumberOfArguments()
    {
        var e = Assert.ThrowsExactly<KernelArgumentException>(() => First.Invoke(new double[1], 2));
        Assert.AreEqual(ErrorCodes.ArgumentCount, e.Code);
        StringAssert.Contains(e.Message, "takes 1 argument(s) (a) but was given 2");
    }

    [TestMethod]
    public void NullArray()
    {
        var e = Assert.ThrowsExactly<KernelArgumentException>(() => First.Invoke((object?)null));
        Assert.AreEqual(ErrorCodes.NullArgument, e.Code);
        Assert.AreEqual("a", e.ParamName);
    }

    [TestMethod]
    public void UnsupportedArgumentType()
    {
        var e = Assert.ThrowsExactly<KernelArgumentException>(() => First.Invoke("text"));
        Assert.AreEqual(ErrorCodes.ArgumentType, e.Code);
        e = Assert.ThrowsExactly<KernelArgumentException>(() => First.Invoke(new byte[3]));
        Assert.AreEqual(ErrorCodes.ArgumentType, e.Code);
    }

    /// <summary>Kernels index from 0; an array that does not (built with Array.CreateInstance and lower bounds) is refused, on every path.</summary>
    [TestMethod]
    public void AnArrayWhoseIndicesDoNotStartAtZero()
    {
        var shifted = Array.CreateInstance(typeof(double), [2, 2], [1, 1]);
        var vector = Array.CreateInstance(typeof(double), [2], [1]);   // a double[*], not a double[]
        var corner = Jit.Kernel((Arr a) => a[0, 0]);
        Assert.AreEqual(0.0, corner.Invoke<double>(new double[2, 2]));   // the next call has a double[,] too: the cached path
        var typed = Jit.Kernel<Func<double[,], double>>((Arr a) => a[0, 0]);
        Assert.AreEqual(5.0, typed(new double[,] { { 5.0 } }));
        foreach (var call in new Func<object?>[] { () => corner.Invoke(shifted), () => First.Invoke(vector), () => typed((double[,])shifted) })
        {
            var e = Assert.ThrowsExactly<KernelArgumentException>(() => call());
            Assert.AreEqual(ErrorCodes.ArgumentType, e.Code);
            StringAssert.Contains(e.Message, "indices do not start at 0");
        }
    }

    [TestMethod]
    public void AScalarWhereAnArrayIsExpected()
    {
        var e = Assert.ThrowsExactly<KernelArgumentException>(() => First.Invoke(1.0));
        Assert.AreEqual(ErrorCodes.ParameterMismatch, e.Code);
        Assert.AreEqual("a", e.ParamName);
    }

    [TestMethod]
    public void AWrongDtypeForAPinnedParameter()
    {
        var sum = Jit.Kernel((Arr<double> a) => a[0]);
        var e = Assert.ThrowsExactly<KernelArgumentException>(() => sum.Invoke(new int[1]));
        Assert.AreEqual(ErrorCodes.ParameterMismatch, e.Code);
        StringAssert.Contains(e.Message, "float64 array, not int32[:]");
    }

    [TestMethod]
    public void TwoDimensionalWhereOneDimensionalIsDeclared()
    {
        var e = Assert.ThrowsExactly<KernelArgumentException>(() => Jit.Kernel("float64(float64[:])", (Arr a) => a[0]).Invoke(new double[2, 2]));
        Assert.AreEqual(ErrorCodes.NoMatchingSignature, e.Code);
    }

    [TestMethod]
    [DataRow(3L)]
    [DataRow(-4L)]
    [DataRow(long.MaxValue)]
    public void ReadingOutOfRange(long index)
    {
        var line = 0;
        var read = Jit.Kernel((Arr a, Val i) =>
        {
            line = Here() + 1;
            return a[i];
        });
        var e = Assert.ThrowsExactly<IndexOutOfRangeException>(() => read.Invoke(new double[3], index));
        HasCode(e, ErrorCodes.IndexOutOfRange);
        StringAssert.Contains(e.Message, $"index {index} is out of bounds for axis 0 of `a` at BadInputTests.cs:{line} with size 3");
    }

    [TestMethod]
    public void WritingOutOfRangeOnEitherAxis()
    {
        var write = Jit.Kernel((Arr m, Val i, Val j) => { m[i, j] = 1; });
        var e = Assert.ThrowsExactly<IndexOutOfRangeException>(() => write.Invoke(new double[2, 3], 1L, 3L));
        StringAssert.Contains(e.Message, "axis 1 of `m`");
        var matrix = new double[2, 3];
        write.Invoke(matrix, -1L, -1L);
        Assert.AreEqual(1.0, matrix[1, 2]);
    }

    [TestMethod]
    public void WithoutBoundsChecksNegativeIndicesStillWrapAndWildOnesStillStop()
    {
        // Only the Clr backend keeps .NET's own check; LLVM's native code, like C, checks nothing then.
        var read = Jit.Kernel((Arr a, Val i) => a[i], new JitOptions { BoundsCheck = false, Backend = Backend.Clr });
        Assert.AreEqual(3.0, read.Invoke<double>(new[] { 1.0, 2.0, 3.0 }, -1L));
        Assert.ThrowsExactly<IndexOutOfRangeException>(() => read.Invoke(new[] { 1.0 }, 5L));
        // Beyond int: truncated, 2^32 + 1 would read element 1.
        Assert.ThrowsExactly<IndexOutOfRangeException>(() => read.Invoke(new[] { 1.0, 2.0 }, (1L << 32) + 1));
        Assert.ThrowsExactly<IndexOutOfRangeException>(() => read.Invoke(new[] { 1.0, 2.0 }, long.MinValue + 1));
    }

    [TestMethod]
    public void IntegerDivisionAndModuloByZero()
    {
        var line = 0;
        var divide = Jit.Kernel((Val a, Val b) =>
        {
            line = Here() + 1;
            return FloorDiv(a, b);
        });
        var e = Assert.ThrowsExactly<DivideByZeroException>(() => divide.Invoke(1, 0));
        HasCode(e, ErrorCodes.DivisionByZero);
        StringAssert.Contains(e.Message, $"BadInputTests.cs:{line}");
        Assert.ThrowsExactly<DivideByZeroException>(() => Jit.Kernel((Val a, Val b) => a % b).Invoke(1L, 0L));
        Assert.ThrowsExactly<DivideByZeroException>(() => Jit.FromExpression((int a, int b) => a / b).Invoke(1, 0));
    }

    [TestMethod]
    public void IntegerToANegativePower()
    {
        var e = Assert.ThrowsExactly<ArithmeticException>(() => Jit.Kernel((Val a, Val b) => Pow(a, b)).Invoke(2, -1));
        HasCode(e, ErrorCodes.NegativePower);
    }

    [TestMethod]
    public void AZeroStepAtRunTime()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Jit.Kernel((Val step) => { For(0, 10, step, i => { }); }).Invoke(0L));
        HasCode(e, ErrorCodes.ZeroStepAtRuntime);
    }

    [TestMethod]
    public void ANegativeDimension()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Jit.Kernel((Val n) => Empty(DType.Float64, n)).Invoke(-1));
        HasCode(e, ErrorCodes.NegativeDimension);
    }

    [TestMethod]
    public void NaNAndInfinitiesFlowThroughMath()
    {
        var f = Jit.Kernel((Val x) => Sqrt(x) + Log(x) + Exp(x) + Sin(x) + Int64(x));
        foreach (var x in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1.0 })
            Assert.AreEqual(Math.Sqrt(x) + Math.Log(x) + Math.Exp(x) + Math.Sin(x) + (long)x, f.Invoke<double>(x), $"x = {x}");
    }

    [TestMethod]
    public void EmptyAndSingleElementArrays()
    {
        var sum = Jit.Kernel((Arr a) =>
        {
            var total = Var(0.0);
            For(a.Length, i => total.Value += a[i]);
            return total;
        });
        Assert.AreEqual(0.0, sum.Invoke(Array.Empty<double>()));
        Assert.AreEqual(4.5, sum.Invoke(new[] { 4.5 }));
        Assert.ThrowsExactly<IndexOutOfRangeException>(() => First.Invoke(Array.Empty<double>()));
    }
}
