using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Tracing;

/// <summary>
/// The statements of a kernel while it is being traced: mutable, because an If grows its ElseIf and
/// Else after it is recorded and <see cref="Materialization"/> still inserts temporaries. Each statement
/// has a sequence number in program order; <see cref="Materialization"/> reasons with them.
/// </summary>
internal sealed class PendingBlock
{
    public List<PendingStmt> Items { get; } = [];
}

internal abstract class PendingStmt(int seq, SourceLoc loc)
{
    public int Seq { get; } = seq;

    public SourceLoc Loc { get; } = loc;
}

/// <summary>A statement without nested blocks, final as recorded.</summary>
internal sealed class PendingSimple(int seq, Stmt stmt) : PendingStmt(seq, stmt.Loc)
{
    public Stmt Stmt { get; } = stmt;
}

internal sealed class PendingIf(int seq, Expr condition, PendingBlock then, SourceLoc loc) : PendingStmt(seq, loc)
{
    public Expr Condition { get; } = condition;

    public PendingBlock Then { get; } = then;

    public PendingBlock? Else { get; set; }
}

internal sealed class PendingFor(int seq, Local index, Expr start, Expr stop, Expr step, PendingBlock body, SourceLoc loc, bool parallel)
    : PendingStmt(seq, loc)
{
    /// <summary>A <c>PRange</c>.</summary>
    public bool Parallel { get; } = parallel;

    public Local Index { get; } = index;

    public Expr Start { get; } = start;

    public Expr Stop { get; } = stop;

    public Expr Step { get; } = step;

    public PendingBlock Body { get; } = body;
}

/// <summary>A While loop; its condition is evaluated at <see cref="ConditionSeq"/>, after the prelude.</summary>
internal sealed class PendingWhile(int seq, PendingBlock prelude, Expr condition, int conditionSeq, PendingBlock body, SourceLoc loc)
    : PendingStmt(seq, loc)
{
    public PendingBlock Prelude { get; } = prelude;

    public Expr Condition { get; } = condition;

    public int ConditionSeq { get; } = conditionSeq;

    public PendingBlock Body { get; } = body;
}

/// <summary>A loop being traced: the range of sequence numbers its header and body occupy.</summary>
internal sealed class LoopFrame(int start)
{
    public int Start { get; } = start;

    public int End { get; set; } = int.MaxValue;

    public bool Contains(int seq) => seq >= Start && seq <= End;
}
