namespace JitDsl.Dsl.Tree;

internal enum LocalKind
{
    /// <summary>A <c>Var</c> the user declared.</summary>
    Variable,
    /// <summary>A value the tracer bound so that it is computed once, where the user computed it.</summary>
    Temporary,
    /// <summary>The index of a <c>For</c> loop.</summary>
    LoopIndex,
}

/// <summary>A named local slot. <see cref="Id"/> is unique within a kernel, so equality is identity.</summary>
internal sealed record Local(int Id, string Name, LocalKind Kind);
