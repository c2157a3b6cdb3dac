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
}
