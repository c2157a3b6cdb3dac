using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;
using JitDsl.Lowering.Runtime;
using Linq = System.Linq.Expressions;
using L = System.Linq.Expressions.Expression;

namespace JitDsl.Lowering;

/// <summary>
/// A parallel loop (<see cref="For.Parallel"/>) becomes a call of <see cref="ParallelLoop.Run"/> with its body as a
/// nested lambda that runs one chunk of the iterations. The lambda copies what it reads from the kernel into its
/// own variables first (so the chunk's loop works on locals, not on the closure the expression compiler makes),
/// keeps each reduction in an accumulator that starts from the operation's identity, and stores it in its slot
/// of a partial-results array; after the region, the partial results are combined with the variable in chunk
/// order. The LLVM backend makes the same lambda a function of its own (IrCodegen.Parallel).
/// </summary>
internal sealed partial class LinqLowering
{
    // Iterations per chunk below which a loop of straight-line code is not worth another thread.
    private const long SimpleIterationsPerChunk = 8192;

    private L LowerParallelFor(For f)
    {
        var variables = new List<Linq.ParameterExpression>();
        var statements = new List<L>();
        var start = Evaluated(LowerExpr(f.Start), "start", variables, statements);
        var stop = Evaluated(LowerExpr(f.Stop), "stop", variables, statements);
        var step = Evaluated(f.Step is Const ? LowerExpr(f.Step) : L.Call(Method(typeof(Checks), nameof(Checks.Step)), LowerExpr(f.Step), Site(f.Loc)),
            "step", variables, statements);
        var iterations = Evaluated(L.Call(Method(typeof(ParallelLoop), nameof(ParallelLoop.TripCount)), start, stop, step), "iterations", variables, statements);
        var chunks = Evaluated(L.Call(Method(typeof(ParallelLoop), nameof(ParallelLoop.Chunks)), iterations, L.Constant(Grain(f.Body))),
            "chunks", variables, statements);
        var partials = f.Reductions
            .Select(r => Evaluated(L.NewArrayBounds(TypeOf(r.Variable), chunks), $"{r.Variable.Name}_partials", variables, statements))
            .ToArray();

        var first = L.Parameter(typeof(long), "first");
        var end = L.Parameter(typeof(long), "end");
        var chunk = L.Parameter(typeof(int), "chunk");
        var chunkRandom = L.Parameter(typeof(KernelRandom), "chunk_random");
        var body = ChunkBody(f, (Bound(first), Bound(end), step), chunkRandom);
        var drawsRandom = DrawsRandom(f.Body);
        var accumulators = f.Reductions.Select((r, k) => (Accumulator: body.Accumulators[r.Variable], Partials: partials[k])).ToArray();
        var chunkStatements = new List<L>();
        chunkStatements.AddRange(f.Reductions.Select(r => L.Assign(body.Accumulators[r.Variable], LowerExpr(Identity(r)))));
        chunkStatements.Add(body.Loop);
        chunkStatements.AddRange(accumulators.Select(a => L.Assign(L.ArrayAccess(a.Partials, chunk), a.Accumulator)));
        Linq.ParameterExpression[] parameters = [first, end, chunk, chunkRandom];
        var lambda = L.Lambda<ParallelLoop.ChunkBody>(
            CopyIn(L.Block(typeof(void), accumulators.Select(a => a.Accumulator), chunkStatements), parameters), $"{f.Index.Name}_chunk", parameters);
        statements.Add(L.Call(Method(typeof(ParallelLoop), nameof(ParallelLoop.Run)), iterations, chunks,
            drawsRandom ? Random() : L.Constant(null, typeof(KernelRandom)), lambda));
        if (f.Reductions.Count > 0)
            statements.Add(Combine(f.Reductions, partials, chunks));
        return L.Block(typeof(void), variables, statements);

        // The index at an iteration; the last chunk stops at the loop's own stop (start + iterations * step may overflow).
        L Bound(L iteration) => L.Condition(L.Equal(iteration, iterations), stop, L.Add(start, L.Multiply(iteration, step)));
    }

    private sealed record Chunk(L Loop, Dictionary<Local, Linq.ParameterExpression> Accumulators);

    /// <summary>The serial loop over one chunk's iterations, with each reduction variable read and written as its accumulator.</summary>
    private Chunk ChunkBody(For f, (L Start, L Stop, L Step) range, Linq.ParameterExpression chunkRandom)
    {
        var accumulators = f.Reductions.ToDictionary(r => r.Variable, r => L.Variable(TypeOf(r.Variable), r.Variable.Name));
        var replaced = accumulators.Keys.ToDictionary(v => v, v => locals[v]);
        foreach (var (variable, accumulator) in accumulators)
            locals[variable] = accumulator;
        var outerRandom = random;
        random = chunkRandom;
        parallelDepth++;
        var loop = LowerFor(f, range);
        parallelDepth--;
        random = outerRandom;
        foreach (var (variable, outer) in replaced)
            locals[variable] = outer;
        return new Chunk(loop, accumulators);
    }

    /// <summary>
    /// Whether a body draws random numbers, itself or in a kernel it calls: then each chunk gets a generator of
    /// its own (a device function finds it as its thread's, see <see cref="ParallelLoop.Run"/>).
    /// </summary>
    private static bool DrawsRandom(Block body) =>
        body.Statements.Any(s => s is SeedRandom || TreeWalk.Expressions(s).Any(CallsRandom) || TreeWalk.Blocks(s).Any(DrawsRandom));

    private static bool CallsRandom(Expr e) =>
        e is RandomUniform || (e is KernelCall { Target: { } target } && DrawsRandom(target.Body)) || TreeWalk.Children(e).Any(CallsRandom);

    /// <summary>After the region: each variable combined with the chunks' partial results, chunk 0 first.</summary>
    private L Combine(NodeList<ParallelReduction> reductions, L[] partials, L chunks)
    {
        var k = L.Variable(typeof(int), "k");
        var done = L.Label("combined");
        var combined = new List<L>();
        var parts = new List<Linq.ParameterExpression>();
        foreach (var (reduction, index) in reductions.Select((r, index) => (r, index)))
        {
            // The partial as a local of the tree, so the combination lowers exactly as the body's own operation does.
            var part = reduction.Part ?? new Local(-1 - index, $"{reduction.Variable.Name}_part", LocalKind.Temporary);
            var partVariable = L.Variable(TypeOf(reduction.Variable), part.Name);
            parts.Add(partVariable);
            locals[part] = partVariable;
            combined.Add(L.Assign(partVariable, L.ArrayIndex(partials[index], k)));
            combined.Add(L.Assign(locals[reduction.Variable], LowerExpr(CombineOperation(reduction, part))));
        }
        return L.Block([k, .. parts],
            L.Assign(k, L.Constant(0)),
            L.Loop(L.Block(L.IfThen(L.GreaterThanOrEqual(k, chunks), L.Break(done)), L.Block(combined), L.AddAssign(k, L.Constant(1))), done));
    }

    private Expr CombineOperation(ParallelReduction reduction, Local part)
    {
        if (reduction.Combination is { } combination)
            return combination;
        var type = kernel.LocalTypes[reduction.Variable];
        var (value, partial) = (new LocalRef(reduction.Variable) { Type = type }, new LocalRef(part) { Type = type });
        return reduction.Op switch
        {
            // Each chunk subtracted its elements from 0: adding its partial subtracts them from the variable.
            ReductionOperator.Add or ReductionOperator.Subtract => new Binary(BinaryOp.Add, value, partial) { Type = type },
            ReductionOperator.Multiply => new Binary(BinaryOp.Multiply, value, partial) { Type = type },
            ReductionOperator.Min => new MathCall(MathFunction.Min, [value, partial]) { Type = type },
            _ => new MathCall(MathFunction.Max, [value, partial]) { Type = type },
        };
    }

    /// <summary>Where each chunk's accumulator starts: 0, 1, or what every value beats.</summary>
    private Expr Identity(ParallelReduction reduction)
    {
        if (reduction.Identity is { } identity)
            return identity;
        var dtype = kernel.LocalTypes[reduction.Variable].DType;
        var value = reduction.Op switch
        {
            ReductionOperator.Multiply => 1L,
            ReductionOperator.Min => Constants.Extreme(dtype, largest: true),
            ReductionOperator.Max => Constants.Extreme(dtype, largest: false),
            _ => 0L,
        };
        return new Const(Constants.Convert(value, dtype), dtype, Weak: false) { Type = JitType.Scalar(dtype) };
    }

    /// <summary>
    /// The fewest iterations worth a chunk: one, when an iteration runs loops, itself or in a kernel it calls (a row
    /// of an image, a pixel's iterations); thousands for straight-line code, whose iterations take nanoseconds.
    /// </summary>
    private static long Grain(Block body) => HasLoopOrCall(body) ? 1 : SimpleIterationsPerChunk;

    private static bool HasLoopOrCall(Block block) =>
        block.Statements.Any(s => s is For or While or Fill || TreeWalk.Expressions(s).Any(CallsKernel) || TreeWalk.Blocks(s).Any(HasLoopOrCall));

    private static bool CallsKernel(Expr e) =>
        (e is KernelCall { Target: { } target } && HasLoopOrCall(target.Body)) || TreeWalk.Children(e).Any(CallsKernel);

    private Type TypeOf(Local variable) => kernel.LocalTypes[variable].ClrType();

    /// <summary>
    /// The chunk's body with every variable it reads from the kernel copied into a variable of its own at the
    /// start: the expression compiler keeps captured variables in heap boxes, which a loop would read each time.
    /// </summary>
    private static L CopyIn(L body, Linq.ParameterExpression[] parameters)
    {
        var free = FreeVariables.Of(body, parameters);
        if (free.Count == 0)
            return body;
        var copies = free.ToDictionary(v => v, v => L.Variable(v.Type, v.Name));
        return L.Block(typeof(void), copies.Values,
            [.. copies.Select(c => L.Assign(c.Value, c.Key)), new Substitution(copies).Visit(body)]);
    }

    private sealed class Substitution(Dictionary<Linq.ParameterExpression, Linq.ParameterExpression> copies) : Linq.ExpressionVisitor
    {
        protected override L VisitParameter(Linq.ParameterExpression node) => copies.GetValueOrDefault(node, node);
    }
}
