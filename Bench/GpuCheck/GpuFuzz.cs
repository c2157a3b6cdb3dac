using System.Diagnostics;
using CsCheck;
using JitDsl;
using JitDsl.Tests.Fuzzing;

/// <summary>
/// <c>--fuzz N</c>: the differential fuzzer's random kernels (Tests/Fuzzing) as one-thread CUDA kernels on this
/// machine's GPU, each against the reference interpreter, under the same rules as the tests' runs on ILGPU's CPU
/// accelerator. Prints the first disagreements with their kernels; the exit code counts them.
/// </summary>
internal static class GpuFuzz
{
    public static int Run(int count, ulong seed, TimeSpan budget)
    {
        var clock = Stopwatch.StartNew();
        var (ran, unfit, raised, approximate, disagreements, generated) = (0, 0, 0, 0, 0, 0);
        for (var k = 0; k < count && clock.Elapsed < budget; k++, generated++)
        {
            var kernel = RandomKernel.Gen.Generate(new PCG(1, seed + (ulong)k), null, out _);
            var reference = Agreement.Run(args => ReferenceInterpreter.Run(kernel.Define(new JitOptions { Backend = Backend.Clr }), args), kernel);
            var resultType = reference.Result?.GetType() ?? typeof(double);
            if (reference.Error is TypingException || !Agreement.FitsTheGpu(kernel, resultType))
            {
                unfit++;
                continue;
            }
            ran++;
            raised += reference.Error is null ? 0 : 1;
            approximate += kernel.Approximate ? 1 : 0;
            var outcome = Agreement.Run(args => Agreement.RunOnGpu(kernel, resultType, args), kernel);
            if (Agreement.Differs(reference, outcome, kernel.Approximate, parallel: false) is { } difference && ++disagreements <= 5)
                Console.WriteLine($"  DISAGREES, kernel {k} (seed {seed}): {difference}\n{kernel}\n");
        }
        Console.WriteLine($"  fuzz on {Cuda.Device}: {ran} random kernels run ({raised} raising, {approximate} with inexact math; " +
            $"{unfit} of {generated} generated need bool arrays), {disagreements} disagreeing with the interpreter, {clock.Elapsed.TotalSeconds:F0} s");
        return disagreements;
    }
}
