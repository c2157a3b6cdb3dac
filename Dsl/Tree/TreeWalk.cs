namespace JitDsl.Dsl.Tree;

/// <summary>
/// The generic traversals passes build on: the children of a node, a node with its children replaced, and what a
/// statement evaluates and holds.
/// </summary>
internal static class TreeWalk
{
    /// <summary>The expressions a statement evaluates itself (not those of the blocks it holds).</summary>
    public static IEnumerable<Expr> Expressions(Stmt statement) => statement switch
    {
        Declare d => [d.Init],
        Assign a => [a.Value],
        Store s => s.Indices.Prepend(s.Array).Append(s.Value),
        Fill f => [f.Array, f.Value],
        If i => [i.Condition],
        For f => [f.Start, f.Stop, f.Step],
        While w => [w.Condition],
        Return { Value: { } v } => [v],
        Evaluate e => [e.Value],
        SeedRandom s => [s.Seed],
        _ => [],
    };

    /// <summary>The blocks a statement holds.</summary>
    public static IEnumerable<Block> Blocks(Stmt statement) => statement switch
    {
        If i => [i.Then, i.Else],
        For f => [f.Body],
        While w => [w.Prelude, w.Body],
        _ => [],
    };

    public static IEnumerable<Expr> Children(Expr e) => e switch
    {
        Const or ParamRef or LocalRef or RandomUniform or GpuIntrinsic => [],
        Unary u => [u.Operand],
        Binary b => [b.Left, b.Right],
        MathCall m => m.Args,
        Cast c => [c.Operand],
        Select s => [s.Condition, s.IfTrue, s.IfFalse],
        ArrayShape s => [s.Array],
        ArraySize s => [s.Array],
        Load l => l.Indices.Prepend(l.Array),
        KernelCall k => k.Args,
        MapCall m => m.Args,
        Alloc a => a.Shape,
        AllocLike a => [a.Source],
        Reduction r => r.Operands,
        ShapeCheck c => c.Lengths,
        GpuAtomic g => g.Operands,
        GpuUniform u => [u.States, u.Index],
        _ => throw new JitInternalException($"{nameof(TreeWalk)} does not know {e.GetType().Name}"),
    };

    /// <summary>The node with each child replaced by <paramref name="map"/>; the same instance when nothing changed.</summary>
    public static Expr MapChildren(Expr e, Func<Expr, Expr> map)
    {
        switch (e)
        {
            case Const or ParamRef or LocalRef or RandomUniform or GpuIntrinsic:
                return e;
            case Unary u:
                return map(u.Operand) is var operand && Same(u.Operand, operand) ? e : u with { Operand = operand };
            case Binary b:
            {
                var (l, r) = (map(b.Left), map(b.Right));
                return Same(b.Left, l) && Same(b.Right, r) ? e : b with { Left = l, Right = r };
            }
            case MathCall m:
                return MapList(m.Args, map) is { } args ? m with { Args = args } : e;
            case Cast c:
                return map(c.Operand) is var castOperand && Same(c.Operand, castOperand) ? e : c with { Operand = castOperand };
            case Select s:
            {
                var (c, t, f) = (map(s.Condition), map(s.IfTrue), map(s.IfFalse));
                return Same(s.Condition, c) && Same(s.IfTrue, t) && Same(s.IfFalse, f) ? e : s with { Condition = c, IfTrue = t, IfFalse = f };
            }
            case ArrayShape s:
                return map(s.Array) is var shapeOf && Same(s.Array, shapeOf) ? e : s with { Array = shapeOf };
            case ArraySize s:
                return map(s.Array) is var sizeOf && Same(s.Array, sizeOf) ? e : s with { Array = sizeOf };
            case Load l:
            {
                var array = map(l.Array);
                var indices = MapList(l.Indices, map);
                return Same(l.Array, array) && indices is null ? e : l with { Array = array, Indices = indices ?? l.Indices };
            }
            case KernelCall k:
                return MapList(k.Args, map) is { } callArgs ? k with { Args = callArgs } : e;
            case MapCall m:
                return MapList(m.Args, map) is { } mapArgs ? m with { Args = mapArgs } : e;
            case Alloc a:
                return MapList(a.Shape, map) is { } shape ? a with { Shape = shape } : e;
            case AllocLike a:
                return map(a.Source) is var source && Same(a.Source, source) ? e : a with { Source = source };
            case Reduction r:
                return MapList(r.Operands, map) is { } operands ? r with { Operands = operands } : e;
            case ShapeCheck c:
                return MapList(c.Lengths, map) is { } lengths ? c with { Lengths = lengths } : e;
            case GpuAtomic g:
                return MapList(g.Operands, map) is { } atomicOperands ? g with { Operands = atomicOperands } : e;
            case GpuUniform u:
            {
                var (states, index) = (map(u.States), map(u.Index));
                return Same(u.States, states) && Same(u.Index, index) ? e : u with { States = states, Index = index };
            }
            default:
                throw new JitInternalException($"{nameof(TreeWalk)} does not know {e.GetType().Name}");
        }
    }

    private static bool Same(Expr a, Expr b) => ReferenceEquals(a, b);

    // Null when no element changed, so callers keep the original node.
    private static NodeList<Expr>? MapList(NodeList<Expr> list, Func<Expr, Expr> map)
    {
        var mapped = list.Select(map);
        for (var k = 0; k < list.Count; k++)
        {
            if (!Same(list[k], mapped[k]))
                return mapped;
        }
        return null;
    }
}
