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

    public static Backend Resolve(Backend requested)
    {
        if (requested == Backend.Auto)
        {
            requested = Environment.GetEnvironmentVariable(EnvironmentVariable)?.ToLowerInvariant() switch
            {
                "clr" => Backend.Clr,
                "llvm" => Backend.Llvm,
                _ => LlvmLibrary.Loaded is not null ? Backend.Llvm : Fallback(),
            };
        }
        if (requested == Backend.Llvm)
            LlvmLibrary.Require();
        return requested;
    }

    private static Backend Fallback()
    {
        if (Interlocked.Exchange(ref warned, 1) == 0)
            Console.Error.WriteLine($"JitDsl: the LLVM backend is not available ({LlvmLibrary.Problem}); kernels run on the Clr backend. apt-get install libllvm19 to use it.");
        return Backend.Clr;
    }
}
