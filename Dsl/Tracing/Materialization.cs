using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Tracing;

/// <summary>
/// Turns the traced statements into the final tree, deciding which values are computed where the user
/// wrote them rather than where they are used. Expressions are lazy trees; that is right for pure
/// values, but a C# local keeps the value it had when it was assigned, so a temporary is bound at the
/// place a node was built when
/// <list type="bullet">
/// <item>it reads a variable or array elements that a later statement writes, and the node is used
///   after that write, or again in a loop that writes it (<c>var old = a[i]; a[i] = x; b[i] = old;</c>);</item>
/// <item>it is a computation used more than once (<c>var s = Sin(x); o[i] = s * s;</c> computes the sine once),
///   or built before a loop and used inside it (<c>var dx = 3.0 / w;</c> is not recomputed per iteration).</item>
/// </list>
/// Everything else stays lazy, so <c>total.Value += a[i] * a[i]</c> reads as written, and a guard such as
/// <c>(i &lt; n) &amp; (a[i] &gt; 0)</c> can short-circuit.
/// </summary>
internal static class Materialization
{
    public static Block Run(
        PendingBlock root, IReadOnlyDictionary<Expr, NodeSite> sites, IReadOnlyList<Mutation> mutations, IReadOnlyList<LoopFrame> loops,
        Func<Expr, Local> newTemporary)
    {
        var usage = Usage.Collect(root);
        var bound = sites
            .Where(pair => MustBind(pair.Key, pair.Value, usage, mutations, loops))
            .OrderBy(pair => pair.Value.Ordinal)
            .ToList();

        var temporaries = new Dictionary<Expr, Local>(ReferenceEqualityComparer.Instance);
        foreach (var (node, _) in bound)
            temporaries[node] = newTemporary(node);

        var rewriter = new Rewriter(temporaries);
        var insertions = bound
            .Select(pair => (pair.Value, Statement: (Stmt)new Declare(temporaries[pair.Key], rewriter.Children(pair.Key)) { Loc = pair.Key.Loc }))
            .ToLookup(x => x.Value.Block);
        return new BlockBuilder(rewriter, insertions).Build(root);
    }

    private static bool MustBind(Expr node, NodeSite site, Usage usage, IReadOnlyList<Mutation> mutations, IReadOnlyList<LoopFrame> loops)
    {
        var uses = usage.SeqsOf(node);
        if (uses.Count == 0)
            return false;
        if (site.Reads is { } reads)
        {
            foreach (var write in mutations)
            {
                if (write.Seq < site.CreatedAt || !reads.IsChangedBy(write.Writes))
                    continue;
                if (uses.Any(u => u > write.Seq))
                    return true;
                // A loop entered after the node was built runs the write before later iterations use it.
                if (write.EnclosingLoops.Any(loop => EnteredAfter(loop, site) && uses.Any(loop.Contains)))
                    return true;
            }
        }
        return IsComputation(node)
            && (usage.ReferenceCount(node) >= 2 || loops.Any(loop => EnteredAfter(loop, site) && uses.Any(loop.Contains)));
    }

    private static bool EnteredAfter(LoopFrame loop, NodeSite site) => loop.Start >= site.CreatedAt;

    // Worth a temporary when shared: anything but a leaf or a cheap shape query.
    private static bool IsComputation(Expr node) => node is not (Const or ParamRef or LocalRef or ArrayShape or ArraySize);

    /// <summary>For every node: the statements that evaluate it, and how many distinct parents refer to it.</summary>
    private sealed class Usage
    {
        private readonly Dictionary<Expr, List<int>> seqs = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<Expr, int> references = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<Expr> counted = new(ReferenceEqualityComparer.Instance);

        public static Usage Collect(PendingBlock root)
        {
            var usage = new Usage();
            usage.Visit(root);
            return usage;
        }

        public IReadOnlyList<int> SeqsOf(Expr node) => seqs.TryGetValue(node, out var list) ? list : [];

        public int ReferenceCount(Expr node) => references.GetValueOrDefault(node);

        private void Visit(PendingBlock block)
        {
            foreach (var item in block.Items)
            {
                switch (item)
                {
                    case PendingSimple simple:
                        foreach (var e in StatementExpressions(simple.Stmt))
                            Use(e, item.Seq);
                        break;
                    case PendingIf branch:
                        Use(branch.Condition, item.Seq);
                        Visit(branch.Then);
                        if (branch.Else is not null)
                            Visit(branch.Else);
                        break;
                    case PendingFor loop:
                        Use(loop.Start, item.Seq);
                        Use(loop.Stop, item.Seq);
                        Use(loop.Step, item.Seq);
                        Visit(loop.Body);
                        break;
                    case PendingWhile loop:
                        Visit(loop.Prelude);
                        Use(loop.Condition, loop.ConditionSeq);
                        Visit(loop.Body);
                        break;
                }
            }
        }

        private void Use(Expr root, int seq)
        {
            references[root] = ReferenceCount(root) + 1;
            var visited = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
            var stack = new Stack<Expr>([root]);
            while (stack.TryPop(out var e))
            {
                if (!visited.Add(e))
                    continue;
                if (!seqs.TryGetValue(e, out var list))
                    seqs[e] = list = [];
                list.Add(seq);
                // A node's references to its children count once, however often the node itself is used.
                var firstVisit = counted.Add(e);
                foreach (var child in TreeWalk.Children(e))
                {
                    if (firstVisit)
                        references[child] = ReferenceCount(child) + 1;
                    stack.Push(child);
                }
            }
        }
    }

    internal static IEnumerable<Expr> StatementExpressions(Stmt statement) => statement switch
    {
        Declare d => [d.Init],
        Assign a => [a.Value],
        Store s => s.Indices.Prepend(s.Array).Append(s.Value),
        Return { Value: { } v } => [v],
        Evaluate e => [e.Value],
        SeedRandom s => [s.Seed],
        _ => [],
    };

    /// <summary>Replaces bound nodes by their temporaries, keeping shared subtrees shared.</summary>
    private sealed class Rewriter(Dictionary<Expr, Local> temporaries)
    {
        private readonly Dictionary<Expr, Expr> done = new(ReferenceEqualityComparer.Instance);

        public Expr Rewrite(Expr e)
        {
            if (done.TryGetValue(e, out var result))
                return result;
            result = temporaries.TryGetValue(e, out var local) ? new LocalRef(local) { Loc = e.Loc } : Children(e);
            done[e] = result;
            return result;
        }

        /// <summary>The node itself, with its children rewritten: the value a temporary is initialised with.</summary>
        public Expr Children(Expr e) => TreeWalk.MapChildren(e, Rewrite);

        public Stmt Rewrite(Stmt s) => s switch
        {
            Declare d => d with { Init = Rewrite(d.Init) },
            Assign a => a with { Value = Rewrite(a.Value) },
            Store st => st with { Array = Rewrite(st.Array), Indices = st.Indices.Select(Rewrite), Value = Rewrite(st.Value) },
            Return { Value: { } v } r => r with { Value = Rewrite(v) },
            Evaluate ev => ev with { Value = Rewrite(ev.Value) },
            SeedRandom sr => sr with { Seed = Rewrite(sr.Seed) },
            _ => s,
        };
    }

    private sealed class BlockBuilder(Rewriter rewriter, ILookup<PendingBlock, (NodeSite Site, Stmt Statement)> insertions)
    {
        public Block Build(PendingBlock block)
        {
            var inserted = insertions[block].OrderBy(x => x.Site.Position).ThenBy(x => x.Site.Ordinal).ToList();
            var statements = new List<Stmt>();
            var next = 0;
            for (var position = 0; position <= block.Items.Count; position++)
            {
                for (; next < inserted.Count && inserted[next].Site.Position == position; next++)
                    statements.Add(inserted[next].Statement);
                if (position < block.Items.Count)
                    statements.Add(Build(block.Items[position]));
            }
            return new Block(statements.ToArray());
        }

        private Stmt Build(PendingStmt item) => item switch
        {
            PendingSimple s => rewriter.Rewrite(s.Stmt),
            PendingIf i => new If(rewriter.Rewrite(i.Condition), Build(i.Then), i.Else is null ? Block.Empty : Build(i.Else)) { Loc = i.Loc },
            PendingFor f => new For(f.Index, rewriter.Rewrite(f.Start), rewriter.Rewrite(f.Stop), rewriter.Rewrite(f.Step), Build(f.Body)) { Loc = f.Loc },
            PendingWhile w => new While(Build(w.Prelude), rewriter.Rewrite(w.Condition), Build(w.Body)) { Loc = w.Loc },
            _ => throw new JitInternalException($"unknown pending statement {item.GetType().Name}"),
        };
    }
}
