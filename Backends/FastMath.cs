namespace JitDsl;

/// <summary>
/// LLVM's fast-math flags, which let the LLVM backend reorder and approximate floating-point arithmetic
/// (vectorising a sum needs <see cref="Reassociate"/>). <c>FastMath = true</c> is all of them, like
/// Numba's <c>fastmath=True</c>; the default is none. The Clr backend computes exactly either way.
/// </summary>
public readonly record struct FastMath
{
    private readonly int flags;

    private FastMath(int flags) => this.flags = flags;

    /// <summary>Exact IEEE arithmetic.</summary>
    public static FastMath None => default;

    /// <summary>Reassociate and reorder (<c>reassoc</c>): what a vectorised sum needs.</summary>
    public static FastMath Reassociate => new(1);

    /// <summary>Fuse a multiply and an add into an FMA (<c>contract</c>).</summary>
    public static FastMath Contract => new(2);

    /// <summary>Assume no NaN (<c>nnan</c>).</summary>
    public static FastMath NoNaNs => new(4);

    /// <summary>Assume no infinity (<c>ninf</c>).</summary>
    public static FastMath NoInfinities => new(8);

    /// <summary>Ignore the sign of zero (<c>nsz</c>).</summary>
    public static FastMath NoSignedZeros => new(16);

    /// <summary>Use a reciprocal instead of a division (<c>arcp</c>).</summary>
    public static FastMath Reciprocal => new(32);

    /// <summary>Approximate functions (<c>afn</c>).</summary>
    public static FastMath ApproximateFunctions => new(64);

    /// <summary>Every flag: LLVM's <c>fast</c>.</summary>
    public static FastMath All => new(127);

    /// <summary>Both sets of flags.</summary>
    public static FastMath operator |(FastMath a, FastMath b) => new(a.flags | b.flags);

    /// <summary><c>true</c> is <see cref="All"/>, <c>false</c> is <see cref="None"/>.</summary>
    public static implicit operator FastMath(bool all) => all ? All : None;

    /// <summary>Whether every flag of <paramref name="other"/> is set.</summary>
    internal bool Has(FastMath other) => (flags & other.flags) == other.flags;

    /// <inheritdoc/>
    public override string ToString() => flags == 127 ? "fast" : flags == 0 ? "none" : IrFlags().Trim();

    /// <summary>The flags as IR writes them before an instruction's type, with a trailing space ("" when none).</summary>
    internal string IrFlags()
    {
        if (flags == 0)
            return "";
        if (flags == 127)
            return "fast ";
        string[] names = ["reassoc", "contract", "nnan", "ninf", "nsz", "arcp", "afn"];
        var set = flags;
        return string.Concat(names.Where((_, k) => (set & (1 << k)) != 0).Select(n => n + " "));
    }
}
