using JitDsl.Backends.Llvm.Interop;

namespace JitDsl.Backends;

/// <summary>
/// Turns <see cref="Backend.Auto"/> into a backend: <c>JITDSL_BACKEND</c> when set, else LLVM when libLLVM
/// loads, else Clr — saying so once on stderr, since the user did not ask for LLVM by name. Asking for
/// LLVM by name where there is none is an error that says how to install it.
/// </summary>
internal static class BackendSelection
{
    public const string EnvironmentVariable = "JITDSL_BACKEND";
    private static readonly OneNotice ProcessNotice = new(Console.Error);

    public static Backend Resolve(Backend requested) =>
        Resolve(requested, Environment.GetEnvironmentVariable(EnvironmentVariable), LlvmLibrary.Problem, ProcessNotice);

    /// <summary>What <see cref="Backend.Auto"/> means in this process (without saying anything).</summary>
    public static Backend Automatic() => Automatic(Environment.GetEnvironmentVariable(EnvironmentVariable), LlvmLibrary.Problem);

    /// <summary>The choice itself, given the environment variable and why LLVM is unavailable (null when it is not).</summary>
    public static Backend Resolve(Backend requested, string? environment, string? llvmProblem, OneNotice notice)
    {
        if (requested == Backend.Auto)
        {
            requested = Automatic(environment, llvmProblem);
            if (requested == Backend.Clr && llvmProblem is not null && !"clr".Equals(environment, StringComparison.OrdinalIgnoreCase))
                notice.Say($"JitDsl: the LLVM backend is not available ({llvmProblem}); kernels run on the Clr backend. apt-get install libllvm19 to use it.");
        }
        if (requested == Backend.Llvm && llvmProblem is not null)
            throw LlvmLibrary.Unavailable(llvmProblem);
        if (requested == Backend.Cuda)
            throw new NotSupportedException(
                "Backend.Cuda runs maps and ufunc calls (Jit.Map, Ufunc.Vectorize's Invoke and Into); write GPU kernels with Cuda.Kernel, and reduce on the CPU");
        return requested;
    }

    private static Backend Automatic(string? environment, string? llvmProblem) => environment?.ToLowerInvariant() switch
    {
        "clr" => Backend.Clr,
        "llvm" => Backend.Llvm,
        _ => llvmProblem is null ? Backend.Llvm : Backend.Clr,
    };
}

/// <summary>A line written once, however often it is said (from any thread).</summary>
internal sealed class OneNotice(TextWriter target)
{
    private int said;

    public void Say(string line)
    {
        if (Interlocked.Exchange(ref said, 1) == 0)
            target.WriteLine(line);
    }
}
