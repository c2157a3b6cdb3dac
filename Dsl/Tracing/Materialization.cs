using System.Collections.Immutable;
using System.Runtime.CompilerServices;
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
///   or built before a loop and used inside it (<c>var dx = 3.0 / w;</c> is not recomputed per iteration),
///   unless it is needed only under a branch of <c>Where</c> or on the right of <c>&amp;</c>/<c>|</c>.</item>
/// </list>
/// Nodes are decided parents first: a node used only inside a bound parent is evaluated where the parent
/// is, so <c>var v = Where(i &lt; n, a[i], 0)</c> binds the whole choice and still reads <c>a[i]</c> only when
/// <c>i &lt; n</c>. Everything else stays lazy: <c>total.Value += a[i] * a[i]</c> reads as written. A value
/// used outside the block where it was built (a C# variable carried out of an If branch) is an error.
/// </summary>
internal static class Materialization
{
    public static Block Run(
        PendingBlock root, IReadOnlyDictionary<Expr, NodeSite> sites, IReadOnlyList<Mutation> mutations, IReadOnlyList<LoopFrame> loops,
        Func<Expr, Local> newTemporary)
    {
        var graph = UseGraph.Collect(root);
        var bound = Decide(sites, mutations, loops, graph);

        var temporaries = new Dictionary<Expr, Local>(ReferenceEqualityComparer.Instance);
        foreach (var (node, _) in bound)
            temporaries[node] = newTemporary(node);

        var rewriter = new Rewriter(temporaries);
        var insertions = bound
            .Select(pair => (Site: pair.Value, Statement: (Stmt)new Declare(temporaries[pair.Key], rewriter.Children(pair.Key)) { Loc = pair.Key.Loc }))
            .ToLookup(x => x.Site.Block);
        return new BlockBuilder(rewriter, insertions).Build(root);
    }

    /// <summary>The nodes to bind, in the order they were built.</summary>
    private static List<KeyValuePair<Expr, NodeSite>> Decide(
        IReadOnlyDictionary<Expr, NodeSite> sites, IReadOnlyList<Mutation> mutations, IReadOnlyList<LoopFrame> loops, UseGraph graph)
    {
        var reads = TransitiveReads(sites);
        var uses = new Dictionary<Expr, HashSet<Use>>(ReferenceEqualityComparer.Instance);
        var bound = new Dictionary<Expr, NodeSite>(ReferenceEqualityComparer.Instance);
        // A parent is always built after its children: deciding in reverse order decides parents first.
        foreach (var (node, site) in sites.OrderByDescending(pair => pair.Value.Ordinal))
        {
            var nodeUses = new HashSet<Use>(graph.StatementUses(node));
            foreach (var (parent, conditional) in graph.Parents(node))
            {
                if (bound.TryGetValue(parent, out var parentSite))
                {
                    nodeUses.Add(new Use(parentSite.CreatedAt, parentSite.Block, conditional, parent.Loc));
                    continue;
                }
                foreach (var use in uses.GetValueOrDefault(parent) ?? (IEnumerable<Use>)graph.StatementUses(parent))
                    nodeUses.Add(use with { Conditional = use.Conditional || conditional });
            }
            uses[node] = nodeUses;
            if (nodeUses.Count == 0)
                continue;
            CheckScope(node, site, nodeUses, graph);
            if (MustBind(node, site, nodeUses, reads.GetValueOrDefault(node), mutations, loops, graph))
                bound[node] = site;
        }
        return bound.OrderBy(pair => pair.Value.Ordinal).ToList();
    }

    private static bool MustBind(
        Expr node, NodeSite site, HashSet<Use> uses, ReadSet? reads, IReadOnlyList<Mutation> mutations, IReadOnlyList<LoopFrame> loops, UseGraph graph)
    {
        if (reads is not null)
        {
            foreach (var write in mutations)
            {
                if (write.Seq < site.CreatedAt || !reads.Contains(write.Writes))
                    continue;
                if (uses.Any(u => u.Seq > write.Seq))
                    return true;
                // A loop entered after the node was built runs the write before later iterations use it.
                if (write.EnclosingLoops.Any(loop => EnteredAfter(loop, site) && uses.Any(u => loop.Contains(u.Seq))))
                    return true;
            }
        }
        // Computing a value early is only safe where it would be computed anyway.
        if (!IsComputation(node) || uses.All(u => u.Conditional))
            return false;
        return graph.StatementUses(node).Count + graph.Parents(node).Count >= 2
            || loops.Any(loop => EnteredAfter(loop, site) && uses.Any(u => !u.Conditional && loop.Contains(u.Seq)));
    }

    private static void CheckScope(Expr node, NodeSite site, HashSet<Use> uses, UseGraph graph)
    {
        foreach (var use in uses)
        {
            if (!graph.IsWithin(use.Block, site.Block))
                throw new TypingException(ErrorCodes.OutOfScope,
                    $"a value computed inside a block (an If branch or a loop body) at {node.Loc} is used outside it; "
                    + "keep it in a Var declared before the block", use.Loc);
        }
    }

    private static bool EnteredAfter(LoopFrame loop, NodeSite site) => loop.Start >= site.CreatedAt;

    // Worth a temporary when shared: anything but a leaf or a cheap shape query.
    private static bool IsComputation(Expr node) => node is not (Const or ParamRef or LocalRef or ArrayShape or ArraySize);

    /// <summary>The state each node reads, directly or through its children.</summary>
    private static Dictionary<Expr, ReadSet> TransitiveReads(IReadOnlyDictionary<Expr, NodeSite> sites)
    {
        var reads = new Dictionary<Expr, ReadSet>(ReferenceEqualityComparer.Instance);
        foreach (var (node, site) in sites.OrderBy(pair => pair.Value.Ordinal))
        {
            var set = site.Reads is { } own ? ReadSet.Of(own) : null;
            foreach (var child in TreeWalk.Children(node))
            {
                if (reads.TryGetValue(child, out var childReads))
                    set = set is null ? childReads : set.Union(childReads);
            }
            if (set is not null)
                reads[node] = set;
        }
        return reads;
    }

    /// <summary>A set of <see cref="State"/>s, shared between nodes until a union needs a new one.</summary>
    private sealed record ReadSet(bool Arrays, ImmutableHashSet<Local> Variables)
    {
        public static ReadSet Of(State state) =>
            state.Variable is { } v ? new ReadSet(false, [v]) : new ReadSet(true, []);

        public bool Contains(State state) => state.Variable is { } v ? Variables.Contains(v) : Arrays;

        public ReadSet Union(ReadSet other) =>
            (other.Arrays && !Arrays) || !other.Variables.IsSubsetOf(Variables)
                ? new ReadSet(Arrays || other.Arrays, Variables.Union(other.Variables))
                : this;
    }

    /// <summary>Replaces bound nodes by their temporaries, keeping shared subtrees shared.</summary>
    private sealed class Rewriter(Dictionary<Expr, Local> temporaries)
    {
        private readonly Dictionary<Expr, Expr> done = new(ReferenceEqualityComparer.Instance);

        public Expr Rewrite(Expr e)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
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
            Fill fill => fill with { Array = Rewrite(fill.Array), Value = Rewrite(fill.Value) },
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
            PendingFor f => new For(f.Index, rewriter.Rewrite(f.Start), rewriter.Rewrite(f.Stop), rewriter.Rewrite(f.Step), Build(f.Body)) { Loc = f.Loc, Parallel = f.Parallel },
            PendingWhile w => new While(Build(w.Prelude), rewriter.Rewrite(w.Condition), Build(w.Body)) { Loc = w.Loc },
            _ => throw new JitInternalException($"unknown pending statement {item.GetType().Name}"),
        };
    }
}
