using JitDsl.Dsl.Tree;

namespace JitDsl;

/// <summary>
/// A kernel that cannot be built or typed: a user error, with a stable <see cref="Code"/>, the user's
/// file and line, and the stage during which it was found.
/// </summary>
public sealed class TypingException : Exception
{
    private readonly string problem;

    internal TypingException(string code, string problem, SourceLoc loc)
    {
        Code = code;
        this.problem = problem;
        FilePath = loc.IsKnown ? loc.File : null;
        Line = loc.Line;
        Location = loc.ToString();
    }

    /// <summary>The stable error code, <c>JD0001</c> and up (see <see cref="ErrorCodes"/>).</summary>
    public string Code { get; }

    /// <summary>The full path of the user's source file, when known.</summary>
    public string? FilePath { get; }

    /// <summary>The line in <see cref="FilePath"/>, when known.</summary>
    public int Line { get; }

    /// <summary>The file name and line, as shown in the message.</summary>
    public string Location { get; }

    /// <summary>What the compiler was doing, innermost first (<c>typing kernel `f` for (float64[:])</c>).</summary>
    public IReadOnlyList<string> During => during;

    private readonly List<string> during = [];

    /// <inheritdoc/>
    public override string Message =>
        $"{Code}: {problem} (at {Location})" + string.Concat(during.Select(d => $"{Environment.NewLine}  During: {d}"));

    /// <summary>A kernel whose expressions nest deeper than the compiler's stack allows.</summary>
    internal static TypingException ExpressionTooDeep(SourceLoc loc) =>
        new(ErrorCodes.ExpressionTooDeep,
            "the kernel's expressions are nested too deeply to compile (a C# loop building one long expression?); accumulate in a Var inside a For instead",
            loc);

    internal TypingException AddContext(string context)
    {
        during.Add(context);
        return this;
    }
}
