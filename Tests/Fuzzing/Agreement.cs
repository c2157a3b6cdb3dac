using System.Numerics;

namespace JitDsl.Tests.Fuzzing;

/// <summary>
/// How a random kernel's runs are compared with the interpreter's (shared by the fuzz tests and the GPU check):
/// the same exception type, or the same result and output array — integers and bools exactly, floats bit for bit
/// (any NaN as NaN) unless the kernel calls an inexact math function (then within 1e-12 of the magnitude, float32
/// 1e-5), and ±0 alike after a parallel reduction, whose order is free.
/// </summary>
internal static class Agreement
{
    /// <summary>A run's outcome: the result and the output array, or the exception.</summary>
    public sealed record Outcome(object? Result, Array? Output, Exception? Error);

    public static Outcome Run(Func<object[], object?> run, RandomKernel kernel)
    {
        var args = kernel.Arguments();
        try
        {
            return new Outcome(run(args), (Array)args[2], null);
        }
        catch (Exception e)
        {
            return new Outcome(null, null, e);
        }
    }

    /// <summary>Whether the GPU can run it: device arrays hold no bools (nor does a result array), kernels no complex numbers.</summary>
    public static bool FitsTheGpu(RandomKernel kernel, Type resultType) =>
        kernel is { X: not DType.Bool, Y: not DType.Bool, O: not DType.Bool } && resultType != typeof(bool)
        && !kernel.UsesComplex;

    /// <summary>The kernel as a one-thread CUDA kernel on device copies of its arrays; its result comes back in r[0].</summary>
    public static object? RunOnGpu(RandomKernel kernel, Type resultType, object[] args)
    {
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
    }

    private static object ToDevice(Array host) =>
        Activator.CreateInstance(typeof(DeviceArray<>).MakeGenericType(host.GetType().GetElementType()!), host)!;

    public static string? Differs(Outcome expected, Outcome actual, bool approximate, bool parallel)
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

    public static string Describe(Outcome o) => o.Error is { } e ? $"{e.GetType().Name}: {e.Message}" : $"result {Show(o.Result)}";

    private static string Show(object? value) => value switch
    {
        null => "nothing",
        double d => $"{d:R} (float64)",
        float f => $"{f:R} (float32)",
        _ => $"{value} ({value.GetType().Name})",
    };

    public static bool Same(object? a, object? b, bool approximate, bool parallel)
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
        // Finite values only: |inf − y| ≤ tolerance·inf would let any value match an infinity.
        return tolerance > 0 && double.IsFinite(x) && double.IsFinite(y) && Math.Abs(x - y) <= tolerance * Math.Max(Math.Abs(x), Math.Abs(y));
    }
}
