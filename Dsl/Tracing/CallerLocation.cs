using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Tracing;

/// <summary>
/// Finds the user's file and line for nodes built by operators, indexers and property setters, which
/// cannot take [CallerLineNumber]: the first stack frame outside JitDsl's own assemblies. Costs tens of
/// microseconds a node, paid once when a kernel is traced.
/// </summary>
internal static class CallerLocation
{
    private static readonly ConditionalWeakTable<Assembly, object> OwnAssemblies = new();
    private static readonly HashSet<string> OwnAssemblyNames =
        ["JitDsl.Dsl", "JitDsl.Lowering", "JitDsl.Backends", "JitDsl.Ufunc", "JitDsl.Parallel"];

    public static SourceLoc From(string file, int line) => file.Length == 0 ? SourceLoc.Unknown : new SourceLoc(file, line);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SourceLoc Capture()
    {
        var trace = new StackTrace(1, false);
        for (var k = 0; k < trace.FrameCount; k++)
        {
            var assembly = trace.GetFrame(k)?.GetMethod()?.DeclaringType?.Assembly;
            if (assembly is null || IsOwn(assembly))
                continue;
            var frame = new StackFrame(k + 1, true);
            return frame.GetFileName() is { } file ? new SourceLoc(file, frame.GetFileLineNumber()) : SourceLoc.Unknown;
        }
        return SourceLoc.Unknown;
    }

    private static bool IsOwn(Assembly assembly)
    {
        if (OwnAssemblies.TryGetValue(assembly, out var own))
            return (bool)own;
        var isOwn = OwnAssemblyNames.Contains(assembly.GetName().Name ?? "");
        OwnAssemblies.AddOrUpdate(assembly, isOwn);
        return isOwn;
    }
}
