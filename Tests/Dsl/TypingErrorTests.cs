using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Dsl;

/// <summary>Kernels that cannot be built or typed: each fails with its stable code at the user's own line.</summary>
[TestClass]
public sealed class TypingErrorTests
{
    private static TypingException Fails(Action action) => Assert.ThrowsExactly<TypingException>(action);

    [TestMethod]
    public void ArrayOperandsOfTheWrongDTypeAreRejectedAtTheirLine()
    {
        var line = 0;
        var kernel = Jit.Kernel((Arr a) =>
        {
            line = Here() + 1;
            return a & 2.0;
        });
        var e = Fails(() => kernel.Invoke(new double[3]));
        Assert.AreEqual(ErrorCodes.OperandTypes, e.Code);
        Assert.AreEqual(line, e.Line);
        StringAssert.EndsWith(e.FilePath, "TypingErrorTests.cs");
        StringAssert.Contains(e.Message, "float64[:] and float64");
        StringAssert.Contains(e.Message, "During: typing kernel `kernel` for (float64[:])");
    }

    [TestMethod]
    public void IndexingWithTheWrongNumberOfIndices()
    {
        var line = 0;
        var kernel = Jit.Kernel((Arr a) =>
        {
            line = Here() + 1;
            return a[0];
        });
        var e = Fails(() => kernel.Invoke(new double[2, 2]));
        Assert.AreEqual(ErrorCodes.IndexCount, e.Code);
        Assert.AreEqual(line, e.Line);
        StringAssert.Contains(e.Message, "`a`");
    }

    [TestMethod]
    public void FloatIndex() =>
        Assert.AreEqual(ErrorCodes.NotAnInteger, Fails(() => Jit.Kernel((Arr a) => a[1.5]).Invoke(new double[3])).Code);

    [TestMethod]
    public void FloatRangeBound() =>
        Assert.AreEqual(ErrorCodes.NotAnInteger, Fails(() => Jit.Kernel((Val n) => { For(n, i => { }); }).Invoke(2.5)).Code);

    [TestMethod]
    public void IndexingAScalar() =>
        Assert.AreEqual(ErrorCodes.NotAnArray, Fails(() => Jit.Kernel((Val a) => a.AsArray()[0]).Invoke(3.0)).Code);

    [TestMethod]
    public void BitwiseAndOfFloats() =>
        Assert.AreEqual(ErrorCodes.OperandTypes, Fails(() => Jit.Kernel((Val a, Val b) => a & b).Invoke(1.0, 2.0)).Code);

    [TestMethod]
    public void OrderingComplexNumbers() =>
        Assert.AreEqual(ErrorCodes.OperandTypes, Fails(() => Jit.Kernel((Val a, Val b) => a < b).Invoke(new System.Numerics.Complex(1, 1), 2.0)).Code);

    [TestMethod]
    public void CastingComplexToReal() =>
        Assert.AreEqual(ErrorCodes.InvalidCast, Fails(() => Jit.Kernel((Val z) => Float64(z)).Invoke(new System.Numerics.Complex(1, 1))).Code);

    [TestMethod]
    public void StoringComplexIntoARealArray() =>
        Assert.AreEqual(ErrorCodes.InvalidCast, Fails(() => Jit.Kernel((Arr a, Val z) => { a[0] = z; }).Invoke(new double[1], new System.Numerics.Complex(1, 1))).Code);

    [TestMethod]
    public void AVariableGivenAnArrayAndAScalar()
    {
        var e = Fails(() => Jit.Kernel((Arr a) =>
        {
            var v = Var(a);
            return v;
        }).Invoke(new double[1]));
        Assert.AreEqual(ErrorCodes.ScalarRequired, e.Code);
    }

    [TestMethod]
    public void ZeroStepLiteral() =>
        Assert.AreEqual(ErrorCodes.ZeroStep, Fails(() => Jit.Kernel(() => { For(0, 10, 0, i => { }); }).Invoke()).Code);

    [TestMethod]
    public void ReturningAValueOnSomePathsOnly()
    {
        var e = Fails(() => Jit.Kernel((Val x) =>
        {
            If(x > 0, () => Return(1.0));
        }).Invoke(1.0));
        Assert.AreEqual(ErrorCodes.ReturnMismatch, e.Code);
    }

    [TestMethod]
    public void UsingTheResultOfAKernelThatReturnsNothing()
    {
        var nothing = Jit.Kernel((Arr a) => { a[0] = 1; });
        var e = Fails(() => Jit.Kernel((Arr a) => nothing.Call(a) + 1).Invoke(new double[1]));
        Assert.AreEqual(ErrorCodes.NoValue, e.Code);
    }

    [TestMethod]
    public void CallingAKernelWithTheWrongNumberOfArguments()
    {
        var twice = Jit.Kernel((Val x) => x * 2);
        Assert.AreEqual(ErrorCodes.CallArity, Fails(() => Jit.Kernel((Val x) => twice.Call(x, x)).Invoke(1.0)).Code);
    }

    [TestMethod]
    public void BreakOutsideALoopFailsWhenTheKernelIsDefined()
    {
        var line = 0;
        var e = Fails(() => Jit.Kernel(() =>
        {
            line = Here() + 1;
            Break();
        }));
        Assert.AreEqual(ErrorCodes.MisplacedStatement, e.Code);
        Assert.AreEqual(line, e.Line);
    }

    [TestMethod]
    public void ElseAfterElse()
    {
        var e = Fails(() => Jit.Kernel((Val x) =>
        {
            var chain = If(x > 0, () => { });
            chain.Else(() => { });
            chain.Else(() => { });
        }));
        Assert.AreEqual(ErrorCodes.MisplacedStatement, e.Code);
    }

    [TestMethod]
    public void ElseIfThatDoesNotFollowItsIf()
    {
        var e = Fails(() => Jit.Kernel((Arr a, Val x) =>
        {
            var chain = If(x > 0, () => { });
            a[0] = 1;
            chain.ElseIf(x < 0, () => { });
        }));
        Assert.AreEqual(ErrorCodes.MisplacedStatement, e.Code);
    }

    [TestMethod]
    public void ALoopIndexUsedAfterItsLoop()
    {
        Val? escaped = null;
        var line = 0;
        var e = Fails(() => Jit.Kernel((Arr a) =>
        {
            For(a.Length, i => escaped = i);
            line = Here() + 1;
            return a[escaped!];
        }));
        Assert.AreEqual(ErrorCodes.OutOfScope, e.Code);
        Assert.AreEqual(line, e.Line);
        StringAssert.Contains(e.Message, "`i`");
    }

    [TestMethod]
    public void AValueOfAnotherKernel()
    {
        Val? stolen = null;
        Jit.Kernel((Val x) => stolen = x * 2);
        Assert.AreEqual(ErrorCodes.ForeignValue, Fails(() => Jit.Kernel((Val y) => y + stolen!)).Code);
    }

    [TestMethod]
    public void DslCallsOutsideAKernel()
    {
        Assert.AreEqual(ErrorCodes.OutsideKernel, Fails(() => Var(1.0)).Code);
        Assert.AreEqual(ErrorCodes.OutsideKernel, Fails(() => { Val x = 2.0; }).Code);
    }

    [TestMethod]
    public void ALambdaWithParametersThatAreNotHandles()
    {
        Assert.AreEqual(ErrorCodes.KernelLambdaType, Fails(() => Jit.Kernel((double x) => x)).Code);
        Assert.AreEqual(ErrorCodes.KernelLambdaType, Fails(() => Jit.Kernel((Arr<string> x) => x[0])).Code);
    }
}
