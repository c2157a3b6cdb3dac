using System.Runtime.CompilerServices;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;

namespace JitDsl.Lowering;

/// <summary>
/// Turns array expressions into loops, as Numba's array-expression rewrite does, so that the stages after it
/// see only scalar code. An expression of arrays (<c>Sqrt(x * x + Sin(x) * Exp(-x))</c>) becomes one loop nest
/// over its broadcast shape that computes each element once, with no array in between:
/// <list type="bullet">
/// <item>returned or kept in a C# local, it is written into one new array; assigned with <c>a.Assign(e)</c>,
///   straight into <c>a</c>;</item>
/// <item>reduced (<c>Sum(x * x)</c>), it is accumulated element by element and never stored;</item>
/// <item>indexed (<c>e.AsArray()[i]</c>), only that element is computed.</item>
/// </list>
/// A temporary holding an array expression is fused into its uses when no array is written and no variable it
/// reads is assigned between its definition and its last use (otherwise it must keep the value it had, and is
/// computed into an array where it was defined, as NumPy would). Within one element, a computation used twice
/// is computed once; a scalar operand (<c>x - Mean(x)</c>) is computed once, before the loop. Lengths are
/// checked before anything is written: operands must broadcast together (JD0045); Min, Max, ArgMin and ArgMax
/// of an empty array fail (JD0046).
/// </summary>
internal sealed class Fusion
{
    private readonly Dictionary<Local, JitType> localTypes;
    private readonly Dictionary<TypedKernel, TypedKernel> fused;
    private readonly bool parallel;
    private int nextLocalId;

    private Fusion(TypedKernel kernel, Dictionary<TypedKernel, TypedKernel> fused, bool parallel)
    {
        localTypes = new Dictionary<Local, JitType>(kernel.LocalTypes);
        nextLocalId = localTypes.Keys.Select(l => l.Id).DefaultIfEmpty(-1).Max() + 1;
        this.fused = fused;
        this.parallel = parallel;
    }

    /// <summary>
    /// The kernel, and every kernel it calls, with no array expression left. In a <paramref name="parallel"/> kernel,
    /// the outer loop of each array expression and of each reduction by + * Min Max is a parallel loop.
    /// </summary>
    public static TypedKernel Run(TypedKernel kernel, bool parallel = false) =>
        Run(kernel, new Dictionary<TypedKernel, TypedKernel>(ReferenceEqualityComparer.Instance), parallel);

    private static TypedKernel Run(TypedKernel kernel, Dictionary<TypedKernel, TypedKernel> fused, bool parallel)
    {
        if (fused.TryGetValue(kernel, out var done))
            return done;
        var fusion = new Fusion(kernel, fused, parallel);
        var body = fusion.Block(kernel.Body);
        return fused[kernel] = new TypedKernel(kernel.Source, kernel.Signature, kernel.ReturnType, body, fusion.localTypes);
    }

    /// <summary>An operation on arrays, computed elementwise.</summary>
    private static bool IsElementwise(Expr e) => e.Type is { IsArray: true } && e is Unary or Binary or MathCall or Cast or Select or MapCall;

    /// <summary>A ufunc's call on scalars (one element, or scalar arguments): a call of the scalar kernel.</summary>
    private Expr ElementCall(MapCall call, NodeList<Expr> args)
    {
        var target = Run(call.Target!, fused, parallel);
        return Convert(new KernelCall(call.Callee, args) { Loc = call.Loc, Type = target.ReturnType, Target = target }, call.T.DType);
    }

    /// <summary>
    /// A ufunc's element with its scalar kernel's body in place of the call, when that body is one expression
    /// of its parameters (an imported C# lambda): the element is then plain arithmetic the vector loops can
    /// take. Arguments used more than once are bound once; null for any other body.
    /// </summary>
    // conditional: the element is computed only on some paths, so its arguments are not bound ahead of it.
    private Expr? Inlined(MapCall call, NodeList<Expr> args, List<Stmt> perElement, bool conditional)
    {
        if (call.Target!.Body.Statements is not [Return { Value: { } body }] || Contains(body, n => n is not (Const or ParamRef or Unary or Binary or MathCall or Cast or Select)))
            return null;
        var bound = args.Select((arg, k) => conditional || arg is Const or LocalRef || Uses(body, k) < 2 ? arg : Bind(call.Target.Source.Parameters[k].Name, arg, perElement, call.Loc)).ToArray();
        Expr Substitute(Expr e) => e is ParamRef p ? bound[p.Index] : TreeWalk.MapChildren(e, Substitute);
        return Convert(Substitute(body), call.T.DType);

        static int Uses(Expr e, int parameter) => (e is ParamRef p && p.Index == parameter ? 1 : 0) + TreeWalk.Children(e).Sum(child => Uses(child, parameter));
    }

    // ---- Statements

    /// <param name="block">The statements.</param>
    /// <param name="fuseTemporaries">False for a While's prelude, whose temporaries the condition and body use too.</param>
    private Block Block(Block block, bool fuseTemporaries = true)
    {
        var output = new List<Stmt>();
        var inlined = new Dictionary<Local, Expr>();
        for (var k = 0; k < block.Statements.Count; k++)
        {
            var statement = Substitute(block.Statements[k], inlined);
            if (fuseTemporaries && statement is Declare { Local.Kind: LocalKind.Temporary } d && IsElementwise(d.Init) && CanFuse(d, block.Statements, k))
                inlined[d.Local] = d.Init;
            else
                Statement(statement, output);
        }
        return new Block(output.ToArray());
    }

    private void Statement(Stmt statement, List<Stmt> output)
    {
        switch (statement)
        {
            case Declare d when IsElementwise(d.Init):
                Materialize(d.Init, output, d.Local, d.Loc);
                break;
            case Declare d:
                output.Add(d with { Init = Scalar(d.Init, output) });
                break;
            case Assign a:
                output.Add(a with { Value = Scalar(a.Value, output) });
                break;
            case Store s:
                output.Add(s with { Array = Scalar(s.Array, output), Indices = s.Indices.Select(i => Scalar(i, output)), Value = Scalar(s.Value, output) });
                break;
            case Fill f:
                FillArray(f, output);
                break;
            case Return { Value: { } v } r:
                output.Add(r with { Value = IsElementwise(v) || v.T.Strided ? Materialize(v, output, null, r.Loc) : Scalar(v, output) });
                break;
            case Evaluate e:
                output.Add(e with { Value = Scalar(e.Value, output) });
                break;
            case SeedRandom s:
                output.Add(s with { Seed = Scalar(s.Seed, output) });
                break;
            case If i:
                output.Add(i with { Condition = Scalar(i.Condition, output), Then = Block(i.Then), Else = Block(i.Else) });
                break;
            case For f:
                output.Add(f with { Start = Scalar(f.Start, output), Stop = Scalar(f.Stop, output), Step = Scalar(f.Step, output), Body = Block(f.Body) });
                break;
            case While w:
            {
                // The condition is evaluated before every iteration: so is what it needs.
                var prelude = Block(w.Prelude, fuseTemporaries: false).Statements.ToList();
                var condition = Scalar(w.Condition, prelude);
                output.Add(w with { Prelude = new Block(prelude.ToArray()), Condition = condition, Body = Block(w.Body) });
                break;
            }
            default:
                output.Add(statement);
                break;
        }
    }

    /// <summary>
    /// Whether the temporary declared at <paramref name="position"/> can be fused into its uses: all in this block,
    /// with nothing in between that writes arrays or assigns a variable the expression reads. The statement of the
    /// last use may write (a Store or an Assign), because it evaluates its expressions first.
    /// </summary>
    private static bool CanFuse(Declare declare, NodeList<Stmt> statements, int position)
    {
        var last = -1;
        for (var k = position + 1; k < statements.Count; k++)
        {
            if (Uses(statements[k], declare.Local))
                last = k;
        }
        if (last < 0)
            return false;
        var reads = Reads(declare.Init);
        for (var k = position + 1; k <= last; k++)
        {
            var statement = statements[k];
            if (k == last && statement is not (If or For or While))
                return !TreeWalk.Expressions(statement).Any(CallsKernel);
            if (Writes(statement, reads))
                return false;
        }
        return true;
    }

    private static bool Uses(Stmt statement, Local local) =>
        TreeWalk.Expressions(statement).Any(e => Contains(e, n => n is LocalRef r && r.Local == local)) || Nested(statement).Any(s => Uses(s, local));

    private static bool Writes(Stmt statement, HashSet<Local> reads) => statement switch
    {
        Store or Fill => true,
        Assign a when reads.Contains(a.Local) => true,
        _ => TreeWalk.Expressions(statement).Any(CallsKernel) || Nested(statement).Any(s => Writes(s, reads)),
    };

    // A kernel called may write to any array it is given.
    private static bool CallsKernel(Expr e) => Contains(e, n => n is KernelCall);

    private static HashSet<Local> Reads(Expr e)
    {
        var locals = new HashSet<Local>();
        Contains(e, n =>
        {
            if (n is LocalRef r)
                locals.Add(r.Local);
            return false;
        });
        return locals;
    }

    // Fused temporaries make expressions DAGs: every walk remembers the nodes it has seen, or it would take exponential time.
    private static bool Contains(Expr e, Func<Expr, bool> test, HashSet<Expr>? seen = null)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        seen ??= new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        return seen.Add(e) && (test(e) || TreeWalk.Children(e).Any(child => Contains(child, test, seen)));
    }

    private static IEnumerable<Stmt> Nested(Stmt statement) => TreeWalk.Blocks(statement).SelectMany(b => b.Statements);

    /// <summary>The statement with the fused temporaries replaced by their expressions, in nested blocks too.</summary>
    private static Stmt Substitute(Stmt statement, Dictionary<Local, Expr> inlined)
    {
        if (inlined.Count == 0)
            return statement;
        var mapped = new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance);
        Expr Map(Expr e)
        {
            if (!mapped.TryGetValue(e, out var result))
                mapped[e] = result = e is LocalRef r && inlined.TryGetValue(r.Local, out var value) ? value : TreeWalk.MapChildren(e, Map);
            return result;
        }
        Block MapBlock(Block b) => new(b.Statements.Select(s => Substitute(s, inlined)));
        return statement switch
        {
            Declare d => d with { Init = Map(d.Init) },
            Assign a => a with { Value = Map(a.Value) },
            Store s => s with { Array = Map(s.Array), Indices = s.Indices.Select(Map), Value = Map(s.Value) },
            Fill f => f with { Array = Map(f.Array), Value = Map(f.Value) },
            If i => i with { Condition = Map(i.Condition), Then = MapBlock(i.Then), Else = MapBlock(i.Else) },
            For f => f with { Start = Map(f.Start), Stop = Map(f.Stop), Step = Map(f.Step), Body = MapBlock(f.Body) },
            While w => w with { Prelude = MapBlock(w.Prelude), Condition = Map(w.Condition), Body = MapBlock(w.Body) },
            Return { Value: { } v } r => r with { Value = Map(v) },
            Evaluate e => e with { Value = Map(e.Value) },
            SeedRandom s => s with { Seed = Map(s.Seed) },
            _ => statement,
        };
    }

    // ---- Expressions

    /// <summary>
    /// An expression with its reductions computed and its array expressions taken apart, by statements added to
    /// <paramref name="output"/>. <paramref name="conditional"/>: evaluated only on some paths (a branch of Where).
    /// </summary>
    private Expr Scalar(Expr e, List<Stmt> output, bool conditional = false)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        // An array expression where an array must exist (an argument of a kernel call): computed into one.
        if (IsElementwise(e))
            return Materialize(e, output, null, e.Loc);
        switch (e)
        {
            case Reduction r:
                if (conditional)
                    throw new TypingException(ErrorCodes.ConditionalReduction,
                        $"a reduction of arrays is computed only on some paths here (in a branch of a scalar Where, or right of & or |), "
                        + "which it cannot be: compute it first, in a Var (var m = Var(Max(x))), or use If", r.Loc);
                return Reduce(r, output);
            case Load l when IsElementwise(l.Array):
            {
                // One element: where the read is conditional, its scalar operands stay conditional too.
                var indices = l.Indices.Select(i => Scalar(i, output, conditional)).ToArray();
                var array = Prepare(l.Array, output);
                var layout = Broadcast(array, output, l.Loc);
                return new ElementBuilder(this, layout, indices, l.BoundsChecked, output, output, new(NodeIdentity.Instance), hoistScalars: !conditional).Build(array);
            }
            case KernelCall k:
                return k with { Args = k.Args.Select(a => Scalar(a, output, conditional)), Target = Run(k.Target!, fused, parallel) };
            case MapCall m:
                return ElementCall(m, m.Args.Select(a => Scalar(a, output, conditional)));
            case ArrayShape s when IsElementwise(s.Array):
                return Broadcast(Prepare(s.Array, output), output, s.Loc).Shape[s.Axis];
            case ArraySize s when IsElementwise(s.Array):
                return Size(Broadcast(Prepare(s.Array, output), output, s.Loc).Shape);
            case Select s:
                return s with { Condition = Scalar(s.Condition, output, conditional), IfTrue = Scalar(s.IfTrue, output, true), IfFalse = Scalar(s.IfFalse, output, true) };
            case Binary { Op: BinaryOp.BitAnd or BinaryOp.BitOr, Left.T.DType: DType.Bool } b:
                return b with { Left = Scalar(b.Left, output, conditional), Right = Scalar(b.Right, output, true) };
            default:
                return TreeWalk.MapChildren(e, child => Scalar(child, output, conditional));
        }
    }

    /// <summary>
    /// The expression with every array it reads a parameter or a local: an array-valued reduction in it
    /// (<c>x - x.Mean(axis: 0)</c>) is computed first, into its own array.
    /// </summary>
    private Expr Prepare(Expr e, List<Stmt> output)
    {
        var prepared = new Dictionary<Expr, Expr>(ReferenceEqualityComparer.Instance);
        Expr Visit(Expr node)
        {
            if (!prepared.TryGetValue(node, out var result))
            {
                prepared[node] = result = IsElementwise(node) ? TreeWalk.MapChildren(node, Visit)
                    : node.Type is { IsArray: true } && node is not (ParamRef or LocalRef) ? Scalar(node, output)
                    : node;
            }
            return result;
        }
        return Visit(e);
    }

    /// <summary>The array expression computed into a new array (into <paramref name="into"/>, or a fresh temporary).</summary>
    private Expr Materialize(Expr e, List<Stmt> output, Local? into, SourceLoc loc)
    {
        e = Prepare(e, output);
        var layout = Broadcast(e, output, loc);
        var type = JitType.Array(e.T.DType, e.T.Rank); // C order, also when copying a view
        var result = into ?? NewLocal("result", LocalKind.Temporary, type);
        output.Add(new Declare(result, new Alloc(e.T.DType, layout.Shape.ToArray(), Zeroed: false) { Loc = loc, Type = type }) { Loc = loc });
        var target = Ref(result);
        output.Add(Loops(layout, output, e, (element, indices, body) =>
            body.Add(new Store(target, indices, element) { Loc = loc, BoundsChecked = false })));
        return target;
    }

    /// <summary><c>a[...] = value</c>: the value broadcast into the array's shape, element by element.</summary>
    private void FillArray(Fill f, List<Stmt> output)
    {
        var target = Scalar(f.Array, output);
        f = f with { Value = Prepare(f.Value, output) };
        var rank = target.T.Rank;
        var shape = Enumerable.Range(0, rank).Select(axis => (Expr)new ArrayShape(target, axis) { Loc = f.Loc, Type = Int64 }).ToArray();
        var stretch = new Dictionary<Expr, Expr?[]>();
        if (f.Value.T.IsArray)
        {
            foreach (var leaf in Leaves(f.Value))
            {
                var factors = new Expr?[leaf.T.Rank];
                for (var k = 0; k < leaf.T.Rank; k++)
                {
                    var axis = rank - leaf.T.Rank + k;
                    var length = new ArrayShape(leaf, k) { Loc = f.Loc, Type = Int64 };
                    var what = $"{Describe(f.Value)} does not broadcast into `{TreePrinter.Inline(target)}` along axis {axis} (at {f.Loc})";
                    output.Add(new Evaluate(new ShapeCheck(ShapeRule.BroadcastInto, [length, shape[axis]], what) { Loc = f.Loc, Type = Int64 }) { Loc = f.Loc });
                    factors[k] = Stretch(leaf, k, length, shape[axis], output, f.Loc);
                }
                stretch[leaf] = factors;
            }
        }
        output.Add(Loops(new Layout(shape, stretch), output, f.Value, (element, indices, body) =>
            body.Add(new Store(target, indices, element) { Loc = f.Loc, BoundsChecked = false })));
    }

    /// <summary>A reduction as one pass over its operand's elements, never stored; along an axis, into a new array.</summary>
    private Expr Reduce(Reduction r, List<Stmt> output)
    {
        var loc = r.Loc;
        r = r with { Operands = r.Operands.Select(o => Prepare(o, output)) };
        var operand = r.Operands[0];
        Layout layout;
        if (r.Op == ReduceOp.Dot)
        {
            var (a, b) = (Broadcast(r.Operands[0], output, loc), Broadcast(r.Operands[1], output, loc));
            var what = $"the operands of {Describe(r)} have different lengths (at {loc})";
            var length = Bind("n", new ShapeCheck(ShapeRule.SameLength, [a.Shape[0], b.Shape[0]], what) { Loc = loc, Type = Int64 }, output, loc);
            operand = Arithmetic(BinaryOp.Multiply, r.Operands[0], r.Operands[1]);
            foreach (var (leaf, factors) in b.Stretch)
                a.Stretch.TryAdd(leaf, factors);
            layout = new Layout([length], a.Stretch);
        }
        else
        {
            layout = Broadcast(operand, output, loc);
        }
        var noIdentity = r.Op is ReduceOp.Min or ReduceOp.Max or ReduceOp.ArgMin or ReduceOp.ArgMax || (r.Op == ReduceOp.Fold && r.Operands.Count == 1);
        var emptyMessage = $"{Describe(r)} of an empty array: the operation has no identity (at {loc})";
        if (r.Axis is not { } axis)
        {
            if (noIdentity)
                output.Add(new Evaluate(new ShapeCheck(ShapeRule.NonEmpty, [Size(layout.Shape)], emptyMessage) { Loc = loc, Type = Int64 }) { Loc = loc });
            var accumulator = new Accumulator(this, r, operand.T.DType, output, output);
            // A ufunc's fold is the left fold NumPy defines, in order: a chunked fold would be another function
            // for a ufunc that is not associative (Numba's parallel target gets clip_add's wrong this way). Only
            // one declared associative folds its chunks from its identity, then their results in order.
            Func<For, For> parallelize = r.Ufunc is null ? Parallelized
                : r.ChunkIdentity is null || !parallel ? loop => loop
                : loop => loop with { Parallel = true, Reductions = [accumulator.AsParallelReduction()] };
            output.Add(Loops(layout, output, operand, (element, _, body) => accumulator.Add(element, body), parallelize));
            return accumulator.Result(Size(layout.Shape));
        }

        // Along an axis: one accumulator per element of the result, the axis innermost.
        var rank = layout.Shape.Count;
        var kept = Enumerable.Range(0, rank).Where(k => k != axis).ToArray();
        var accumulating = r.Op == ReduceOp.Accumulate;
        var resultShape = accumulating ? layout.Shape.ToArray()
            : r.KeepDims ? layout.Shape.Select((length, k) => k == axis ? Literal(1L, DType.Int64) : length).ToArray()
            : kept.Select(k => layout.Shape[k]).ToArray();
        if (noIdentity)
        {
            // An empty result reduces nothing (NumPy allows it); otherwise the axis must not be empty.
            var nothingToReduce = Compare(BinaryOp.Equal, Size([.. kept.Select(k => layout.Shape[k]), Literal(1L, DType.Int64)]), Literal(0L, DType.Int64));
            var reduced = new Select(nothingToReduce, Literal(1L, DType.Int64), layout.Shape[axis]) { Type = Int64 };
            output.Add(new Evaluate(new ShapeCheck(ShapeRule.NonEmpty, [reduced], emptyMessage) { Loc = loc, Type = Int64 }) { Loc = loc });
        }
        var result = NewLocal(r.Op.Name(), LocalKind.Temporary, r.T);
        output.Add(new Declare(result, new Alloc(r.T.DType, resultShape, Zeroed: false) { Loc = loc, Type = r.T }) { Loc = loc });
        var indices = Enumerable.Range(0, rank).Select(k => NewLocal($"i{k}", LocalKind.LoopIndex, Int64)).ToArray();
        var references = indices.Select(i => (Expr)Ref(i)).ToArray();
        var perElement = new List<Stmt>();
        var element = new ElementBuilder(this, layout, references, checkedLoads: false, output, perElement, new(NodeIdentity.Instance)).Build(operand);
        var outer = new List<Stmt>();
        var along = new Accumulator(this, r, operand.T.DType, outer, output);
        along.Add(element, perElement);
        if (accumulating)
            perElement.Add(new Store(Ref(result), references, along.Result(layout.Shape[axis])) { Loc = loc, BoundsChecked = false });
        outer.Add(Loop(indices[axis], layout.Shape[axis], perElement, loc));
        var at = r.KeepDims ? references.Select((index, k) => k == axis ? Literal(0L, DType.Int64) : index).ToArray() : kept.Select(k => references[k]).ToArray();
        if (!accumulating)
            outer.Add(new Store(Ref(result), at, along.Result(layout.Shape[axis])) { Loc = loc, BoundsChecked = false });
        var nest = outer;
        foreach (var k in kept.Reverse())
            nest = [Loop(indices[k], layout.Shape[k], nest, loc)];
        output.AddRange(kept.Length > 0 ? [Parallelized((For)nest[0])] : nest);
        return Ref(result);
    }

    /// <summary>The loop as a parallel loop, in a parallel kernel, when its iterations are independent but for reductions.</summary>
    private For Parallelized(For loop) =>
        parallel && ParallelSafety.TryReductions(loop, localTypes) is { } reductions ? loop with { Parallel = true, Reductions = reductions } : loop;

    private static For Loop(Local index, Expr stop, List<Stmt> body, SourceLoc loc) =>
        new(index, Literal(0L, DType.Int64), stop, Literal(1L, DType.Int64), new Block(body.ToArray())) { Loc = loc };

    /// <summary>The running value of a reduction: declared where it starts, updated once per element.</summary>
    private sealed class Accumulator
    {
        private readonly Fusion fusion;
        private readonly Reduction reduction;
        private readonly DType elementType;
        private readonly Local value;
        private readonly Local? index;
        private readonly Local? position;
        // A ufunc's fold without an initial value: false until the first element, which starts the fold.
        private readonly Local? started;

        public Accumulator(Fusion fusion, Reduction reduction, DType operandType, List<Stmt> start, List<Stmt> before)
        {
            this.fusion = fusion;
            this.reduction = reduction;
            var loc = reduction.Loc;
            if (reduction.Ufunc is not null)
            {
                elementType = reduction.T.DType;
                value = fusion.NewLocal(reduction.Ufunc.Callee.Name, LocalKind.Temporary, JitType.Scalar(elementType));
                if (reduction.Operands.Count == 2)
                {
                    start.Add(new Declare(value, fusion.Scalar(reduction.Operands[1], before)) { Loc = loc });
                    return;
                }
                started = fusion.NewLocal("started", LocalKind.Temporary, Bool);
                start.Add(new Declare(value, Literal(0L, elementType)) { Loc = loc });
                start.Add(new Declare(started, Literal(false, DType.Bool)) { Loc = loc });
                return;
            }
            if (reduction.Op is ReduceOp.ArgMin or ReduceOp.ArgMax)
            {
                // The best value so far, its position, and the position of the element being looked at.
                elementType = operandType == DType.Bool ? DType.Int64 : operandType;
                var minimum = reduction.Op == ReduceOp.ArgMin;
                value = fusion.NewLocal(minimum ? "smallest" : "largest", LocalKind.Temporary, JitType.Scalar(elementType));
                index = fusion.NewLocal(reduction.Op.Name(), LocalKind.Temporary, Int64);
                position = fusion.NewLocal("position", LocalKind.Temporary, Int64);
                start.Add(new Declare(value, Literal(Constants.Extreme(elementType, largest: minimum), elementType)) { Loc = loc });
                start.Add(new Declare(index, Literal(0L, DType.Int64)) { Loc = loc });
                start.Add(new Declare(position, Literal(0L, DType.Int64)) { Loc = loc });
                return;
            }
            // float32 sums and products accumulate in float64 (rounded once at the end): in order, in float32, a
            // sum of 10^8 ones would stop at 2^24, where NumPy's pairwise sum does not.
            elementType = reduction.T.DType == DType.Float32 && reduction.Op is ReduceOp.Sum or ReduceOp.Prod or ReduceOp.Mean or ReduceOp.Dot
                ? DType.Float64
                : reduction.T.DType;
            value = fusion.NewLocal(reduction.Op.Name(), LocalKind.Temporary, JitType.Scalar(elementType));
            start.Add(new Declare(value, Literal(Identity(reduction.Op, elementType), elementType)) { Loc = loc });
        }

        public void Add(Expr element, List<Stmt> body)
        {
            var loc = reduction.Loc;
            var acc = fusion.Ref(value);
            if (reduction.Ufunc is not null)
            {
                var fold = new Assign(value, Folded(acc, element)) { Loc = loc };
                body.Add(started is null ? fold : new If(fusion.Ref(started),
                    new Block([fold]),
                    new Block([new Assign(value, Convert(element, elementType)), new Assign(started, Literal(true, DType.Bool))])) { Loc = loc });
                return;
            }
            if (index is not null && position is not null)
            {
                var candidate = fusion.NewLocal("candidate", LocalKind.Temporary, JitType.Scalar(elementType));
                body.Add(new Declare(candidate, Convert(element, elementType)) { Loc = loc });
                Expr better = Compare(reduction.Op == ReduceOp.ArgMin ? BinaryOp.Less : BinaryOp.Greater, fusion.Ref(candidate), acc);
                if (elementType.IsFloat())
                {
                    // The first NaN wins, and nothing after it, as in NumPy.
                    better = Logical(BinaryOp.BitAnd, new Unary(UnaryOp.Not, IsNaN(acc)) { Type = Bool },
                        Logical(BinaryOp.BitOr, better, IsNaN(fusion.Ref(candidate))));
                }
                body.Add(new If(better, new Block([new Assign(value, fusion.Ref(candidate)), new Assign(index, fusion.Ref(position))]), Dsl.Tree.Block.Empty) { Loc = loc });
                body.Add(new Assign(position, Arithmetic(BinaryOp.Add, fusion.Ref(position), Literal(1L, DType.Int64))));
                return;
            }
            Expr next = reduction.Op switch
            {
                ReduceOp.Sum or ReduceOp.Dot or ReduceOp.Mean => Arithmetic(BinaryOp.Add, acc, Convert(element, elementType)),
                ReduceOp.Prod => Arithmetic(BinaryOp.Multiply, acc, Convert(element, elementType)),
                ReduceOp.Min or ReduceOp.Max => new MathCall(reduction.Op == ReduceOp.Min ? MathFunction.Min : MathFunction.Max, [acc, element]) { Type = acc.T },
                ReduceOp.Any => Logical(BinaryOp.BitOr, acc, Convert(element, DType.Bool)),
                _ => Logical(BinaryOp.BitAnd, acc, Convert(element, DType.Bool)),
            };
            body.Add(new Assign(value, next) { Loc = loc });
        }

        /// <summary>The ufunc's call on the value so far and an element.</summary>
        private Expr Folded(Expr acc, Expr element)
        {
            var ufunc = reduction.Ufunc!;
            var parameters = ufunc.Target!.Signature.Parameters;
            return fusion.ElementCall(ufunc with { Type = JitType.Scalar(elementType) },
                [Convert(acc, parameters[0].DType), Convert(element, parameters[1].DType)]);
        }

        /// <summary>An associative ufunc's fold as the reduction of a parallel loop: chunks start from the identity, their results fold in order.</summary>
        public ParallelReduction AsParallelReduction()
        {
            var part = fusion.NewLocal($"{value.Name}_part", LocalKind.Temporary, JitType.Scalar(elementType));
            return new ParallelReduction(value, ReductionOperator.Fold)
            {
                Identity = reduction.ChunkIdentity,
                Part = part,
                Combination = Folded(fusion.Ref(value), fusion.Ref(part)),
            };
        }

        /// <summary>The reduction's value once every element was added; <paramref name="count"/> of them (for Mean).</summary>
        public Expr Result(Expr count) =>
            index is not null ? fusion.Ref(index)
            : Convert(reduction.Op == ReduceOp.Mean ? Arithmetic(BinaryOp.TrueDivide, fusion.Ref(value), Convert(count, elementType)) : fusion.Ref(value),
                reduction.T.DType);
    }

    // ---- Shapes

    /// <summary>
    /// The shape an array expression's elements are computed over, and for each array it reads, which axes are
    /// stretched. One array of the full rank needs nothing: the shape is its own.
    /// </summary>
    private sealed record Layout(IReadOnlyList<Expr> Shape, Dictionary<Expr, Expr?[]> Stretch);

    private Layout Broadcast(Expr e, List<Stmt> output, SourceLoc loc)
    {
        var rank = e.T.Rank;
        var leaves = Leaves(e);
        if (leaves.Count == 1 && leaves[0].T.Rank == rank)
        {
            var only = leaves[0];
            return new Layout(Enumerable.Range(0, rank).Select(axis => Length(only, axis, loc)).ToArray(),
                new Dictionary<Expr, Expr?[]> { [only] = new Expr?[rank] });
        }
        // Each axis's length is the operands' that is not 1 (or 1); every operand's must be that or 1.
        var shape = new Expr[rank];
        Expr? fits = null;
        for (var axis = 0; axis < rank; axis++)
        {
            var lengths = leaves.Where(l => l.T.Rank >= rank - axis).Select(l => Length(l, axis - (rank - l.T.Rank), loc)).ToArray();
            if (lengths.Length == 1)
            {
                shape[axis] = lengths[0];
                continue;
            }
            shape[axis] = Bind($"n{axis}", lengths.Skip(1).Aggregate(lengths[0],
                (a, b) => new Select(Compare(BinaryOp.Equal, a, Literal(1L, DType.Int64)), b, a) { Type = Int64 }), output, loc);
            foreach (var length in lengths)
            {
                var axisFits = Logical(BinaryOp.BitOr, Compare(BinaryOp.Equal, length, Literal(1L, DType.Int64)), Compare(BinaryOp.Equal, length, shape[axis]));
                fits = fits is null ? axisFits : Logical(BinaryOp.BitAnd, fits, axisFits);
            }
        }
        if (fits is not null)
        {
            // NumPy's message, with every operand's shape: the lengths go along only when they are wrong.
            var what = $"[{string.Join(",", leaves.Select(l => l.T.Rank))}]operands could not be broadcast together with shapes {{shapes}} in {Describe(e)} (at {loc})";
            var dimensions = leaves.SelectMany(l => Enumerable.Range(0, l.T.Rank).Select(k => Length(l, k, loc))).ToArray();
            output.Add(new If(new Unary(UnaryOp.Not, fits) { Type = Bool },
                new Block([new Evaluate(new ShapeCheck(ShapeRule.Mismatch, dimensions, what) { Loc = loc, Type = Int64 }) { Loc = loc }]),
                Dsl.Tree.Block.Empty) { Loc = loc });
        }
        var stretch = new Dictionary<Expr, Expr?[]>();
        foreach (var leaf in leaves)
        {
            var factors = new Expr?[leaf.T.Rank];
            for (var k = 0; k < leaf.T.Rank; k++)
            {
                var axis = rank - leaf.T.Rank + k;
                if (leaves.Count(l => l.T.Rank >= rank - axis) > 1)
                    factors[k] = Stretch(leaf, k, Length(leaf, k, loc), shape[axis], output, loc);
            }
            stretch[leaf] = factors;
        }
        return new Layout(shape, stretch);
    }

    /// <summary>1 where an array's axis runs along the shape's, 0 where its length 1 is stretched: index times this.</summary>
    private Expr Stretch(Expr leaf, int axis, Expr length, Expr full, List<Stmt> output, SourceLoc loc)
    {
        var stretched = Logical(BinaryOp.BitAnd, Compare(BinaryOp.Equal, length, Literal(1L, DType.Int64)), Compare(BinaryOp.NotEqual, full, Literal(1L, DType.Int64)));
        var name = $"{(leaf is LocalRef r ? r.Local.Name : leaf is ParamRef p ? p.Name : "a")}_step{axis}";
        return Bind(name, new Select(stretched, Literal(0L, DType.Int64), Literal(1L, DType.Int64)) { Loc = loc, Type = Int64 }, output, loc);
    }

    /// <summary>The arrays an expression reads, each once (a parameter used four times is one array).</summary>
    private static List<Expr> Leaves(Expr e)
    {
        var leaves = new List<Expr>();
        var seen = new HashSet<Expr>(ReferenceEqualityComparer.Instance);
        void Visit(Expr node)
        {
            if (!seen.Add(node))
                return;
            if (IsElementwise(node))
            {
                foreach (var child in TreeWalk.Children(node))
                    Visit(child);
            }
            else if (node.T.IsArray && !leaves.Contains(node))
            {
                leaves.Add(node);
            }
        }
        Visit(e);
        return leaves;
    }

    /// <summary>An expression as messages name it: its text, or where fused temporaries made that long, the arrays it reads.</summary>
    private static string Describe(Expr e)
    {
        var budget = 40;
        bool Small(Expr node) => --budget >= 0 && TreeWalk.Children(node).All(Small);
        return Small(e) ? $"`{TreePrinter.Inline(e)}`" : $"the expression of {string.Join(", ", Leaves(e).Select(l => $"`{TreePrinter.Inline(l)}`"))}";
    }

    private static Expr Length(Expr array, int axis, SourceLoc loc) => new ArrayShape(array, axis) { Loc = loc, Type = Int64 };

    private static Expr Size(IReadOnlyList<Expr> shape) =>
        shape.Skip(1).Aggregate(shape[0], (size, length) => Arithmetic(BinaryOp.Multiply, size, length));

    // ---- Loops and elements

    /// <summary>
    /// The loop nest over a layout's shape, its body made by <paramref name="body"/> from the element of
    /// <paramref name="e"/> and the indices. Scalars in <paramref name="e"/> are computed first, into <paramref name="before"/>.
    /// </summary>
    /// <remarks>
    /// A 1-D loop whose arrays may be stretched is made twice: the loop for when none is (every factor 1, the
    /// common case: arrays of one length), which reads each array at the index alone and so can be vectorised,
    /// and the general one. Scalars are computed once for both.
    /// </remarks>
    private Stmt Loops(Layout layout, List<Stmt> before, Expr e, Action<Expr, NodeList<Expr>, List<Stmt>> body, Func<For, For>? parallelize = null)
    {
        parallelize ??= Parallelized;
        var hoisted = new Dictionary<Expr, Expr>(NodeIdentity.Instance);
        var factors = layout.Stretch.Values.SelectMany(f => f).OfType<Expr>().ToList();
        if (layout.Shape.Count != 1 || factors.Count == 0)
            return Nest(layout, elementwise: layout.Shape.Count == 1);
        // Unstretched, every array has the shape's length: the first one's length, which lowering can loop to with an int.
        var direct = new Layout([Length(layout.Stretch.Keys.First(), 0, e.Loc)], layout.Stretch.ToDictionary(pair => pair.Key, pair => new Expr?[pair.Value.Length]));
        var unstretched = factors.Select(f => Compare(BinaryOp.Equal, f, Literal(1L, DType.Int64)))
            .Aggregate((a, b) => Logical(BinaryOp.BitAnd, a, b));
        return new If(unstretched, new Block([Nest(direct, elementwise: true)]), new Block([Nest(layout, elementwise: false)])) { Loc = e.Loc };

        Stmt Nest(Layout version, bool elementwise)
        {
            var indices = version.Shape.Select((_, axis) => NewLocal($"i{axis}", LocalKind.LoopIndex, Int64)).ToArray();
            var references = indices.Select(i => (Expr)Ref(i)).ToArray();
            var statements = new List<Stmt>();
            var element = new ElementBuilder(this, version, references, checkedLoads: false, before, statements, hoisted).Build(e);
            body(element, references, statements);
            var block = new Block(statements.ToArray());
            for (var axis = indices.Length - 1; axis > 0; axis--)
                block = new Block([LoopOver(axis, block)]);
            return parallelize(LoopOver(0, block) with { Elementwise = elementwise });

            For LoopOver(int axis, Block loopBody) =>
                new(indices[axis], Literal(0L, DType.Int64), version.Shape[axis], Literal(1L, DType.Int64), loopBody) { Loc = e.Loc };
        }
    }

    /// <summary>
    /// Builds the scalar expression of one element of an array expression: each array read at the indices (times
    /// its stretch factors), each computation used twice bound once, each scalar operand computed before the loop.
    /// </summary>
    /// <remarks>
    /// Scalars are hoisted even from the branches of an elementwise <c>Where</c>, as <c>np.where</c> computes both
    /// of its operands; only where the whole element is read conditionally (<paramref name="hoistScalars"/> false)
    /// do they stay where they are.
    /// </remarks>
    private sealed class ElementBuilder(
        Fusion fusion, Layout layout, IReadOnlyList<Expr> indices, bool checkedLoads, List<Stmt> before, List<Stmt> perElement,
        Dictionary<Expr, Expr> hoisted, bool hoistScalars = true)
    {
        private readonly Dictionary<Expr, int> uses = new(NodeIdentity.Instance);
        private readonly Dictionary<Expr, Expr> bound = new(NodeIdentity.Instance);

        public Expr Build(Expr e)
        {
            Count(e);
            return Element(e, conditional: false);
        }

        private void Count(Expr e)
        {
            if (!e.T.IsArray)
                return;
            uses[e] = uses.GetValueOrDefault(e) + 1;
            if (uses[e] == 1 && IsElementwise(e))
            {
                foreach (var child in TreeWalk.Children(e))
                    Count(child);
            }
        }

        private Expr Element(Expr e, bool conditional)
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
            if (!e.T.IsArray)
            {
                if (e is Const or ParamRef or LocalRef)
                    return e;
                if (!hoistScalars)
                    return fusion.Scalar(e, before, conditional: true);
                if (!hoisted.TryGetValue(e, out var scalar))
                    hoisted[e] = scalar = fusion.Bind("s", fusion.Scalar(e, before), before, e.Loc);
                return scalar;
            }
            // A value bound earlier was computed on every path: later uses, conditional or not, take it.
            if (bound.TryGetValue(e, out var known))
                return known;
            if (!IsElementwise(e))
                return conditional || uses.GetValueOrDefault(e) < 2 ? Read(e) : bound[e] = fusion.Bind(Name(e), Read(e), perElement, e.Loc);
            var element = e switch
            {
                Select s => s with { Condition = Element(s.Condition, conditional), IfTrue = Element(s.IfTrue, true), IfFalse = Element(s.IfFalse, true), Type = e.T.Element },
                Binary { Op: BinaryOp.BitAnd or BinaryOp.BitOr, Left.T.DType: DType.Bool } b =>
                    b with { Left = Element(b.Left, conditional), Right = Element(b.Right, true), Type = e.T.Element },
                MapCall m => fusion.Inlined(m, m.Args.Select(arg => Element(arg, conditional)), perElement, conditional)
                    ?? fusion.ElementCall(m, m.Args.Select(arg => Element(arg, conditional))),
                _ => TreeWalk.MapChildren(e, child => Element(child, conditional)) with { Type = e.T.Element },
            };
            if (conditional || uses.GetValueOrDefault(e) < 2)
                return element;
            return bound[e] = fusion.Bind("e", element, perElement, e.Loc);
        }

        private static string Name(Expr array) => array switch
        {
            ParamRef p => $"{p.Name}_i",
            LocalRef r => $"{r.Local.Name}_i",
            _ => "a_i",
        };

        /// <summary>An element of an array the expression reads: its axes are the last ones of the shape.</summary>
        private Expr Read(Expr array)
        {
            var rank = array.T.Rank;
            var factors = layout.Stretch[array];
            var at = new Expr[rank];
            for (var k = 0; k < rank; k++)
            {
                var index = indices[indices.Count - rank + k];
                at[k] = factors[k] is { } factor ? Arithmetic(BinaryOp.Multiply, index, factor) : index;
            }
            return new Load(array, at) { Loc = array.Loc, Type = array.T.Element, BoundsChecked = checkedLoads };
        }
    }

    /// <summary>
    /// Leaves (a parameter, a local, a literal) are the same value when equal, as typing makes one node per
    /// use; a computation is the same only as the same node (a fused temporary's uses): comparing computations
    /// by structure would take exponential time on the DAGs that fused temporaries make.
    /// </summary>
    private sealed class NodeIdentity : IEqualityComparer<Expr>
    {
        public static readonly NodeIdentity Instance = new();

        public bool Equals(Expr? a, Expr? b) => a is ParamRef or LocalRef or Const ? a.Equals(b) : ReferenceEquals(a, b);

        public int GetHashCode(Expr e) => e is ParamRef or LocalRef or Const ? e.GetHashCode() : RuntimeHelpers.GetHashCode(e);
    }

    // ---- Typed nodes

    private static readonly JitType Int64 = JitType.Scalar(DType.Int64);
    private static readonly JitType Bool = JitType.Scalar(DType.Bool);

    private Local NewLocal(string name, LocalKind kind, JitType type)
    {
        var local = new Local(nextLocalId++, name, kind);
        localTypes[local] = type;
        return local;
    }

    /// <summary>A temporary holding <paramref name="value"/>, declared in <paramref name="output"/>.</summary>
    private Expr Bind(string name, Expr value, List<Stmt> output, SourceLoc loc)
    {
        var local = NewLocal(name, LocalKind.Temporary, value.T);
        output.Add(new Declare(local, value) { Loc = loc });
        return Ref(local);
    }

    private LocalRef Ref(Local local) => new(local) { Type = localTypes[local] };

    private static Const Literal(object value, DType dtype) => new(Constants.Convert(value, dtype), dtype, Weak: false) { Type = JitType.Scalar(dtype) };

    private static Expr Convert(Expr e, DType to) => e.T.DType == to ? e : new Cast(to, e) { Loc = e.Loc, Type = JitType.Scalar(to) };

    private static Binary Arithmetic(BinaryOp op, Expr a, Expr b) => new(op, a, b) { Loc = a.Loc, Type = a.T };

    private static Binary Compare(BinaryOp op, Expr a, Expr b) => new(op, a, b) { Loc = a.Loc, Type = Bool };

    private static Binary Logical(BinaryOp op, Expr a, Expr b) => new(op, a, b) { Loc = a.Loc, Type = Bool };

    private static MathCall IsNaN(Expr e) => new(MathFunction.IsNaN, [e]) { Type = Bool };

    private static object Identity(ReduceOp op, DType dtype) => op switch
    {
        ReduceOp.Prod => 1L,
        ReduceOp.Min => Constants.Extreme(dtype, largest: true),
        ReduceOp.Max => Constants.Extreme(dtype, largest: false),
        ReduceOp.All => true,
        ReduceOp.Any => false,
        _ => 0L,
    };

}
