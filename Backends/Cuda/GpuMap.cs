using System.Globalization;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;

namespace JitDsl.Backends.Cuda;

/// <summary>
/// A <c>Jit.Map</c> (or a ufunc's call) with <see cref="Backend.Cuda"/>: its <c>Into</c> kernel, fused, becomes a
/// grid-stride kernel over the result's elements. 1-D arrays, broadcast with scalars and length-1 arrays; the
/// result is a host array, or a <see cref="DeviceArray{T}"/> when an argument is one. A call on scalars alone is
/// computed by <paramref name="scalars"/>, on the CPU.
/// </summary>
internal sealed class GpuMap(KernelTree map, KernelTree into, JitOptions options, Func<object?[], object?> scalars)
{
    private readonly CudaKernel kernel = new(into, options, gridStride: true);
    // The result's type for each argument signature: typing once, not at every call.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Signature, JitType> resultTypes = new();

    public object? Invoke(object?[] args)
    {
        if (NewOutput(args) is not { } made)
            return scalars(args);
        try
        {
            kernel.LaunchOver(made.Length, [.. args, made.Output]);
        }
        catch
        {
            (made.Output as IDisposable)?.Dispose();
            throw;
        }
        return made.Output;
    }

    public void Into(object output, object?[] args)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output is not (IDeviceArray { Shape.Count: 1 } or Array { Rank: 1 }))
            throw new ArgumentException($"`{map.Name}` on the GPU writes into a 1-D array or a DeviceArray, not a {output.GetType().Name}", nameof(output));
        var length = Length([output]);
        Length([.. args, output]);
        kernel.LaunchOver(length, [.. args, output]);
    }

    /// <summary>The stages of the kernel for these arguments (and an output as a call would make).</summary>
    public KernelInspection Inspect(object?[] args) =>
        NewOutput(args) is { } made ? kernel.Inspect([.. args, made.Output])
        : throw new ArgumentException($"`{map.Name}` runs on the CPU when given no array; give an array to see its GPU kernel", nameof(args));

    /// <summary>The result a call makes, of the map's dtype and the arguments' broadcast length; null when they are all scalars.</summary>
    private (object Output, long Length)? NewOutput(object?[] args)
    {
        var signature = CudaKernel.SignatureOf(map, args);
        if (!signature.Parameters.Any(p => p.IsArray))
            return null;
        var result = resultTypes.GetOrAdd(signature, types => TypeInference.Specialize(map, types, null).ReturnType!);
        if (result.Rank != 1)
            throw new TypingException(ErrorCodes.GpuOnly, $"`{map.Name}` on the GPU maps 1-D arrays, not {result}", map.Loc);
        var length = Length(args);
        var element = result.DType.ClrType();
        var output = args.Any(a => a is IDeviceArray)
            ? Activator.CreateInstance(typeof(DeviceArray<>).MakeGenericType(element), [length])!
            : Array.CreateInstance(element, length);
        return (output, length);
    }

    /// <summary>The arrays' common length, NumPy's broadcasting of 1-D arrays (length 1 stretches), checked here.</summary>
    private long Length(object?[] args)
    {
        var lengths = args.Select(a => a switch
        {
            IDeviceArray { Shape.Count: 1 } device => device.Length,
            Array { Rank: 1 } array => (long?)array.LongLength,
            _ => null,
        }).OfType<long>().ToArray();
        var length = lengths.Where(l => l != 1).DefaultIfEmpty(lengths.DefaultIfEmpty(1).Max()).Max();
        if (lengths.Any(l => l != 1 && l != length))
            throw new ArgumentException($"{ErrorCodes.ShapeMismatch}: operands could not be broadcast together with shapes " +
                string.Join(" ", lengths.Select(l => $"({l.ToString(CultureInfo.InvariantCulture)},)")) + $" (in `{map.Name}` on the GPU)");
        return length;
    }
}
