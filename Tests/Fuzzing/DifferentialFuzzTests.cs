using CsCheck;
using static JitDsl.Tests.TestSupport;

namespace JitDsl.Tests.Fuzzing;

/// <summary>
/// Random well-typed kernels (<see cref="RandomKernel"/>) run on the reference interpreter, the Clr and LLVM backends
/// (and their Parallel targets where a kernel has a PRange), and every second kernel on ILGPU's CPU accelerator as a
/// CUDA kernel. They must agree: the same exception type, or the same result and the same output array — integers
/// and bools bit for bit, floats bit for bit too (NaNs as NaN) unless the kernel calls a math function that is not
/// exact (Exp, Sin, Pow …), where each float may differ by 1e-12 of its magnitude (float32: 1e-5), and a parallel
/// reduction's ±0 are the same. A failing kernel is shrunk by CsCheck to the smallest that still fails and printed
/// as DSL code.
/// CI runs 500 kernels from a fixed seed; a longer run:
/// <c>JITDSL_FUZZ_KERNELS=5000 JITDSL_FUZZ_SEED=7 dotnet test -c Release --no-build --filter FullyQualifiedName~DifferentialFuzz</c>.
/// </summary>
[TestClass]
public sealed class DifferentialFuzzTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void RandomKernelsAgreeWithTheReferenceInterpreterOnEveryBackend()
    {
        if (Environment.GetEnvironmentVariable("JITDSL_FUZZ_REPLAY") is { } replay)
        {
            // One kernel by its CsCheck seed (as a failure prints it), every variant's outcome shown.
            var replayed = RandomKernel.Gen.Generate(PCG.Parse(replay), null, out _);
            TestContext.WriteLine($"{replayed}\n// {Disagreement(replayed, new Tally(), onGpu: true, log: TestContext.WriteLine) ?? "all agree"}");
            return;
        }
        var count = int.TryParse(Environment.GetEnvironmentVariable("JITDSL_FUZZ_KERNELS"), out var n) ? n : 500;
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable("JITDSL_FUZZ_SEED"), out var s) ? s : 20261127;
        var tally = new Tally();
        for (var k = 0; k < count; k++)
        {
            var pcg = new PCG(1, seed + (ulong)k);
            var start = pcg.ToString();
            var kernel = RandomKernel.Gen.Generate(pcg, null, out _);
            if (Disagreement(kernel, tally, onGpu: k % 2 == 0) is { } found)
                Assert.Fail($"kernel {k} (CsCheck seed {start}): {found}\n{kernel}\n\nshrunk: {Shrink(start)}");
        }
        TestContext.WriteLine(tally.ToString());
        Assert.IsTrue(tally.Rejected <= count / 20, $"the generator should make well-typed kernels: {tally}");
    }

    /// <summary>The smallest kernel CsCheck finds, from the failing one's seed, that still disagrees.</summary>
    private static string Shrink(string seed)
    {
        try
        {
            Check.Sample(RandomKernel.Gen, kernel =>
            {
                if (Disagreement(kernel, new Tally(), onGpu: true) is { } found)
                    throw new InvalidOperationException(found);
            }, seed: seed, iter: 2000, threads: 1, print: k => $"{k}\n// {Disagreement(k, new Tally(), onGpu: true)}");
            return "(no smaller kernel found)";
        }
        catch (Exception e)
        {
            return e.Message;
        }
    }

    /// <summary>What each kernel came to, for the closing count.</summary>
    private sealed class Tally
    {
        public int Kernels, Rejected, Raised, Approximate;
        public readonly Dictionary<string, int> Runs = [];

        public void Ran(string backend) => Runs[backend] = Runs.GetValueOrDefault(backend) + 1;

        public override string ToString() =>
            $"{Kernels} kernels ({Raised} raising, {Approximate} with inexact math, {Rejected} rejected by typing); runs: " +
            string.Join(", ", Runs.Select(r => $"{r.Key} {r.Value}"));
    }

    private static string? Disagreement(RandomKernel kernel, Tally tally, bool onGpu, Action<string>? log = null)
    {
        tally.Kernels++;
        var onClr = kernel.Define(OnClr);
        var reference = Agreement.Run(args => ReferenceInterpreter.Run(onClr, args), kernel);
        if (reference.Error is TypingException)
        {
            tally.Rejected++;
            return null;
        }
        if (reference.Error is NotSupportedException or InvalidCastException or KeyNotFoundException)
            return $"the interpreter failed: {reference.Error}";
        log?.Invoke($"interpreter: {Agreement.Describe(reference)}");
        tally.Raised += reference.Error is null ? 0 : 1;
        tally.Approximate += kernel.Approximate ? 1 : 0;
        var variants = new List<(string Name, Func<object[], object?> Run)>
        {
            ("clr", args => onClr.Invoke(args)),
            ("llvm", args => kernel.Define(OnLlvm).Invoke(args)),
        };
        if (kernel.HasParallelLoop)
        {
            variants.Add(("clr parallel", args => kernel.Define(OnClr with { Parallel = true }).Invoke(args)));
            variants.Add(("llvm parallel", args => kernel.Define(OnLlvm with { Parallel = true }).Invoke(args)));
        }
        var resultType = reference.Result?.GetType() ?? typeof(double);
        if (onGpu && Agreement.FitsTheGpu(kernel, resultType))
        {
            variants.Add(("cuda (ILGPU CPU)", args => Agreement.RunOnGpu(kernel, resultType, args)));
        }
        foreach (var (name, run) in variants)
        {
            tally.Ran(name);
            var outcome = Agreement.Run(run, kernel);
            log?.Invoke($"{name}: {Agreement.Describe(outcome)}");
            if (Agreement.Differs(reference, outcome, kernel.Approximate, parallel: name.Contains("parallel", StringComparison.Ordinal)) is { } difference)
                return $"{name} differs from the interpreter: {difference}";
        }
        return null;
    }
}
