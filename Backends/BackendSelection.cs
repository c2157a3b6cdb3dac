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
    private static int warned;

    public static Backend Resolve(Backend requested) =>
        Resolve(requested, Environment.GetEnvironmentVariable(EnvironmentVariable), LlvmLibrary.Problem, Console.Error);

    /// <summary>The choice itself, given the environment variable and why LLVM is unavailable (null when it is not).</summary>
    public static Backend Resolve(Backend requested, string? environment, string? llvmProblem, TextWriter notices)
    {
        if (requested == Backend.Auto)
        {
            requested = environment?.ToLowerInvariant() switch
            {
                "clr" => Backend.Clr,
                "llvm" => Backend.Llvm,
                _ when llvmProblem is null => Backend.Llvm,
                _ => Fallback(llvmProblem, notices),
            };
        }
        if (requested == Backend.Llvm && llvmProblem is not null)
            throw LlvmLibrary.Unavailable(llvmProblem);
        return requested;
    }

    private static Backend Fallback(string problem, TextWriter notices)
    {
        if (Interlocked.Exchange(ref warned, 1) == 0)
            notices.WriteLine(Notice(problem));
        return Backend.Clr;
    }

    public static string Notice(string problem) =>
        $"JitDsl: the LLVM backend is not available ({problem}); kernels run on the Clr backend. apt-get install libllvm19 to use it.";
}
