namespace JitDsl.Lowering.Runtime;

/// <summary>
/// What the lowered tree of a CUDA kernel calls for <c>threadIdx</c>, <c>blockIdx</c>, <c>blockDim</c>, <c>gridDim</c>
/// and the barrier: the Cuda backend's IL emitter puts ILGPU's intrinsics in its place, so it never runs.
/// </summary>
internal static class GpuRuntime
{
    /// <param name="quantity">A <c>GpuQuantity</c>.</param>
    /// <param name="axis">0, 1, 2 for x, y, z.</param>
    public static long Intrinsic(int quantity, int axis) =>
        throw new InvalidOperationException($"CUDA intrinsic {quantity} (axis {axis}) called outside a CUDA kernel");

    /// <param name="op">A <c>GpuAtomicOp</c>.</param>
    /// <param name="array">The array.</param>
    /// <param name="index">The element's index, checked.</param>
    /// <param name="value">The operand.</param>
    /// <param name="compare">For a compare-exchange, what the element must hold.</param>
    public static T Atomic<T>(int op, T[] array, int index, T value, T compare) =>
        throw new InvalidOperationException($"CUDA atomic {op} on element {index} of {array.Length} ({value}, {compare}) called outside a CUDA kernel");

    /// <summary>A uniform float64 from generator <paramref name="index"/> (checked) of <paramref name="states"/>.</summary>
    public static double Uniform(long[] states, int index) =>
        throw new InvalidOperationException($"a CUDA random draw from generator {index} of {states.Length / 2} made outside a CUDA kernel");

    /// <summary>The block's shared array of <paramref name="length"/> elements.</summary>
    public static T[] SharedArray<T>(int length) =>
        throw new InvalidOperationException($"a CUDA shared array of {length} elements made outside a CUDA kernel");
}
