using System.Numerics;

namespace JitDsl.Backends.Llvm.IrGen;

/// <summary>
/// How .NET types of the lowered tree look in IR: bool is <c>i1</c> in registers and a byte in memory,
/// Complex is <c>{ double, double }</c>, an array is <c>{ ptr, i64, ... }</c> (its data and its dimensions:
/// the pinned managed array, passed as pointer plus shape, never copied); an <see cref="NdArray{T}"/> view is
/// <c>{ ptr, i64, ptr, ptr }</c>: its storage, offset, and its shape and strides as pointers to their int32s
/// (its type does not say its rank, so they are not inline).
/// </summary>
internal static class IrType
{
    public const string Complex = "{ double, double }";

    public const string View = "{ ptr, i64, ptr, ptr }";

    public static string Of(Type type)
    {
        if (type.IsArray)
            return ArrayOf(type.GetArrayRank());
        if (Lowering.Runtime.Strided.IsView(type))
            return View;
        if (VectorOf(type) is { } vector)
            return vector;
        return type == typeof(bool) ? "i1"
            : type == typeof(int) ? "i32"
            : type == typeof(long) ? "i64"
            : type == typeof(float) ? "float"
            : type == typeof(double) ? "double"
            : type == typeof(System.Numerics.Complex) ? Complex
            : type == typeof(void) ? "void"
            // A pinned array, in the SIMD loops that stream their results (see VectorMemory), and its address.
            : type == typeof(System.Runtime.InteropServices.GCHandle) ? "ptr"
            : type == typeof(nint) ? "i64"
            // The generator's state: a pointer to its four words (see NativeContext.Random).
            : type == typeof(Lowering.Runtime.KernelRandom) ? "ptr"
            : throw new JitInternalException($"the LLVM backend has no IR type for {type.Name}");
    }

    public static string ArrayOf(int rank) => "{ ptr" + string.Concat(Enumerable.Repeat(", i64", rank)) + " }";

    /// <summary>The type an element is stored as in memory (bool as i8).</summary>
    public static string InMemory(Type type) => type == typeof(bool) ? "i8" : Of(type);

    public static bool IsFloat(string type) => type is "double" or "float" || (type.StartsWith('<') && type.EndsWith("double>", StringComparison.Ordinal)) || (type.StartsWith('<') && type.EndsWith("float>", StringComparison.Ordinal));

    /// <summary>The integer vector of a float vector's bits, as comparisons' masks are: <c>&lt;8 x i64&gt;</c> for <c>&lt;8 x double&gt;</c>.</summary>
    public static string MaskOf(string floatVector) =>
        $"<{floatVector[1..floatVector.IndexOf(' ')]} x {(floatVector.EndsWith("double>", StringComparison.Ordinal) ? "i64" : "i32")}>";

    /// <summary>.NET's <c>Vector512&lt;double&gt;</c> as <c>&lt;8 x double&gt;</c> (and the 256- and 128-bit ones), or null.</summary>
    public static string? VectorOf(Type type)
    {
        if (!type.IsGenericType)
            return null;
        var definition = type.GetGenericTypeDefinition();
        var bytes = definition == typeof(System.Runtime.Intrinsics.Vector512<>) ? 64
            : definition == typeof(System.Runtime.Intrinsics.Vector256<>) ? 32
            : definition == typeof(System.Runtime.Intrinsics.Vector128<>) ? 16
            : 0;
        if (bytes == 0)
            return null;
        var element = type.GetGenericArguments()[0];
        return $"<{bytes / System.Runtime.InteropServices.Marshal.SizeOf(element)} x {Of(element)}>";
    }

    public static bool IsInteger(string type) => type is "i1" or "i8" or "i32" or "i64";

    public static int Bits(string type) => type switch
    {
        "i1" => 1,
        "i8" => 8,
        "i32" => 32,
        "i64" => 64,
        _ => throw new JitInternalException($"{type} is not an integer type"),
    };

    /// <summary>The code the allocation callback receives for an element type (a <see cref="DType"/>).</summary>
    public static int DTypeCode(Type element) => (int)(DTypes.FromClr(element)
        ?? throw new JitInternalException($"no dtype for {element.Name}"));

    /// <summary>How many 8-byte argument slots a parameter of this type takes: arrays pass data and dimensions.</summary>
    public static int Slots(Type type) => type.IsArray ? 1 + type.GetArrayRank() : Lowering.Runtime.Strided.IsView(type) ? 4 : type == typeof(System.Numerics.Complex) ? 2 : 1;
}

/// <summary>An SSA value (or literal) and its IR type.</summary>
internal readonly record struct IrValue(string Ref, string Type)
{
    public override string ToString() => $"{Type} {Ref}";
}
