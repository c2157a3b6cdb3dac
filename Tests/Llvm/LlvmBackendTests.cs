using JitDsl.Backends;
using JitDsl.Backends.Llvm.Interop;
using JitDsl.Bench.Workloads;
using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Llvm;

/// <summary>
/// What only the LLVM backend does: vectorised loops (fast-math sums, libmvec for math), inspection of IR and
/// assembly, errors raised inside native code, and the choice of backend where libLLVM is missing.
/// </summary>
[TestClass]
public sealed class LlvmBackendTests
{

    [TestMethod]
    public void InspectShowsTheIrBeforeAndAfterOptimisationAndTheAssembly()
    {
        var inspection = ChapterKernels.SumSquares(OnLlvm).Inspect(new double[8]);
        StringAssert.Contains(inspection["llvm ir"].Output, "define i32 @jd_sum_squares_");
        var optimized = inspection["optimize and emit"].Output;
        StringAssert.Contains(optimized, "; optimised IR");
        StringAssert.Contains(optimized, "; assembly");
        StringAssert.Contains(optimized, "jd_sum_squares_");
        Assert.IsTrue(inspection.Stages.All(s => s.Elapsed > TimeSpan.Zero));
    }

    [TestMethod]
    public void AFastMathSumIsVectorisedAndAnExactOneIsNot()
    {
        static string Optimized(JitOptions options) =>
            ChapterKernels.SumSquares(options).Inspect("float64(float64[:])")["optimize and emit"].Output.Split("; assembly")[0];
        // Without reassociation the sum must be added in order, one element at a time.
        Assert.IsFalse(Optimized(OnLlvm).Contains("reduce.fadd"), "an exact sum was reordered");
        StringAssert.Matches(Optimized(OnLlvm with { FastMath = true }), new System.Text.RegularExpressions.Regex(@"fadd fast <\d+ x double>|reduce\.fadd"));
        // Reassociation alone is what a vectorised sum needs; the other flags stay off.
        var reassociated = Optimized(OnLlvm with { FastMath = FastMath.Reassociate });
        StringAssert.Matches(reassociated, new System.Text.RegularExpressions.Regex(@"fadd reassoc <\d+ x double>|reduce\.fadd\.v\d+f64\(double reassoc"));
        Assert.IsFalse(reassociated.Contains(" fast "), reassociated);
        Assert.AreEqual("reassoc contract", (FastMath.Reassociate | FastMath.Contract).ToString());
    }

    [TestMethod]
    public void MathInLoopsCallsTheVectorLibrary()
    {
        var optimized = ChapterKernels.FusedExpression(OnLlvm).Inspect(new double[8])["optimize and emit"].Output.Split("; assembly")[0];
        StringAssert.Matches(optimized, new System.Text.RegularExpressions.Regex(@"call <\d+ x double> @_ZGV\w+_sin"));
        StringAssert.Matches(optimized, new System.Text.RegularExpressions.Regex(@"call <\d+ x double> @_ZGV\w+_exp"));
    }

    public static IEnumerable<object[]> VectorFunctions() =>
    [
        ["sin", (Func<Val, Val>)(x => Sin(x)), (Func<double, double>)Math.Sin, -20.0, 20.0],
        ["cos", (Func<Val, Val>)(x => Cos(x)), (Func<double, double>)Math.Cos, -20.0, 20.0],
        ["tan", (Func<Val, Val>)(x => Tan(x)), (Func<double, double>)Math.Tan, -1.5, 1.5],
        ["asin", (Func<Val, Val>)(x => Asin(x)), (Func<double, double>)Math.Asin, -1.0, 1.0],
        ["acos", (Func<Val, Val>)(x => Acos(x)), (Func<double, double>)Math.Acos, -1.0, 1.0],
        ["atan", (Func<Val, Val>)(x => Atan(x)), (Func<double, double>)Math.Atan, -50.0, 50.0],
        ["sinh", (Func<Val, Val>)(x => Sinh(x)), (Func<double, double>)Math.Sinh, -20.0, 20.0],
        ["cosh", (Func<Val, Val>)(x => Cosh(x)), (Func<double, double>)Math.Cosh, -20.0, 20.0],
        ["tanh", (Func<Val, Val>)(x => Tanh(x)), (Func<double, double>)Math.Tanh, -10.0, 10.0],
        ["exp", (Func<Val, Val>)(x => Exp(x)), (Func<double, double>)Math.Exp, -700.0, 700.0],
        ["log", (Func<Val, Val>)(x => Log(x)), (Func<double, double>)Math.Log, 1e-300, 1e300],
        // Reference: atanh form near 0 (where 1 + v would round), log(1 + v) beyond (where that rounding is negligible).
        ["log1p", (Func<Val, Val>)(x => Log1p(x)), (Func<double, double>)(v => Math.Abs(v) < 0.5 ? 2 * Math.Atanh(v / (2 + v)) : Math.Log(1 + v)), -0.9, 1000.0],
        ["pow", (Func<Val, Val>)(x => Pow(x, 1.7)), (Func<double, double>)(v => Math.Pow(v, 1.7)), 0.0, 1000.0],
        ["atan2", (Func<Val, Val>)(x => Atan2(x, 0.3)), (Func<double, double>)(v => Math.Atan2(v, 0.3)), -10.0, 10.0],
        ["hypot", (Func<Val, Val>)(x => Hypot(x, 0.3)), (Func<double, double>)(v => double.Hypot(v, 0.3)), -10.0, 10.0],
    ];

    /// <summary>glibc's vector math (libmvec) is accurate to 4 ulp; loops compute through it.</summary>
    [TestMethod]
    [DynamicData(nameof(VectorFunctions))]
    public void VectorisedMathIsWithinFourUlpOfMath(string name, Func<Val, Val> function, Func<double, double> reference, double from, double to)
    {
        var kernel = Jit.Kernel((Arr x, Arr y) => { For(x.Length, i => y[i] = function(x[i])); }, OnLlvm, name: name);
        var x = Inputs.Uniform(9, 4099, scale: to - from, offset: from);
        var y = new double[x.Length];
        kernel.Invoke(x, y);
        for (var i = 0; i < x.Length; i++)
        {
            var expected = reference(x[i]);
            var ulps = UlpsApart(y[i], expected);
            Assert.IsTrue(ulps <= 4 || y[i] == expected, $"{name}({x[i]:R}) = {y[i]:R}, Math gives {expected:R}: {ulps} ulp apart");
        }
    }

    [TestMethod]
    public void ErrorsInsideNativeCodeAreTheClrBackendsExceptions()
    {
        var read = Jit.Kernel((Arr a, Val i) => a[i], OnLlvm);
        var e = Assert.ThrowsExactly<IndexOutOfRangeException>(() => read.Invoke(new double[3], 7L));
        StringAssert.StartsWith(e.Message, ErrorCodes.IndexOutOfRange);
        StringAssert.Contains(e.Message, "index 7 is out of bounds for axis 0 of `a` at LlvmBackendTests.cs:");
        var divide = Jit.Kernel((Val a, Val b) => FloorDiv(a, b), OnLlvm);
        StringAssert.StartsWith(Assert.ThrowsExactly<DivideByZeroException>(() => divide.Invoke(1L, 0L)).Message, ErrorCodes.DivisionByZero);
        var allocate = Jit.Kernel((Val n) => Empty(DType.Float64, n), OnLlvm);
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => allocate.Invoke(-5L)).Message, ErrorCodes.NegativeDimension);
    }

    [TestMethod]
    public void ArraysAllocatedInNativeCodeAreReturnedAsManagedArrays()
    {
        var grid = Jit.Kernel((Val rows, Val cols) =>
        {
            var g = Zeros(DType.Int64, rows, cols);
            For(rows, i => For(cols, j => g[i, j] = i * 10 + j));
            return g;
        }, OnLlvm);
        CollectionAssert.AreEqual(new long[,] { { 0, 1, 2 }, { 10, 11, 12 } }, (long[,])grid.Invoke(2, 3)!);
    }

    [TestMethod]
    public void TheRandomSequenceIsTheClrBackendsOne()
    {
        var draw = (JitOptions options) => Jit.Kernel((Arr o, Val seed) =>
        {
            Seed(seed);
            For(o.Length, i => o[i] = Uniform());
        }, options);
        var (clr, llvm) = (new double[100], new double[100]);
        draw(OnClr).Invoke(clr, 42L);
        draw(OnLlvm).Invoke(llvm, 42L);
        CollectionAssert.AreEqual(clr, llvm);
    }

    [TestMethod]
    public void WithoutLibLlvmAutoFallsBackToClrSayingSoOnceAndLlvmByNameSaysHowToInstallIt()
    {
        var (loaded, problem) = LlvmLibrary.Load("/nonexistent/libLLVM-99.so");
        Assert.IsNull(loaded);
        var notices = new StringWriter();
        var notice = new OneNotice(notices);
        Assert.AreEqual(Backend.Clr, BackendSelection.Resolve(Backend.Auto, null, problem, notice));
        Assert.AreEqual(Backend.Clr, BackendSelection.Resolve(Backend.Auto, null, problem, notice));
        Assert.AreEqual(1, notices.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, notices.ToString());
        StringAssert.Contains(notices.ToString(), "kernels run on the Clr backend");
        var e = Assert.ThrowsExactly<BackendUnavailableException>(() => BackendSelection.Resolve(Backend.Llvm, null, problem, notice));
        StringAssert.Contains(e.Message, "apt-get install libllvm19");
        Assert.AreEqual(Backend.Clr, BackendSelection.Resolve(Backend.Auto, "clr", null, notice));
        Assert.AreEqual(Backend.Llvm, BackendSelection.Resolve(Backend.Auto, null, null, notice));
    }

    [TestMethod]
    public void AVersionIsReadFromTheLibraryOrItsFileNameAndLlvm14IsRefused()
    {
        var (loaded, problem) = LlvmLibrary.Load("/usr/lib/llvm-14/lib/libLLVM.so");   // llvm-14-dev: a link to libLLVM-14.so.1
        Assert.IsNull(loaded);
        StringAssert.Contains(problem, "is LLVM 14");
        Assert.AreEqual(15, LlvmLibrary.Load("libLLVM-15.so.1").Loaded?.Version);
    }

    [TestMethod]
    public void AKernelNameMayHoldAnyCharacter() =>
        Assert.AreEqual(2L, Jit.Kernel((Val x) => x + 1, OnLlvm, name: "first line\nsecond; \"quoted\"").Invoke<long>(1L));

    [TestMethod]
    public void TheVersionInUseIsReported() =>
        StringAssert.Matches(Jit.Describe(Backend.Llvm), new System.Text.RegularExpressions.Regex(@"^LLVM \d+ \(.*libLLVM.*\), CPU \S+"));
}
