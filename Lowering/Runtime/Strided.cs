namespace JitDsl.Lowering.Runtime;

/// <summary>
/// What lowered code reads of an <see cref="NdArray{T}"/> to reach an element: <c>Data[Offset + Σ i_k·Stride_k]</c>.
/// The LLVM backend reads the same from the view's slots instead of calling these.
/// </summary>
internal static class Strided
{
    /// <summary>Whether a .NET type is a view (<see cref="NdArray{T}"/> of any element type).</summary>
    public static bool IsView(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(NdArray<>);

    public static T[] Data<T>(NdArray<T> view) where T : struct => view.Data;

    public static int Offset<T>(NdArray<T> view) where T : struct => view.Offset;

    public static int Length<T>(NdArray<T> view, int axis) where T : struct => view.LengthOf(axis);

    public static int Stride<T>(NdArray<T> view, int axis) where T : struct => view.StrideOf(axis);
}
