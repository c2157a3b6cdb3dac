using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Tracing;

/// <summary>
/// A piece of mutable state: one variable, or (when <see cref="Variable"/> is null) the elements of any
/// array; arrays may alias, so a write to one counts as a write to all.
/// </summary>
internal readonly record struct State(Local? Variable)
{
    public static readonly State ArrayElements = new(null);
}

/// <summary>
/// Where the user built a node: the block and position at that moment, the sequence number of the next
/// statement, the order of creation, and the state the node itself reads (a variable read, an element read).
/// A temporary that computes the node where it was built goes at that position.
/// </summary>
internal sealed record NodeSite(PendingBlock Block, int Position, int CreatedAt, int Ordinal, State? Reads)
{
    public PendingBlock Block { get; set; } = Block;

    public int Position { get; set; } = Position;
}

/// <summary>A statement that writes state: an assignment, an element store, a kernel call.</summary>
internal sealed record Mutation(State Writes, int Seq, LoopFrame[] EnclosingLoops);
