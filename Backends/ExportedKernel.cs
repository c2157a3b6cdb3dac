namespace JitDsl;

/// <summary>A kernel to export ahead of time, its Numba signature (<c>float64(float64[:])</c>), and its C name.</summary>
/// <param name="Kernel">The kernel.</param>
/// <param name="Signature">The argument and result types the C function has.</param>
/// <param name="Name">The C function's name; by default the kernel's.</param>
public sealed record ExportedKernel(Kernel Kernel, string Signature, string? Name = null);
