namespace JitDsl;

/// <summary>Which compiler turns a kernel into machine code.</summary>
public enum Backend
{
    /// <summary>LLVM when libLLVM is installed, the .NET JIT otherwise (said once, on stderr). The
    /// <c>JITDSL_BACKEND</c> environment variable (<c>clr</c> or <c>llvm</c>) decides instead when set.</summary>
    Auto,
    /// <summary>The .NET JIT, through System.Linq.Expressions: no native dependency.</summary>
    Clr,
    /// <summary>LLVM at O3 for this CPU, vectorised, through the system's libLLVM; an error if there is none.</summary>
    Llvm,
    /// <summary>
    /// The GPU, through ILGPU (its CPU accelerator where there is no CUDA GPU), for <c>Jit.Map</c> and
    /// <c>Ufunc.Vectorize</c>: each call launches a grid-stride kernel over 1-D arrays. Kernels for the GPU are
    /// written with <c>Cuda.Kernel</c>; a <c>Jit.Kernel</c> with this backend is refused.
    /// </summary>
    Cuda,
}

/// <summary>How a kernel is compiled. Immutable: derive variants with <c>with</c>.</summary>
public sealed record JitOptions
{
    /// <summary>The defaults: the automatic backend, bounds checks on, exact floating point.</summary>
    public static JitOptions Default { get; } = new();

    /// <summary>Which compiler to use (default <see cref="Backend.Auto"/>).</summary>
    public Backend Backend { get; init; } = Backend.Auto;

    /// <summary>
    /// Check every index that is not proven in range and raise <see cref="IndexOutOfRangeException"/> with the
    /// user's line (default true). Off, negative indices still count from the end; on the Clr backend .NET's
    /// own array check still stops a wild index, while LLVM's native code, like C, does not check at all.
    /// </summary>
    public bool BoundsCheck { get; init; } = true;

    /// <summary>
    /// Run <c>PRange</c> loops, fused array expressions and their reductions on all cores (see
    /// <see cref="Threads"/>), like Numba's <c>parallel=True</c>; without it they run on the calling thread.
    /// </summary>
    public bool Parallel { get; init; }

    /// <summary>LLVM's fast-math flags (<c>FastMath = true</c> for all); ignored by the Clr backend.</summary>
    public FastMath FastMath { get; init; }

    /// <summary>
    /// Keep the LLVM backend's object code on disk, so that another process skips optimisation and code
    /// generation, like Numba's <c>cache=True</c> (folder: <c>JITDSL_CACHE_DIR</c>, else <c>~/.cache/jitdsl</c>).
    /// </summary>
    public bool Cache { get; init; }
}
