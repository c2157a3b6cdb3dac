using System.Numerics;
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

    /// <summary>A run's outcome: the result and the output array, or the exception.</summary>
    private sealed record Outcome(object? Result, Array? Output, Exception? Error);

    private static Outcome Run(Func<object[], object?> run, RandomKernel kernel)
    {
        var args = kernel.Arguments();
        try
        {
            return new Outcome(run(args), (Array)args[2], null);
        }
        catch (Exception e) when (e is not AssertFailedException)
        {
            return new Outcome(null, null, e);
        }
    }

    private static string? Disagreement(RandomKernel kernel, Tally tally, bool onGpu, Action<string>? log = null)
    {
        tally.Kernels++;
        var reference = Run(args => ReferenceInterpreter.Run(kernel.Define(OnClr), args), kernel);
        if (reference.Error is TypingException typing)
        {
            tally.Rejected++;
            return null;
        }
        if (reference.Error is NotSupportedException or InvalidCastException or KeyNotFoundException)
            return $"the interpreter failed: {reference.Error}";
        log?.Invoke($"interpreter: {Describe(reference)}");
        tally.Raised += reference.Error is null ? 0 : 1;
        tally.Approximate += kernel.Approximate ? 1 : 0;
        var variants = new List<(string Name, Func<object[], object?> Run)>
        {
            ("clr", args => kernel.Define(OnClr).Invoke(args)),
            ("llvm", args => kernel.Define(OnLlvm).Invoke(args)),
        };
        if (kernel.HasParallelLoop)
        {
            variants.Add(("clr parallel", args => kernel.Define(OnClr with { Parallel = true }).Invoke(args)));
            variants.Add(("llvm parallel", args => kernel.Define(OnLlvm with { Parallel = true }).Invoke(args)));
        }
        // The GPU holds no bool arrays; its result comes back in r[0].
        var resultType = reference.Result?.GetType() ?? typeof(double);
        if (onGpu && kernel is { X: not DType.Bool, Y: not DType.Bool, O: not DType.Bool } && resultType != typeof(bool))
        {
            variants.Add(("cuda (ILGPU CPU)", args =>
            {
                // Device arrays: host arrays would work too, with a warning per kernel.
                var arrays = new[] { (Array)args[0], (Array)args[1], (Array)args[2], Array.CreateInstance(resultType, 1) }.Select(ToDevice).ToArray();
                try
                {
                    kernel.DefineForGpu()[1, 1](arrays[0], arrays[1], arrays[2], args[3], arrays[3]);
                    ((IDeviceArray)arrays[2]).CopyToHost((Array)args[2]);
                    var r = Array.CreateInstance(resultType, 1);
                    ((IDeviceArray)arrays[3]).CopyToHost(r);
                    return r.GetValue(0);
                }
                finally
                {
                    foreach (IDisposable array in arrays)
                        array.Dispose();
                }
            }));
        }
        foreach (var (name, run) in variants)
        {
            tally.Ran(name);
            var outcome = Run(run, kernel);
            log?.Invoke($"{name}: {Describe(outcome)}");
            if (Differs(reference, outcome, kernel.Approximate, parallel: name.Contains("parallel", StringComparison.Ordinal)) is { } difference)
                return $"{name} differs from the interpreter: {difference}";
        }
        return null;
    }

    private static object ToDevice(Array host) =>
        Activator.CreateInstance(typeof(DeviceArray<>).MakeGenericType(host.GetType().GetElementType()!), host)!;

    private static string? Differs(Outcome expected, Outcome actual, bool approximate, bool parallel)
    {
        if (expected.Error is not null || actual.Error is not null)
        {
            return expected.Error?.GetType() == actual.Error?.GetType()
                ? null
                : $"expected {Describe(expected)}, got {Describe(actual)}";
        }
        if (!Same(expected.Result, actual.Result, approximate, parallel))
            return $"result {Show(expected.Result)} expected, got {Show(actual.Result)}";
        for (var k = 0; k < expected.Output!.Length; k++)
        {
            if (!Same(expected.Output.GetValue(k), actual.Output!.GetValue(k), approximate, parallel))
                return $"o[{k}] {Show(expected.Output.GetValue(k))} expected, got {Show(actual.Output.GetValue(k))}";
        }
        return null;
    }

    private static string Describe(Outcome o) => o.Error is { } e ? $"{e.GetType().Name}: {e.Message}" : $"result {Show(o.Result)}";

    private static string Show(object? value) => value switch
    {
        null => "nothing",
        double d => $"{d:R} (float64)",
        float f => $"{f:R} (float32)",
        _ => $"{value} ({value.GetType().Name})",
    };

    private static bool Same(object? a, object? b, bool approximate, bool parallel)
    {
        if (a is null || b is null)
            return a is null && b is null;
        if (a.GetType() != b.GetType())
            return false;
        return (a, b) switch
        {
            (double x, double y) => SameReal(x, y, approximate ? 1e-12 : 0, parallel),
            (float x, float y) => SameReal(x, y, approximate ? 1e-5 : 0, parallel),
            (Complex x, Complex y) => SameReal(x.Real, y.Real, approximate ? 1e-12 : 0, parallel) && SameReal(x.Imaginary, y.Imaginary, approximate ? 1e-12 : 0, parallel),
            _ => a.Equals(b),
        };
    }

    private static bool SameReal(double x, double y, double tolerance, bool parallel)
    {
        if (double.IsNaN(x) || double.IsNaN(y))
            return double.IsNaN(x) && double.IsNaN(y);
        if (BitConverter.DoubleToInt64Bits(x) == BitConverter.DoubleToInt64Bits(y) || (parallel && x == y))
            return true;
        return tolerance > 0 && Math.Abs(x - y) <= tolerance * Math.Max(Math.Abs(x), Math.Abs(y));
    }
}
