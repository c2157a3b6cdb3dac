using CsCheck;
using static JitDsl.Dsl.Ops;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Fuzzing;

/// <summary>
/// The other half of the fuzzer: random kernels made ill-typed by one statement among theirs, and random kernels given bad
/// arguments. Each must raise a TypingException or a KernelArgumentException with its code (the one the error
/// table gives that mistake) — never an internal compiler error, another exception, or a result.
/// </summary>
[TestClass]
public sealed class IllTypedKernelTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>One mistake each, with the code it must raise.</summary>
    private static readonly (string Mistake, string Code, Action<Arr, Arr, Arr, Val> Statement)[] Mistakes =
    [
        ("& on floats", "JD0010", (x, y, o, s) => Var(Float64(s) & 1.5)),
        ("~ on a float", "JD0010", (x, y, o, s) => Var(~Float64(s))),
        ("<< on a float", "JD0010", (x, y, o, s) => Var(Float64(s) << 1)),
        ("% on complex", "JD0010", (x, y, o, s) => Var(Complex128(s) % 2.0)),
        ("FloorDiv on complex", "JD0010", (x, y, o, s) => Var(FloorDiv(Complex128(s), 2.0))),
        ("< on complex", "JD0010", (x, y, o, s) => Var(Complex128(s) < 1.0)),
        ("Min of complex", "JD0010", (x, y, o, s) => Var(Min(Complex128(s), 1.0))),
        ("complex to int", "JD0019", (x, y, o, s) => Var(Int32(Complex128(s)))),
        ("complex into a real array", "JD0019", (x, y, o, s) => o[0] = Complex128(s)),
        ("a float index", "JD0014", (x, y, o, s) => Var(x[Float64(s)])),
        ("two indices of a 1-D array", "JD0013", (x, y, o, s) => Var(x[0, 0])),
        ("indexing a scalar", "JD0012", (x, y, o, s) => Var(Float64(s).AsArray()[0])),
        ("an array in a Var", "JD0020", (x, y, o, s) => Var(x)),
        ("an array as a condition", "JD0020", (x, y, o, s) => If(x > 0, () => o[0] = 1)),
        ("Break outside a loop", "JD0004", (x, y, o, s) => Break()),
        ("a literal zero step", "JD0015", (x, y, o, s) => For(0, 3, 0, i => o[0] = i)),
        ("a PRange writing an outside variable", "JD0024", (x, y, o, s) =>
        {
            var v = Var(0L);
            PRange(o.Length, i => v.Value = i);
        }),
        ("a PRange reduction read in its body", "JD0025", (x, y, o, s) =>
        {
            var v = Var(0L);
            PRange(o.Length, i =>
            {
                v.Value = v + i;
                o[i] = v;
            });
        }),
        ("Break out of a PRange", "JD0026", (x, y, o, s) => PRange(o.Length, i => If(i > 1, () => Break()))),
        ("a CUDA intrinsic on the CPU", "JD0027", (x, y, o, s) => Var(JitDsl.Cuda.Grid(1))),
        ("a loop index after its loop", "JD0005", (x, y, o, s) =>
        {
            Val? index = null;
            For(3, i => index = i);
            Var(index!);
        }),
    ];

    [TestMethod]
    public void IllTypedKernelsRaiseTheirCodeOnEveryBackend()
    {
        var tried = 0;
        for (var k = 0; k < 120; k++)
        {
            var kernel = RandomKernel.Gen.Generate(new PCG(2, 20261127UL + (ulong)k), null, out _);
            var (mistake, code, statement) = Mistakes[k % Mistakes.Length];
            foreach (var options in new[] { OnClr, OnLlvm })
            {
                tried++;
                // Before a random statement of the body: the kernel's variables and loops are around it.
                var error = Assert.ThrowsExactly<TypingException>(() => kernel.Define(options, statement, at: k / Mistakes.Length).Invoke(kernel.Arguments()),
                    $"{mistake} in kernel {k} on {options.Backend}:\n{kernel}");
                HasCode(error, code);
            }
        }
        TestContext.WriteLine($"{tried} ill-typed kernels, each refused with its code");
    }

    /// <summary>Bad arguments for a random kernel, and what each must raise.</summary>
    private static readonly (string What, Type Exception, string Code, Func<object[], object?[]> Arguments)[] BadArguments =
    [
        ("one too few", typeof(KernelArgumentException), "JD0031", a => a[..^1]),
        ("one too many", typeof(KernelArgumentException), "JD0031", a => [.. a, 1.0]),
        ("a null array", typeof(KernelArgumentException), "JD0033", a => [null, a[1], a[2], a[3]]),
        ("a string", typeof(KernelArgumentException), "JD0032", a => [a[0], a[1], a[2], "1"]),
        ("a decimal", typeof(KernelArgumentException), "JD0032", a => [a[0], a[1], a[2], 1m]),
        ("a uint array", typeof(KernelArgumentException), "JD0032", a => [new uint[3], a[1], a[2], a[3]]),
        ("a jagged array", typeof(KernelArgumentException), "JD0032", a => [new double[2][], a[1], a[2], a[3]]),
        ("a list", typeof(KernelArgumentException), "JD0032", a => [new List<double> { 1 }, a[1], a[2], a[3]]),
        ("a scalar for an array", typeof(KernelArgumentException), "JD0021", a => [1.0, a[1], a[2], a[3]]),
        ("an array whose indices start at 1", typeof(KernelArgumentException), "JD0032",
            a => [Array.CreateInstance(typeof(double), [3], [1]), a[1], a[2], a[3]]),
    ];

    [TestMethod]
    public void BadArgumentsToRandomKernelsRaiseTheirCode()
    {
        var tried = 0;
        for (var k = 0; k < 60; k++)
        {
            var kernel = RandomKernel.Gen.Generate(new PCG(3, 20261127UL + (ulong)k), null, out _);
            var (what, exception, code, arguments) = BadArguments[k % BadArguments.Length];
            foreach (var options in new[] { OnClr, OnLlvm })
            {
                tried++;
                var error = Assert.Throws<Exception>(() => kernel.Define(options).Invoke(arguments(kernel.Arguments())), $"{what}, kernel {k}:\n{kernel}");
                Assert.IsInstanceOfType(error, exception, $"{what}, kernel {k}: {error}");
                HasCode(error, code);
            }
        }
        TestContext.WriteLine($"{tried} calls with bad arguments, each refused with its code");
    }
}
