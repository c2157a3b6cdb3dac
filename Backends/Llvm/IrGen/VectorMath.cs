using System.Runtime.InteropServices;

namespace JitDsl.Backends.Llvm.IrGen;

/// <summary>
/// glibc's vector math library (libmvec) and its names, so that calls to sin, exp, pow … inside loops
/// vectorise: each scalar call carries the <c>vector-function-abi-variant</c> attribute listing the vector
/// versions (works on LLVM 15 to 22, where <c>-vector-library</c> is ignored by 22). Results are within 4 ulp.
/// </summary>
internal static class VectorMath
{
    public const string Library = "libmvec.so.1";

    private static readonly Lazy<bool> Loads = new(() => NativeLibrary.TryLoad(Library, out _));

    /// <summary>Whether libmvec is on this machine; without it, math calls in loops stay scalar.</summary>
    public static bool IsAvailable => Loads.Value;

    /// <summary>The libm functions kernels call that have vector versions in libmvec.</summary>
    public static readonly IReadOnlySet<string> Functions = new HashSet<string>
    {
        "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log", "pow", "atan2",
    };

    /// <summary>The vector variants a CPU can run, as (ISA letter, lanes for double): SSE, AVX2, AVX-512.</summary>
    public static IEnumerable<(char Isa, int DoubleLanes)> Variants(string cpuFeatures)
    {
        yield return ('b', 2);
        if (cpuFeatures.Contains("+avx2", StringComparison.Ordinal))
            yield return ('d', 4);
        if (cpuFeatures.Contains("+avx512f", StringComparison.Ordinal))
            yield return ('e', 8);
    }
}
