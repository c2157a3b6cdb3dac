using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Tracing;

/// <summary>
/// Where a value is needed: the statement (by sequence number), its block, and its line; <c>Conditional</c>
/// when only under a branch of <c>Where</c> or on the right of <c>&amp;</c>/<c>|</c>.
/// </summary>
internal readonly record struct Use(int Seq, PendingBlock Block, bool Conditional, SourceLoc Loc);

/// <summary>
/// The traced statements as a graph of uses: which statements use each expression directly, which nodes
/// refer to each node (and whether through a conditional edge), and how blocks nest.
/// </summary>
internal sealed class UseGraph
{
    private readonly Dictionary<Expr, List<Use>> statementUses = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Expr, List<(Expr Parent, bool Conditional)>> parents = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<PendingBlock, PendingBlock> enclosing = [];
    private readonly HashSet<Expr> registered = new(ReferenceEqualityComparer.Instance);

    public static UseGraph Collect(PendingBlock root)
    {
        var graph = new UseGraph();
        graph.Visit(root);
        return graph;
    }

    public IReadOnlyList<Use> StatementUses(Expr node) => statementUses.TryGetValue(node, out var uses) ? uses : [];

    /// <summary>Every reference to the node from another node, once per occurrence (<c>x * x</c> refers to x twice).</summary>
    public IReadOnlyList<(Expr Parent, bool Conditional)> Parents(Expr node) => parents.TryGetValue(node, out var list) ? list : [];

    /// <summary>True when <paramref name="inner"/> is <paramref name="outer"/> or nested in it.</summary>
    public bool IsWithin(PendingBlock inner, PendingBlock outer)
    {
        for (PendingBlock? block = inner; block is not null; block = enclosing.GetValueOrDefault(block))
        {
            if (ReferenceEquals(block, outer))
                return true;
        }
        return false;
    }

    private void Visit(PendingBlock block)
    {
        foreach (var item in block.Items)
        {
            var use = new Use(item.Seq, block, false, item.Loc);
            switch (item)
            {
                case PendingSimple simple:
                    foreach (var e in TreeWalk.Expressions(simple.Stmt))
                        AddRoot(e, use);
                    break;
                case PendingIf branch:
                    AddRoot(branch.Condition, use);
                    Nest(branch.Then, block);
                    if (branch.Else is not null)
                        Nest(branch.Else, block);
                    break;
                case PendingFor loop:
                    AddRoot(loop.Start, use);
                    AddRoot(loop.Stop, use);
                    AddRoot(loop.Step, use);
                    Nest(loop.Body, block);
                    break;
                case PendingWhile loop:
                    // The condition belongs to the prelude that computes it; the body sees the prelude's values.
                    Nest(loop.Prelude, block);
                    AddRoot(loop.Condition, use with { Seq = loop.ConditionSeq, Block = loop.Prelude });
                    Nest(loop.Body, loop.Prelude);
                    break;
            }
        }
    }

    private void Nest(PendingBlock inner, PendingBlock outer)
    {
        enclosing[inner] = outer;
        Visit(inner);
    }

    private void AddRoot(Expr root, Use use)
    {
        if (!statementUses.TryGetValue(root, out var uses))
            statementUses[root] = uses = [];
        uses.Add(use);
        var stack = new Stack<Expr>([root]);
        while (stack.TryPop(out var e))
        {
            if (!registered.Add(e))
                continue;
            var k = 0;
            foreach (var child in TreeWalk.Children(e))
            {
                if (!parents.TryGetValue(child, out var list))
                    parents[child] = list = [];
                list.Add((e, IsConditionalEdge(e, k++)));
                stack.Push(child);
            }
        }
    }

    // The sides of Where, and the right side of & and | (which short-circuit on bools), run only sometimes.
    private static bool IsConditionalEdge(Expr parent, int childIndex) => parent switch
    {
        Select => childIndex > 0,
        Binary { Op: BinaryOp.BitAnd or BinaryOp.BitOr } => childIndex == 1,
        _ => false,
    };
}
