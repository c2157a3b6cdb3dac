using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace JitDsl.Backends.Llvm.Interop;

/// <summary>
/// Finds and loads the system's libLLVM, newest first (22 down to 15), or the file named by the
/// <c>JITDSL_LLVM</c> environment variable, and maps <see cref="LlvmApi.Library"/> to it. LLVM 14 and older
/// are not used: their textual IR has no opaque pointers by default.
/// </summary>
internal static partial class LlvmLibrary
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
            if (version is null)
                return (null, $"which LLVM {candidate} is cannot be told (LLVM 16 and newer say; an older one must be named by its versioned file, e.g. libLLVM-15.so.1).");
            if (version < Oldest)
                return (null, $"{candidate} is LLVM {version}.");
            return (new LoadedLlvm(handle, candidate, version.Value), null);
        }
        return (null, string.IsNullOrEmpty(explicitPath) ? "no libLLVM was found." : $"{explicitPath} could not be loaded.");
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == LlvmApi.Library && Loaded is { } loaded ? loaded.Handle : IntPtr.Zero;

    /// <summary>LLVMGetVersion exists from LLVM 16; before that the file name tells (through a symbolic link too).</summary>
    private static unsafe int? VersionOf(IntPtr handle, string name)
    {
        if (NativeLibrary.TryGetExport(handle, "LLVMGetVersion", out var getVersion))
        {
            uint major, minor, patch;
            ((delegate* unmanaged<uint*, uint*, uint*, void>)getVersion)(&major, &minor, &patch);
            return (int)major;
        }
        var target = Path.IsPathRooted(name) && File.Exists(name) ? File.ResolveLinkTarget(name, returnFinalTarget: true)?.FullName : null;
        foreach (var path in new[] { target, name })
        {
            var match = path is null ? Match.Empty : VersionInName().Match(path);
            if (match.Success)
                return int.Parse(match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary><c>libLLVM-15.so.1</c>, <c>libLLVM.so.15</c>, or a file in <c>llvm-15/</c>.</summary>
    [GeneratedRegex(@"libLLVM[-.](?:so\.)?(\d+)|llvm-(\d+)/")]
    private static partial Regex VersionInName();
}

/// <summary>The libLLVM in use: its handle, the name it was loaded by, and its major version.</summary>
internal sealed record LoadedLlvm(IntPtr Handle, string Path, int Version);
