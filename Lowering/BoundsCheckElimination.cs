using System.Runtime.CompilerServices;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;

namespace JitDsl.Lowering;

/// <summary>
/// Proves element accesses in range so that they need no check: inside
/// <c>For(start, a.Length or a.Shape[k], step)</c> with a constant <c>start &gt;= 0</c> and <c>step &gt; 0</c>,
/// the index is in range for that axis of <c>a</c>, and of any array allocated with <c>a</c>'s shape
/// (<c>EmptyLike(a)</c>). Parameters and allocated arrays are never reassigned, so they name the same array
/// for the whole loop. Every other access keeps its check.
/// </summary>
internal sealed class BoundsCheckElimination
{
    /// <summary>An axis of an array: <c>(a, 0)</c> for <c>a.Shape[0]</c>, and for <c>a.Length</c> when <c>a</c> is 1-D.</summary>
    private readonly record struct Axis(Expr Array, int Number);

    // Arrays allocated with the shape of another: their accesses are proven by loops over that one.
    private readonly Dictionary<Local, Expr> shapedLike = [];

    public static TypedKernel Run(TypedKernel kernel) =>
        kernel.WithBody(new BoundsCheckElimination().Block(kernel.Body, new Dictionary<Local, Axis>()));

    private Block Block(Block block, Dictionary<Local, Axis> inRange) =>
        new(block.Statements.Select(s => Statement(s, inRange)).ToArray());

    private Stmt Statement(Stmt statement, Dictionary<Local, Axis> inRange)
    {
        switch (statement)
        {
            case For f:
            {
                var body = inRange;
                if (RangeOfAxis(f) is { } axis)
                    body = new Dictionary<Local, Axis>(inRange) { [f.Index] = axis };
                return f with { Body = Block(f.Body, body) };
            }
            case If i:
                return i with { Condition = Expr(i.Condition, inRange), Then = Block(i.Then, inRange), Else = Block(i.Else, inRange) };
            case While w:
                return w with { Prelude = Block(w.Prelude, inRange), Condition = Expr(w.Condition, inRange), Body = Block(w.Body, inRange) };
            case Store s:
                return s with
                {
                    Indices = s.Indices.Select(e => Expr(e, inRange)),
                    Value = Expr(s.Value, inRange),
                    BoundsChecked = s.BoundsChecked && !Proven(s.Array, s.Indices, inRange),
                };
            case Declare d:
                if (d.Local.Kind == LocalKind.Temporary && d.Init is Alloc alloc && ShapeSource(alloc) is { } source)
                    shapedLike[d.Local] = source;
                return d with { Init = Expr(d.Init, inRange) };
            case Assign a:
                return a with { Value = Expr(a.Value, inRange) };
            case Return { Value: { } v } r:
                return r with { Value = Expr(v, inRange) };
            case Evaluate e:
                return e with { Value = Expr(e.Value, inRange) };
            default:
                return statement;
        }
    }

    private Expr Expr(Expr e, Dictionary<Local, Axis> inRange)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var mapped = TreeWalk.MapChildren(e, child => Expr(child, inRange));
        return mapped is Load l && l.BoundsChecked && Proven(l.Array, l.Indices, inRange) ? l with { BoundsChecked = false } : mapped;
    }

    private bool Proven(Expr array, NodeList<Expr> indices, Dictionary<Local, Axis> inRange)
    {
        for (var k = 0; k < indices.Count; k++)
        {
            if (indices[k] is not LocalRef { Local: var index } || !inRange.TryGetValue(index, out var axis)
                || axis.Number != k || !Equals(axis.Array, Canonical(array)))
                return false;
        }
        return true;
    }

    private Axis? RangeOfAxis(For loop)
    {
        if (loop.CountsUp is null)
            return null;
        return loop.Stop switch
        {
            ArrayShape { Array: var a } s when IsFixed(a) => new Axis(Canonical(a), s.Axis),
            ArraySize { Array: var a } when IsFixed(a) && a.T.Rank == 1 => new Axis(Canonical(a), 0),
            _ => null,
        };
    }

    private Expr Canonical(Expr array) =>
        array is LocalRef { Local: var local } && shapedLike.TryGetValue(local, out var source) ? source : array;

    // `Alloc(a.Shape[0], a.Shape[1], ...)`, which is what EmptyLike(a) becomes: the array `a`.
    private Expr? ShapeSource(Alloc alloc)
    {
        if (alloc.Shape.Count == 0 || alloc.Shape[0] is not ArrayShape { Array: var source } || !IsFixed(source) || source.T.Rank != alloc.Shape.Count)
            return null;
        for (var k = 0; k < alloc.Shape.Count; k++)
        {
            if (alloc.Shape[k] is not ArrayShape s || s.Axis != k || !Equals(s.Array, source))
                return null;
        }
        return Canonical(source);
    }

    private static bool IsFixed(Expr array) => array is ParamRef or LocalRef { Local.Kind: LocalKind.Temporary };
}
