using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Tracing;

/// <summary>
/// Recovers the C# name a value was given (<c>var total = Var(0.0);</c> names the variable <c>total</c>) from
/// the user's source line, so that printed trees and error messages use the user's names. Where the source
/// is not on disk, callers fall back to generated names.
/// </summary>
internal static partial class SourceNames
{
    private static readonly ConcurrentDictionary<string, string[]?> Files = new();

    public static string? AssignedName(SourceLoc loc)
    {
        if (!loc.IsKnown)
            return null;
        var lines = Files.GetOrAdd(loc.File, ReadLines);
        if (lines is null || loc.Line < 1 || loc.Line > lines.Length)
            return null;
        var match = Assignment().Match(lines[loc.Line - 1]);
        return match.Success ? match.Groups["name"].Value.TrimStart('@') : null;
    }

    private static string[]? ReadLines(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    // `var total = ...`, `Val x = ...`, `total = ...` (not `==`, `=>` or a member assignment),
    // or an expression-bodied member `static Kernel SumSquares() => ...`.
    [GeneratedRegex(@"^\s*(?:[\w<>\[\],?]+\s+)?(?<name>@?[A-Za-z_]\w*)\s*=(?![=>])|(?<name>[A-Za-z_]\w*)\s*\([^)]*\)\s*=>")]
    private static partial Regex Assignment();
}
