using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace JitDsl.Lowering.Runtime;

/// <summary>
/// Vector loads and stores at an element index of an array, for the SIMD loops of the Clr backend (expression
/// trees cannot take the <c>ref</c> these need). Unchecked: the loops call them only for indices where a whole
/// vector lies inside arrays whose length fusion has proven to be the loop's stop.
/// </summary>
internal static class VectorMemory
{
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
