using System.Reflection;
using System.Runtime.InteropServices;

namespace JitDsl.Backends.Llvm.Interop;

/// <summary>
/// Finds and loads the system's libLLVM, newest first (22 down to 15), or the file named by the
/// <c>JITDSL_LLVM</c> environment variable, and maps <see cref="LlvmApi.Library"/> to it. LLVM 14 and older
/// are not used: their textual IR has no opaque pointers by default.
/// </summary>
internal static class LlvmLibrary
{
    public const string EnvironmentVariable = "JITDSL_LLVM";
    private const int Newest = 22;
    private const int Oldest = 15;

    private static readonly Lazy<(LoadedLlvm? Loaded, string? Problem)> State = new(() =>
    {
        var state = Load(Environment.GetEnvironmentVariable(EnvironmentVariable));
        if (state.Loaded is not null)
            NativeLibrary.SetDllImportResolver(typeof(LlvmLibrary).Assembly, Resolve);
        return state;
    });

    /// <summary>The loaded library, or null when there is none; <see cref="Problem"/> then says why.</summary>
    public static LoadedLlvm? Loaded => State.Value.Loaded;

    public static string? Problem => State.Value.Problem;

    /// <summary>The loaded library, or an exception that says how to get one.</summary>
    public static LoadedLlvm Require() => Loaded ?? throw Unavailable(Problem);

    public static BackendUnavailableException Unavailable(string? problem) => new(
        $"the LLVM backend needs libLLVM {Oldest} or newer: {problem} Install one (apt-get install libllvm19) or set {EnvironmentVariable} to its path.");

    /// <summary>Finds a libLLVM: the named file, or the newest installed; the problem when there is none.</summary>
    public static (LoadedLlvm? Loaded, string? Problem) Load(string? explicitPath)
    {
        var candidates = string.IsNullOrEmpty(explicitPath)
            ? Enumerable.Range(Oldest, Newest - Oldest + 1).Reverse().SelectMany(v => new[]
                { $"libLLVM.so.{v}.1", $"libLLVM-{v}.so.1", $"libLLVM-{v}.so", $"libLLVM.so.{v}" })
            : [explicitPath];
        foreach (var candidate in candidates)
        {
            if (!NativeLibrary.TryLoad(candidate, out var handle))
                continue;
            var version = VersionOf(handle, candidate);
            if (version < Oldest)
                return (null, $"{candidate} is LLVM {version}.");
            return (new LoadedLlvm(handle, candidate, version), null);
        }
        return (null, string.IsNullOrEmpty(explicitPath) ? "no libLLVM was found." : $"{explicitPath} could not be loaded.");
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == LlvmApi.Library && Loaded is { } loaded ? loaded.Handle : IntPtr.Zero;

    /// <summary>LLVMGetVersion exists from LLVM 16; before that the file name tells.</summary>
    private static unsafe int VersionOf(IntPtr handle, string name)
    {
        if (NativeLibrary.TryGetExport(handle, "LLVMGetVersion", out var getVersion))
        {
            uint major, minor, patch;
            ((delegate* unmanaged<uint*, uint*, uint*, void>)getVersion)(&major, &minor, &patch);
            return (int)major;
        }
        var digits = new string(Path.GetFileName(name).SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, out var version) ? version : Oldest;
    }
}

/// <summary>The libLLVM in use: its handle, the name it was loaded by, and its major version.</summary>
internal sealed record LoadedLlvm(IntPtr Handle, string Path, int Version);
