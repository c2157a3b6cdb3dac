namespace JitDsl.Dsl.Tree;

/// <summary>Where in the user's source a node was built: the file and line of the builder call.</summary>
internal readonly record struct SourceLoc(string File, int Line)
{
    public static readonly SourceLoc Unknown = new("", 0);

    public bool IsKnown => !string.IsNullOrEmpty(File); // default(SourceLoc) too

    public override string ToString() => IsKnown ? $"{Path.GetFileName(File)}:{Line}" : "<unknown location>";
}
