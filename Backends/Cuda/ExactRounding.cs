using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;

namespace JitDsl.Backends.Cuda;

/// <summary>
/// PTX's add, sub and mul written without a rounding modifier may be fused into an FMA by ptxas (the PTX ISA allows
/// it; ptxas does it by default), which rounds once where the CPU backends round twice: a Mandelbrot kernel's counts
/// on an H200 differed from the CPU's. With <c>.rn</c> the instruction is IEEE's and never fused. ILGPU writes no
/// modifier, so a kernel compiled without <see cref="FastMath.Contract"/> gets one here, before the driver sees it.
/// </summary>
internal static partial class ExactRounding
{
    public static string Apply(string ptx) => Unrounded().Replace(ptx, "$1.rn.$2");

    /// <summary>The kernel with its PTX made exact; a kernel for ILGPU's CPU accelerator as it is.</summary>
    public static ILGPU.Backends.CompiledKernel Apply(ILGPU.Backends.CompiledKernel kernel) =>
        kernel is PTXCompiledKernel ptx ? NewPtxKernel(ptx.Context, EntryPointOf(ptx), ptx.Info, Apply(ptx.PTXAssembly)) : kernel;

    // An instruction's opcode follows white space; `atom.global.add.f64` takes no rounding modifier and is left alone.
    [GeneratedRegex(@"(?<=\s)(add|sub|mul)\.(f32|f64)\b")]
    private static partial Regex Unrounded();

    // ILGPU makes a PTXCompiledKernel only from its own PTX; these reach its internal constructor and entry point.
    [UnsafeAccessor(UnsafeAccessorKind.Constructor)]
    private static extern PTXCompiledKernel NewPtxKernel(Context context, EntryPoint entryPoint, ILGPU.Backends.CompiledKernel.KernelInfo? info, string ptxAssembly);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_EntryPoint")]
    private static extern EntryPoint EntryPointOf(ILGPU.Backends.CompiledKernel kernel);
}
