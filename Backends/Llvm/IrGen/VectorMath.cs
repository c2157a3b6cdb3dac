namespace JitDsl.Backends.Llvm.IrGen;

/// <summary>
/// glibc's vector math library (libmvec) and its names, so that calls to sin, exp, pow … inside loops
/// vectorise: each scalar call carries the <c>vector-function-abi-variant</c> attribute listing the vector
/// versions (works on LLVM 15 to 22, where <c>-vector-library</c> is ignored by 22). Results are within 4 ulp.
/// </summary>
internal static class VectorMath
{
    public const string Library = "libmvec.so.1";

    /// <summary>The libm functions with vector versions in libmvec, and their arity.</summary>
    public static readonly IReadOnlyDictionary<string, int> Functions = new Dictionary<string, int>
    {
        ["sin"] = 1, ["cos"] = 1, ["tan"] = 1, ["asin"] = 1, ["acos"] = 1, ["atan"] = 1,
        ["sinh"] = 1, ["cosh"] = 1, ["tanh"] = 1, ["exp"] = 1, ["log"] = 1, ["log1p"] = 1,
        ["pow"] = 2, ["atan2"] = 2, ["hypot"] = 2,
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
