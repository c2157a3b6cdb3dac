using ILGPU;

namespace JitDsl.Backends.Cuda;

/// <summary>
/// A 2-D or 3-D array as a CUDA kernel takes it: its elements in C order in device memory, and its lengths (1 for
/// a 2-D array's third). Element (i, j, k) is at <c>(i · Length1 + j) · Length2 + k</c>.
/// </summary>
internal struct GpuArray<T> where T : unmanaged
{
    public ArrayView<T> Data;
    public long Length0;
    public long Length1;
    public long Length2;
}
