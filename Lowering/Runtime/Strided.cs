namespace JitDsl.Lowering.Runtime;

/// <summary>
/// What lowered code reads of an <see cref="NdArray{T}"/> to reach an element: <c>Data[Offset + Σ i_k·Stride_k]</c>.
/// The LLVM backend reads the same from the view's slots instead of calling these.
/// </summary>
internal static class Strided
{
    public static T[] Data<T>(NdArray<T> view) where T : struct => view.Data;

    public static int Offset<T>(NdArray<T> view) where T : struct => view.Offset;

    public static int Length<T>(NdArray<T> view, int axis) where T : struct => ((INdArray)view).ShapeArray[axis];

    public static int Stride<T>(NdArray<T> view, int axis) where T : struct => ((INdArray)view).StrideArray[axis];
}
