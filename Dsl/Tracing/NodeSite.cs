using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Tracing;

/// <summary>
/// A piece of mutable state a node reads: one variable, or (when <see cref="Variable"/> is null) the
/// elements of any array; arrays may alias, so a write to one counts as a write to all.
/// </summary>
internal readonly record struct StateRead(Local? Variable)
{
    public static readonly StateRead ArrayElements = new(null);

    public bool IsChangedBy(StateRead write) => Variable == write.Variable;
}

/// <summary>
/// Where the user built a node: the block and position at that moment, and the sequence number of the next
/// statement. A temporary that computes the node there goes at that position.
/// </summary>
internal sealed record NodeSite(PendingBlock Block, int Position, int CreatedAt, int Ordinal, StateRead? Reads)
{
    public PendingBlock Block { get; set; } = Block;

    public int Position { get; set; } = Position;
}

/// <summary>A statement that writes state: an assignment, an element store, a kernel call.</summary>
internal sealed record Mutation(StateRead Writes, int Seq, LoopFrame[] EnclosingLoops);
