using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace JitDsl.Lowering.Runtime;

/// <summary>
/// Vector loads and stores at an element index of an array, for the SIMD loops of fused elementwise loops
/// (expression trees cannot take the <c>ref</c> these need; the LLVM backend translates them into vectors). Unchecked: the loops call them only for indices where a whole
/// vector lies inside arrays whose length fusion has proven to be the loop's stop.
/// </summary>
internal static class VectorMemory
{
    /// <summary>Results at least this large are written with non-temporal stores (larger than this machine's L2).</summary>
    public const long NonTemporalBytes = 1 << 20;

    public static GCHandle Pin(Array array) => GCHandle.Alloc(array, GCHandleType.Pinned);

    public static nint AddressOf(GCHandle pin) => pin.AddrOfPinnedObject();

    public static void Unpin(GCHandle pin) => pin.Free();

    /// <summary>
    /// The first index from <paramref name="index"/> on whose element, in pinned data at <paramref name="address"/>,
    /// starts an <paramref name="alignment"/>-byte block (.NET aligns array data to at least 8 bytes, so it is exact
    /// for doubles and floats), less than <c>alignment / elementSize</c> past it.
    /// </summary>
    public static int FirstAligned(nint address, int index, int elementSize, int alignment) =>
        index + (int)((alignment - ((address + (nint)index * elementSize) & (alignment - 1))) & (alignment - 1)) / elementSize;

    /// <summary>Orders the non-temporal stores before anything that follows them (they bypass the cache's ordering).</summary>
    public static void StoreFence()
    {
        if (Sse.IsSupported)
            Sse.StoreFence();
    }

    // Non-temporal stores need aligned addresses: the callers reach one first.
    public static unsafe void StoreNonTemporal512<T>(Vector512<T> value, nint address, int index) where T : unmanaged =>
        Vector512.StoreAlignedNonTemporal(value, (T*)address + index);

    public static unsafe void StoreNonTemporal256<T>(Vector256<T> value, nint address, int index) where T : unmanaged =>
        Vector256.StoreAlignedNonTemporal(value, (T*)address + index);

    public static unsafe void StoreNonTemporal128<T>(Vector128<T> value, nint address, int index) where T : unmanaged =>
        Vector128.StoreAlignedNonTemporal(value, (T*)address + index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load512<T>(T[] array, int index) => Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store512<T>(Vector512<T> value, T[] array, int index) => value.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load256<T>(T[] array, int index) => Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store256<T>(Vector256<T> value, T[] array, int index) => value.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load128<T>(T[] array, int index) => Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store128<T>(Vector128<T> value, T[] array, int index) => value.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(array), (nuint)index);
}
