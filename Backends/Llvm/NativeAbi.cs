using System.Numerics;
using System.Runtime.InteropServices;

namespace JitDsl.Backends.Llvm;

/// <summary>
/// How managed code and compiled kernels talk. Every kernel has one entry point,
/// <c>i32 entry(Context* ctx, i64* argv, void* ret)</c>: arguments in 8-byte slots (an array as its data
/// pointer and one slot per dimension), the result written through <c>ret</c>. A non-zero return means
/// an error the kernel recorded in the context; the managed side then throws the same exception the Clr
/// backend would. Nothing ever unwinds through native frames.
/// </summary>
internal static unsafe class NativeAbi
{
    // Where the generated code finds NativeContext's fields: read from the struct, so the two cannot drift.
    public static readonly int ErrorOffset = Offset(nameof(NativeContext.Error));
    public static readonly int Value1Offset = Offset(nameof(NativeContext.Value1));
    public static readonly int Value2Offset = Offset(nameof(NativeContext.Value2));
    public static readonly int SiteOffset = Offset(nameof(NativeContext.Site));
    public static readonly int RandomOffset = Offset(nameof(NativeContext.Random));
    public static readonly int AllocateOffset = Offset(nameof(NativeContext.Allocate));
    public static readonly int ComplexMathOffset = Offset(nameof(NativeContext.ComplexMath));
    public static readonly int DetailsOffset = Offset(nameof(NativeContext.Details));
    public static readonly int ThreadsOffset = Offset(nameof(NativeContext.Threads));
    public static readonly int ParallelForOffset = Offset(nameof(NativeContext.ParallelFor));

    /// <summary>How many values beyond Value1 and Value2 an error can carry.</summary>
    public const int DetailCount = 16;

    /// <summary>In an exported library, the call's allocations (the JIT's callbacks find the call on their thread).</summary>
    public static readonly int AllocationsOffset = Offset(nameof(NativeContext.Allocations));

    /// <summary>The context's size in 8-byte words (an exported entry point allocates it).</summary>
    public static readonly int ContextWords = sizeof(NativeContext) / 8;

    /// <summary>The largest result (a Complex) fits in this many bytes.</summary>
    public const int ResultBytes = 16;

    private static int Offset(string field) => (int)Marshal.OffsetOf<NativeContext>(field);
}

/// <summary>What went wrong in a compiled kernel; recorded in <see cref="NativeContext.Error"/>.</summary>
internal enum NativeError
{
    None = 0,
    /// <summary>Value1 the index, Value2 the length.</summary>
    IndexOutOfRange = 1,
    /// <summary>Value1 0 for a division, 1 for a modulo.</summary>
    DivisionByZero = 2,
    NegativePower = 3,
    ZeroStep = 4,
    /// <summary>Value1 the requested length.</summary>
    BadDimension = 5,
    /// <summary>A callback into .NET failed (an allocation, a parallel region); the managed exception is kept by the call.</summary>
    CallbackFailed = 6,
    /// <summary>Value1 and Value2 the lengths that do not broadcast (or differ, for Dot).</summary>
    ShapeMismatch = 7,
    /// <summary>Min, Max, ArgMin or ArgMax of an empty array.</summary>
    EmptyReduction = 8,
    /// <summary>Operands that do not broadcast together: Value1 lengths in Details, every operand's shape in turn.</summary>
    BroadcastMismatch = 9,
}

/// <summary>The complex functions compiled code hands back to System.Numerics.Complex (not worth native code).</summary>
internal enum ComplexFunction
{
    Sqrt, Exp, Log, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Tanh, Pow,
}

/// <summary>The per-call context, laid out as <see cref="NativeAbi"/>'s offsets say.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeContext
{
    public long Error;
    public long Value1;
    public long Value2;
    public long Site;
    public ulong* Random;
    public delegate* unmanaged<NativeContext*, int, int, long*, void*> Allocate;
    public delegate* unmanaged<int, Complex*, Complex*, Complex*, void> ComplexMath;
    public IntPtr Allocations;
    public fixed long Details[NativeAbi.DetailCount];
    /// <summary>The caller's thread count (<see cref="JitDsl.Threads"/>), for parallel loops' chunk counts.</summary>
    public long Threads;
    /// <summary>Runs a parallel loop's chunk function on the fork-join pool (<see cref="NativeCallbacks.ParallelFor"/>).</summary>
    public delegate* unmanaged<NativeContext*, IntPtr, void*, long, int, ulong*, int> ParallelFor;
}
