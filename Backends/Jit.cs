using System.Linq.Expressions;
using System.Runtime.CompilerServices;

namespace JitDsl;

/// <summary>
/// Defines kernels, the way <c>@numba.njit</c> does: a C# lambda over handles (<see cref="Val"/>,
/// <see cref="Arr"/>) is traced once into a kernel tree, then compiled per argument signature.
/// </summary>
/// <example>
/// <code>
/// var sumSquares = Jit.Kernel((Arr a) =>
/// {
///     var total = Var(0.0);
///     For(a.Length, i => total.Value += a[i] * a[i]);
///     return total;
/// });
/// double s = sumSquares.Invoke&lt;double&gt;(data);
/// </code>
/// </example>
public static class Jit
{
    /// <summary>
    /// A kernel compiled lazily for each argument signature at its first call. <paramref name="body"/> is a lambda
    /// with explicitly typed handle parameters (<c>(Arr a, Val x) =&gt; ...</c>) returning a <see cref="Val"/> or nothing.
    /// </summary>
    /// <param name="body">The kernel's body, traced once, now.</param>
    /// <param name="options">Compilation options; <see cref="JitOptions.Default"/> if null.</param>
    /// <param name="name">The kernel's name in errors and inspection; by default the variable it is assigned to.</param>
    /// <param name="file">Filled in by the compiler.</param>
    /// <param name="line">Filled in by the compiler.</param>
    /// <exception cref="TypingException">The body misuses the DSL (a Break outside a loop, a value used out of scope...).</exception>
    public static Kernel Kernel(Delegate body, JitOptions? options = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        JitDsl.Kernel.Trace(body, options, name, [], file, line);

    /// <summary>
    /// A kernel compiled now for a Numba signature such as <c>"float64(float64[:])"</c>, like
    /// <c>@njit('float64(float64[:])')</c>. It accepts arguments that cast safely to that signature.
    /// </summary>
    public static Kernel Kernel(string signature, Delegate body, JitOptions? options = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        JitDsl.Kernel.Trace(body, options, name, [signature], file, line);

    /// <summary>A kernel compiled now for each of several Numba signatures; a call takes the first its arguments cast to safely.</summary>
    public static Kernel Kernel(string[] signatures, Delegate body, JitOptions? options = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        JitDsl.Kernel.Trace(body, options, name, signatures, file, line);

    /// <summary>
    /// A kernel compiled now for the types of <typeparamref name="TDelegate"/>, returned as that delegate:
    /// <c>Jit.Kernel&lt;Func&lt;double[], double&gt;&gt;((Arr a) =&gt; ...)</c> gives a function to call directly.
    /// </summary>
    public static TDelegate Kernel<TDelegate>(Delegate body, JitOptions? options = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) where TDelegate : Delegate =>
        JitDsl.Kernel.Trace(body, options, name, [], file, line).Compile<TDelegate>();

    /// <summary>
    /// An array expression, like a NumPy expression but fused by Numba's array-expression rewrite: <paramref name="body"/>
    /// applies operators, math functions, <c>Where</c> and casts to whole arrays (<c>(Arr x) =&gt; Sqrt(x * x + Sin(x) * Exp(-x))</c>),
    /// with NumPy broadcasting between arrays of different shapes and scalars. It is compiled into one loop nest
    /// per argument signature: no temporary arrays, the result allocated once, or not at all with <see cref="ArrayMap.Into"/>.
    /// </summary>
    public static ArrayMap Map(Delegate body, JitOptions? options = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        new(JitDsl.Kernel.Trace(body, options, name, [], file, line));

    /// <summary>
    /// Compiles kernels ahead of time with LLVM into a shared library with a C entry point each, and writes a C
    /// header beside it (<c>libkernels.so</c>, <c>libkernels.h</c>). Needs libLLVM and the system's C compiler (cc).
    /// </summary>
    public static void Export(string libraryPath, params ExportedKernel[] kernels) =>
        Backends.Llvm.Aot.AotExport.Write(libraryPath, kernels);

    /// <summary>Whether a backend can compile here (<see cref="Backend.Llvm"/> needs libLLVM 15 or newer).</summary>
    public static bool IsAvailable(Backend backend) =>
        backend != Backend.Llvm || Backends.Llvm.Interop.LlvmLibrary.Loaded is not null;

    /// <summary>
    /// What a backend compiles with, in one line: for LLVM the library and version in use and the CPU and
    /// vector features code is made for, or why it is not available.
    /// </summary>
    public static string Describe(Backend backend) => backend switch
    {
        Backend.Clr => $".NET {Environment.Version} JIT through System.Linq.Expressions",
        Backend.Llvm => Backends.Llvm.LlvmTarget.Describe(),
        _ => $"automatic: {Describe(Backends.BackendSelection.Automatic())}",
    };

    /// <summary>
    /// A scalar kernel from a C# expression lambda, such as <c>(double x, double y) =&gt; x + y &gt; 1 ? 1 : x + y</c>,
    /// with C#'s meaning of its operators. Usable from the host and from other kernels.
    /// </summary>
    public static Kernel FromExpression(LambdaExpression expression, JitOptions? options = null, string? name = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        JitDsl.Kernel.Import(expression, options, name, file, line);
}
