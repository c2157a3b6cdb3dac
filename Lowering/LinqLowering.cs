using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;
using JitDsl.Lowering.Runtime;
using Linq = System.Linq.Expressions;
using L = System.Linq.Expressions.Expression;

namespace JitDsl.Lowering;

/// <summary>
/// Lowers a typed kernel to one <see cref="Linq.LambdaExpression"/>, the form every backend consumes.
/// The typed tree has made every conversion explicit, so this stage only chooses instructions: .NET
/// operators where they mean what NumPy means, <see cref="KernelMath"/> where they do not, and
/// <see cref="Checks"/> for indices not proven in range. Device functions become nested lambdas invoked
/// in place, which the expression compiler inlines. The tree holds no live objects, only literals and
/// static methods, so it can also be emitted into a saved assembly.
/// </summary>
internal sealed partial class LinqLowering
{
    private readonly TypedKernel kernel;
    private readonly bool boundsCheck;
    private readonly bool vectorize;
    private readonly bool parallel;
    private readonly bool gpu;
    private readonly bool gridStride;
    // Inside a parallel loop's chunk, loops run serially: one parallel region at a time.
    private int parallelDepth;
    private readonly Dictionary<TypedKernel, Linq.LambdaExpression> devices;
    private readonly Linq.ParameterExpression[] parameters;
    private readonly Dictionary<Local, Linq.ParameterExpression> locals = [];
    private readonly HashSet<Local> narrowIndices = [];
    // Indices of ranges that count up from a literal >= 0: never negative, so their checks need no wrapping.
    private readonly HashSet<Local> nonNegativeIndices = [];
    private readonly Linq.LabelTarget returnLabel;
    private readonly Stack<(Linq.LabelTarget Break, Linq.LabelTarget Continue)> loops = new();
    private Linq.ParameterExpression? random;

    private LinqLowering(TypedKernel kernel, bool boundsCheck, bool vectorize, bool parallel, bool gpu, bool gridStride,
        Dictionary<TypedKernel, Linq.LambdaExpression> devices)
    {
        this.gridStride = gridStride;
        this.kernel = kernel;
        this.boundsCheck = boundsCheck;
        this.vectorize = vectorize;
        this.parallel = parallel;
        this.gpu = gpu;
        this.devices = devices;
        parameters = kernel.Source.Parameters
            .Select((p, k) => L.Parameter(kernel.Signature.Parameters[k].ClrType(), p.Name))
            .ToArray();
        returnLabel = L.Label(ReturnClrType, "return");
    }

    /// <param name="kernel">The typed kernel, after bounds-check elimination.</param>
    /// <param name="boundsCheck">False keeps Python's negative indices but drops JitDsl's own range checks.</param>
    /// <param name="vectorize">Fused elementwise loops also get a SIMD loop (see <see cref="VectorLoop"/>); not for ahead-of-time export.</param>
    /// <param name="parallel">Parallel loops run on the fork-join pool (see <see cref="LowerParallelFor"/>); serially otherwise.</param>
    /// <param name="gpu">
    /// For the Cuda backend: CUDA intrinsics become <see cref="GpuRuntime"/> calls (elsewhere they are JD0027), and
    /// what a GPU thread cannot do (allocate, draw random numbers) is JD0027 here.
    /// </param>
    /// <param name="gridStride">With <paramref name="gpu"/>: parallel loops without reductions become grid-stride loops.</param>
    public static Linq.LambdaExpression Lower(TypedKernel kernel, bool boundsCheck, bool vectorize, bool parallel = false, bool gpu = false, bool gridStride = false) =>
        new LinqLowering(kernel, boundsCheck, vectorize, parallel, gpu, gridStride, []).Lambda();

    private Type ReturnClrType => kernel.ReturnType?.ClrType() ?? typeof(void);

    private Linq.LambdaExpression Lambda()
    {
        var body = LowerBlock(kernel.Body);
        var variables = new List<Linq.ParameterExpression>();
        var statements = new List<L>();
        if (random is not null)
        {
            variables.Add(random);
            statements.Add(L.Assign(random, L.Property(null, typeof(KernelRandom), nameof(KernelRandom.ForThisThread))));
        }
        statements.Add(body);
        statements.Add(ReturnClrType == typeof(void) ? L.Label(returnLabel) : L.Label(returnLabel, L.Default(ReturnClrType)));
        var delegateType = L.GetDelegateType([.. parameters.Select(p => p.Type), ReturnClrType]);
        return L.Lambda(delegateType, L.Block(ReturnClrType, variables, statements), kernel.Name, parameters);
    }

    // ---- Statements

    private L LowerBlock(Block block)
    {
        var statements = block.Statements.Select(LowerStatement).ToList();
        return statements.Count == 0 ? L.Empty() : L.Block(typeof(void), DeclaredIn(block), statements);
    }

    /// <summary>The variables a block declares itself (after its statements are lowered).</summary>
    private IEnumerable<Linq.ParameterExpression> DeclaredIn(Block block) =>
        block.Statements.OfType<Declare>().Select(d => locals[d.Local]).Distinct();

    private L LowerStatement(Stmt statement)
    {
        switch (statement)
        {
            case Declare d:
                return L.Assign(DeclareLocal(d.Local), LowerExpr(d.Init));
            case Assign a:
                return L.Assign(locals[a.Local], LowerExpr(a.Value));
            case Store s:
                return L.Assign(Element(s.Array, s.Indices, s.BoundsChecked, s.Loc), LowerExpr(s.Value));
            case If i:
                return i.Else.Statements.Count == 0
                    ? L.IfThen(LowerExpr(i.Condition), LowerBlock(i.Then))
                    : L.IfThenElse(LowerExpr(i.Condition), LowerBlock(i.Then), LowerBlock(i.Else));
            case For f:
                return LowerFor(f);
            case While w:
                return LowerWhile(w);
            case Break:
                return L.Break(loops.Peek().Break);
            case Continue:
                return L.Continue(loops.Peek().Continue);
            case Return { Value: null }:
                return L.Return(returnLabel);
            case Return { Value: { } v }:
                return L.Return(returnLabel, LowerExpr(v));
            case Evaluate e:
                return LowerExpr(e.Value);
            case SeedRandom s when gpu:
                throw new TypingException(ErrorCodes.GpuOnly, "in a CUDA kernel, seed the generators when making them: Cuda.RandomStates(threads, seed)", s.Loc);
            case SeedRandom s:
                return L.Call(Random(), Method(typeof(KernelRandom), nameof(KernelRandom.Seed), typeof(long)), LowerExpr(s.Seed));
            default:
                throw new JitInternalException($"lowering does not know {statement.GetType().Name}");
        }
    }

    /// <summary>
    /// <c>for i in range(start, stop, step)</c>: the bounds are evaluated once; the index counts from start
    /// while it is below stop (above it for a negative step). Continue jumps to the increment. Where the range
    /// provably fits in an int, the index is an int and a loop up to <c>a.Length</c> tests <c>a.Length</c>
    /// itself: the loop shape in which the .NET JIT drops its own bounds checks on <c>a[i]</c>.
    /// </summary>
    /// <param name="f">The loop.</param>
    /// <param name="chunk">For one chunk of a parallel loop: the index it starts at, the one it stops before and the step (int64, evaluated once for the loop).</param>
    /// <param name="narrowable">False when the index may step past int's range before it stops (a grid-stride loop's wide step).</param>
    private L LowerFor(For f, (L Start, L Stop, L Step)? chunk = null, bool narrowable = true)
    {
        if (chunk is null && f.Parallel && parallel && parallelDepth == 0)
            return LowerParallelFor(f);
        if (chunk is null && gridStride && parallelDepth == 0)
        {
            // Every thread of a map's kernel would run any other loop whole: n threads, n iterations each.
            if (!f.Parallel || f.Reductions.Count > 0)
                throw new TypingException(ErrorCodes.GpuOnly,
                    "a map on the GPU is one loop over the elements; this one also reduces or accumulates (Sum, Min, Mean, a ufunc's fold …): " +
                    "do that on the CPU and pass the value in", f.Loc);
            return LowerGridStrideFor(f);
        }
        var narrow = narrowable ? IntStop(f) : null;
        var index = L.Variable(narrow is null ? typeof(long) : typeof(int), f.Index.Name);
        locals[f.Index] = index;
        if (narrow is not null)
            narrowIndices.Add(f.Index);
        if (f.CountsUp is not null)
            nonNegativeIndices.Add(f.Index);
        var variables = new List<Linq.ParameterExpression> { index };
        var start = chunk is { } first ? (narrow is null ? first.Start : L.Convert(first.Start, typeof(int)))
            : narrow is null ? LowerExpr(f.Start) : L.Constant((int)f.CountsUp!.Value.Start);
        var statements = new List<L> { L.Assign(index, start) };
        L stop, step;
        if (chunk is { } bounds)
        {
            stop = Evaluated(narrow is null ? bounds.Stop : L.Convert(bounds.Stop, typeof(int)), $"{index.Name}_stop", variables, statements);
            step = narrow is not null ? L.Constant((int)f.CountsUp!.Value.Step) : bounds.Step;
        }
        else if (narrow is not null)
        {
            stop = narrow.NodeType is Linq.ExpressionType.ArrayLength or Linq.ExpressionType.Constant
                ? narrow
                : Evaluated(narrow, $"{index.Name}_stop", variables, statements);
            step = L.Constant((int)f.CountsUp!.Value.Step);
        }
        else
        {
            stop = f.Stop is Const ? LowerExpr(f.Stop) : Evaluated(LowerExpr(f.Stop), $"{index.Name}_stop", variables, statements);
            step = f.Step is Const ? LowerExpr(f.Step)
                : Evaluated(L.Call(Method(typeof(Checks), nameof(Checks.Step)), LowerExpr(f.Step), Site(f.Loc)), $"{index.Name}_step", variables, statements);
        }
        var condition = f.Step switch
        {
            Const { Value: > 0L } => (L)L.LessThan(index, stop),
            Const => L.GreaterThan(index, stop),
            _ => L.Condition(L.GreaterThan(step, L.Constant(0L)), L.LessThan(index, stop), L.GreaterThan(index, stop)),
        };
        if (narrow is not null && VectorLoop(f, index, stop) is { } vectorLoop)
            statements.Add(vectorLoop);
        var (breakLabel, continueLabel) = (L.Label($"{index.Name}_break"), L.Label($"{index.Name}_continue"));
        loops.Push((breakLabel, continueLabel));
        var body = LowerBlock(f.Body);
        loops.Pop();
        // Python's range never overflows: a 64-bit index whose step is not ±1 could wrap past stop, so the
        // remaining distance is compared (as unsigned, which is exact) before stepping.
        var advance = narrow is null && f.Step is not Const { Value: 1L or -1L }
            ? L.IfThenElse(L.Call(Method(typeof(Checks), nameof(Checks.StepPassesStop)), index, stop, step), L.Break(breakLabel), L.AddAssign(index, step))
            : (L)L.AddAssign(index, step);
        statements.Add(L.Loop(
            L.Block(L.IfThen(L.Not(condition), L.Break(breakLabel)), body, L.Label(continueLabel), advance),
            breakLabel));
        return L.Block(variables, statements);
    }

    /// <summary>
    /// A fused loop of a map on the GPU: each thread takes the iterations from its index in the grid on, a grid's
    /// width apart (CUDA's grid-stride loop), so any launch covers the range once.
    /// </summary>
    private L LowerGridStrideFor(For f)
    {
        var variables = new List<Linq.ParameterExpression>();
        var statements = new List<L>();
        L Gpu(GpuQuantity quantity) => L.Call(Method(typeof(GpuRuntime), nameof(GpuRuntime.Intrinsic)), L.Constant((int)quantity), L.Constant(0));
        var start = Evaluated(LowerExpr(f.Start), "start", variables, statements);
        var step = Evaluated(f.Step is Const ? LowerExpr(f.Step) : L.Call(Method(typeof(Checks), nameof(Checks.Step)), LowerExpr(f.Step), Site(f.Loc)),
            "step", variables, statements);
        var thread = L.Add(L.Multiply(Gpu(GpuQuantity.BlockIndex), Gpu(GpuQuantity.BlockSize)), Gpu(GpuQuantity.ThreadIndex));
        var threads = L.Multiply(Gpu(GpuQuantity.BlockSize), Gpu(GpuQuantity.GridSize));
        parallelDepth++;
        var loop = LowerFor(f, (L.Add(start, L.Multiply(thread, step)), LowerExpr(f.Stop), Evaluated(L.Multiply(threads, step), "grid_step", variables, statements)),
            narrowable: false);
        parallelDepth--;
        statements.Add(loop);
        return L.Block(typeof(void), variables, statements);
    }

    /// <summary>
    /// The stop, as an int, of a range that cannot leave int: start a small literal, step a positive literal, stop an
    /// array's length (at most Array.MaxLength, so index + step cannot overflow) or an int32 value with step 1.
    /// </summary>
    private L? IntStop(For f)
    {
        if (f.CountsUp is not { } range || range.Start > int.MaxValue)
            return null;
        var step = range.Step;
        return f.Stop switch
        {
            ArraySize { Array: var a } when a.T.Rank == 1 && step <= int.MaxValue - Array.MaxLength => Length(LowerExpr(a), 1, 0),
            ArrayShape { Array: var a } s when step <= int.MaxValue - Array.MaxLength => Length(LowerExpr(a), a.T.Rank, s.Axis),
            Cast { Operand.Type.DType: DType.Int32 } c when step == 1 => LowerExpr(c.Operand),
            Const { Value: long stop } when stop >= int.MinValue && stop <= int.MaxValue - step => L.Constant((int)stop),
            _ => null,
        };
    }

    private L LowerWhile(While w)
    {
        var (breakLabel, continueLabel) = (L.Label("while_break"), L.Label("while_continue"));
        loops.Push((breakLabel, continueLabel));
        // The prelude's temporaries serve the condition and may serve the body: one scope for the iteration.
        var prelude = w.Prelude.Statements.Select(LowerStatement).ToList();
        var condition = LowerExpr(w.Condition);
        var body = LowerBlock(w.Body);
        loops.Pop();
        var iteration = L.Block(typeof(void), DeclaredIn(w.Prelude), [.. prelude, L.IfThen(L.Not(condition), L.Break(breakLabel)), body]);
        return L.Loop(iteration, breakLabel, continueLabel);
    }

    /// <summary>A loop bound evaluated once, into a fresh variable.</summary>
    private static L Evaluated(L value, string name, List<Linq.ParameterExpression> variables, List<L> statements)
    {
        var variable = L.Variable(value.Type, name);
        variables.Add(variable);
        statements.Add(L.Assign(variable, value));
        return variable;
    }

    private Linq.ParameterExpression DeclareLocal(Local local)
    {
        if (!locals.TryGetValue(local, out var variable))
            locals[local] = variable = L.Variable(kernel.LocalTypes[local].ClrType(), local.Name);
        return variable;
    }

    private Linq.ParameterExpression Random() => random ??= L.Variable(typeof(KernelRandom), "random");

    // ---- Expressions

    private L LowerExpr(Expr e)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        return LowerNode(e);
    }

    private L LowerNode(Expr e) => e switch
    {
        Const c => L.Constant(c.Value, c.T.ClrType()),
        ParamRef p => parameters[p.Index],
        LocalRef r => narrowIndices.Contains(r.Local) ? L.Convert(locals[r.Local], typeof(long)) : locals[r.Local],
        Unary u => LowerUnary(u),
        Binary b => LowerBinary(b),
        MathCall m => LowerMath(m),
        Cast c => LowerCast(LowerExpr(c.Operand), c.Operand.T.DType, c.To),
        Select s => L.Condition(LowerExpr(s.Condition), LowerExpr(s.IfTrue), LowerExpr(s.IfFalse)),
        ArrayShape s => L.Convert(Length(LowerExpr(s.Array), s.Array.T.Rank, s.Axis), typeof(long)),
        ArraySize { Array.T.Strided: true } s => Enumerable.Range(0, s.Array.T.Rank)
            .Select(axis => (L)L.Convert(Length(LowerExpr(s.Array), s.Array.T.Rank, axis), typeof(long))).Aggregate(L.Multiply),
        // LongLength beyond one dimension: a T[,] may hold more than 2^31 elements, and Length then throws.
        ArraySize s => s.Array.T.Rank == 1 ? L.Convert(L.ArrayLength(LowerExpr(s.Array)), typeof(long)) : L.Property(LowerExpr(s.Array), nameof(Array.LongLength)),
        Load l => Element(l.Array, l.Indices, l.BoundsChecked, l.Loc),
        KernelCall k => L.Invoke(Device(k.Target!), k.Args.Select(LowerExpr)),
        RandomUniform when gpu => throw new TypingException(ErrorCodes.GpuOnly, "random numbers on the GPU come from Cuda.Uniform(states, index) in a Cuda.Kernel, with states from Cuda.RandomStates", e.Loc),
        RandomUniform => L.Call(Random(), Method(typeof(KernelRandom), nameof(KernelRandom.NextDouble))),
        GpuIntrinsic g when gpu => L.Call(Method(typeof(GpuRuntime), nameof(GpuRuntime.Intrinsic)), L.Constant((int)g.Quantity), L.Constant(g.Axis)),
        Alloc { Shared: true } a when gpu => L.Call(typeof(GpuRuntime).GetMethod(nameof(GpuRuntime.SharedArray))!.MakeGenericMethod(a.Element.ClrType()),
            L.Constant((int)(long)((Const)a.Shape[0]).Value)),
        Alloc { Shared: true } => throw new TypingException(ErrorCodes.GpuOnly, "a shared array is for kernels made with Cuda.Kernel", e.Loc),
        GpuAtomic g when gpu => LowerAtomic(g),
        GpuUniform u when gpu => LowerUniform(u),
        GpuIntrinsic or GpuUniform or GpuAtomic => throw new TypingException(ErrorCodes.GpuOnly,
            $"`{TreePrinter.Inline(e)}` is for kernels made with Cuda.Kernel; this one is compiled for the CPU", e.Loc),
        Alloc when gpu => throw new TypingException(ErrorCodes.GpuOnly,
            "a CUDA kernel cannot allocate an array: allocate it on the host (Cuda.ToDevice, new DeviceArray<T>) and pass it in", e.Loc),
        Alloc a => LowerAlloc(a),
        ShapeCheck { Rule: ShapeRule.Mismatch } c => L.Call(Method(typeof(Throw), nameof(Throw.BroadcastMismatch)),
            L.NewArrayInit(typeof(long), c.Lengths.Select(LowerExpr)), L.Constant(c.What)),
        ShapeCheck c => L.Call(Method(typeof(Checks), CheckMethod(c.Rule)), [.. c.Lengths.Select(LowerExpr), L.Constant(c.What)]),
        _ => throw new JitInternalException($"lowering does not know {e.GetType().Name}"),
    };

    private static string CheckMethod(ShapeRule rule) => rule switch
    {
        ShapeRule.BroadcastInto => nameof(Checks.BroadcastInto),
        ShapeRule.SameLength => nameof(Checks.SameLength),
        _ => nameof(Checks.NonEmpty),
    };

    private Linq.LambdaExpression Device(TypedKernel target)
    {
        if (!devices.TryGetValue(target, out var lambda))
            devices[target] = lambda = new LinqLowering(target, boundsCheck, vectorize, parallel, gpu, gridStride: false, devices).Lambda();
        return lambda;
    }

    private L Element(Expr arrayNode, NodeList<Expr> indices, bool boundsChecked, SourceLoc loc)
    {
        var array = LowerExpr(arrayNode);
        var rank = arrayNode.T.Rank;
        var offsets = indices.Select((index, axis) => Offset(arrayNode, array, index, axis, boundsChecked, loc)).ToArray();
        if (!arrayNode.T.Strided)
            return L.ArrayAccess(array, offsets);
        // A view: Data[Offset + Σ index_k · Stride_k], in int (every element of a view is inside its storage).
        var position = offsets.Select((offset, axis) => (L)L.Multiply(offset, StridedCall(nameof(Strided.Stride), array, L.Constant(axis))))
            .Aggregate(StridedCall(nameof(Strided.Offset), array), L.Add);
        return L.ArrayAccess(StridedCall(nameof(Strided.Data), array), position);
    }

    /// <summary>An index as the int offset along an axis: negative ones counted from the end, checked unless proven.</summary>
    private L Offset(Expr arrayNode, L array, Expr index, int axis, bool boundsChecked, SourceLoc loc)
    {
        var local = (index as LocalRef)?.Local;
        var value = local is not null && narrowIndices.Contains(local) ? locals[local] : LowerExpr(index);
        if (!boundsChecked)
            return value.Type == typeof(int) ? value : L.Convert(value, typeof(int));
        var length = Length(array, arrayNode.T.Rank, axis);
        var nonNegative = local is not null && nonNegativeIndices.Contains(local);
        if (!boundsCheck)
            return nonNegative ? L.Convert(value, typeof(int)) : L.Call(Method(typeof(Checks), nameof(Checks.Wrap), value.Type, typeof(int)), value, length);
        var check = nonNegative ? nameof(Checks.InRange) : nameof(Checks.Index);
        return L.Call(Method(typeof(Checks), check, value.Type, typeof(int), typeof(string)), value, length,
            L.Constant($"axis {axis} of `{TreePrinter.Inline(arrayNode)}` at {loc}"));
    }

    private static L Length(L array, int rank, int axis) =>
        Strided.IsView(array.Type) ? StridedCall(nameof(Strided.Length), array, L.Constant(axis))
        : rank == 1 ? L.ArrayLength(array)
        : L.Call(array, Method(typeof(Array), nameof(Array.GetLength)), L.Constant(axis));

    private static L StridedCall(string name, L view, params L[] args) =>
        L.Call(typeof(Strided).GetMethod(name)!.MakeGenericMethod(view.Type.GetGenericArguments()[0]), [view, .. args]);

    /// <summary>A CUDA atomic on a checked element: its operands in <see cref="GpuRuntime.Atomic"/>'s order (compare last).</summary>
    private L LowerAtomic(GpuAtomic g)
    {
        var array = LowerExpr(g.Operands[0]);
        var index = Offset(g.Operands[0], array, g.Operands[1], 0, boundsChecked: true, g.Loc);
        var element = g.T.ClrType();
        var (value, compare) = g.Op == GpuAtomicOp.CompareExchange
            ? (LowerExpr(g.Operands[3]), LowerExpr(g.Operands[2]))
            : (LowerExpr(g.Operands[2]), (L)L.Default(element));
        return L.Call(typeof(GpuRuntime).GetMethod(nameof(GpuRuntime.Atomic))!.MakeGenericMethod(element), L.Constant((int)g.Op), array, index, value, compare);
    }

    /// <summary>A draw from a CUDA generator: its index checked against the number of generators (two words each).</summary>
    private L LowerUniform(GpuUniform u)
    {
        var states = LowerExpr(u.States);
        var index = L.Call(Method(typeof(Checks), nameof(Checks.Index), typeof(long), typeof(int), typeof(string)), LowerExpr(u.Index),
            L.Divide(L.ArrayLength(states), L.Constant(2)), L.Constant($"generator of `{TreePrinter.Inline(u.States)}` at {u.Loc}"));
        return L.Call(Method(typeof(GpuRuntime), nameof(GpuRuntime.Uniform)), states, index);
    }

    // Empty and Zeros both allocate zeroed memory: GC.AllocateUninitializedArray measured slower here for large
    // arrays (fresh pages to fault in, where a zeroed allocation reuses memory the GC kept).
    private L LowerAlloc(Alloc a) =>
        L.NewArrayBounds(a.Element.ClrType(), a.Shape.Select(d => (L)L.Call(Method(typeof(Checks), nameof(Checks.Dimension)), LowerExpr(d), Site(a.Loc))));

    private L LowerUnary(Unary u)
    {
        var operand = LowerExpr(u.Operand);
        return u.Op switch
        {
            UnaryOp.Negate => L.Negate(operand),
            UnaryOp.Not or UnaryOp.BitNot => L.Not(operand),
            _ => throw new JitInternalException($"unknown unary operator {u.Op}"),
        };
    }

    private L LowerBinary(Binary b)
    {
        var (left, right) = (LowerExpr(b.Left), LowerExpr(b.Right));
        var dtype = b.Left.T.DType;
        var integer = dtype.IsInteger();
        var site = Site(b.Loc);
        return b.Op switch
        {
            BinaryOp.Add => L.Add(left, right),
            BinaryOp.Subtract => L.Subtract(left, right),
            BinaryOp.Multiply => L.Multiply(left, right),
            BinaryOp.TrueDivide => L.Divide(left, right),
            BinaryOp.FloorDivide when integer => Call(nameof(KernelMath.FloorDivide), left, right, site),
            BinaryOp.FloorDivide => Call(nameof(KernelMath.FloorDivide), left, right),
            BinaryOp.Modulo when integer => Call(nameof(KernelMath.Modulo), left, right, site),
            BinaryOp.Modulo => Call(nameof(KernelMath.Modulo), left, right),
            BinaryOp.TruncatedDivide when integer => Call(nameof(KernelMath.TruncatedDivide), left, right, site),
            BinaryOp.TruncatedDivide => L.Divide(left, right),
            BinaryOp.Remainder when integer => Call(nameof(KernelMath.Remainder), left, right, site),
            BinaryOp.Remainder => L.Modulo(left, right),
            BinaryOp.Power when integer => Call(nameof(KernelMath.Power), left, right, site),
            BinaryOp.Power => L.Call(PowerMethod(dtype), left, right),
            BinaryOp.BitAnd => dtype == DType.Bool ? L.AndAlso(left, right) : L.And(left, right),
            BinaryOp.BitOr => dtype == DType.Bool ? L.OrElse(left, right) : L.Or(left, right),
            BinaryOp.BitXor => L.ExclusiveOr(left, right),
            // .NET takes the shift count modulo the width, as kernels define it; it must be an int.
            BinaryOp.ShiftLeft => L.LeftShift(left, L.Convert(right, typeof(int))),
            BinaryOp.ShiftRight => L.RightShift(left, L.Convert(right, typeof(int))),
            BinaryOp.Equal => L.Equal(left, right),
            BinaryOp.NotEqual => L.NotEqual(left, right),
            BinaryOp.Less => L.LessThan(left, right),
            BinaryOp.LessEqual => L.LessThanOrEqual(left, right),
            BinaryOp.Greater => L.GreaterThan(left, right),
            BinaryOp.GreaterEqual => L.GreaterThanOrEqual(left, right),
            _ => throw new JitInternalException($"unknown binary operator {b.Op}"),
        };
    }

    private static MethodInfo PowerMethod(DType dtype) => dtype switch
    {
        DType.Float32 => Method(typeof(MathF), nameof(MathF.Pow), typeof(float), typeof(float)),
        DType.Float64 => Method(typeof(Math), nameof(Math.Pow), typeof(double), typeof(double)),
        _ => Method(typeof(Complex), nameof(Complex.Pow), typeof(Complex), typeof(Complex)),
    };

    private L LowerMath(MathCall m)
    {
        var args = m.Args.Select(LowerExpr).ToArray();
        var dtype = m.Args[0].T.DType;
        switch (m.Function)
        {
            case MathFunction.Real when dtype == DType.Complex128:
                return L.Property(args[0], nameof(Complex.Real));
            case MathFunction.Imag when dtype == DType.Complex128:
                return L.Property(args[0], nameof(Complex.Imaginary));
            case MathFunction.Real or MathFunction.Conj when dtype != DType.Complex128:
                return args[0];
            case MathFunction.Imag:
                return L.Constant(Constants.Convert(0L, dtype), dtype.ClrType());
            case MathFunction.MakeComplex:
                return L.New(ComplexConstructor, args);
            case MathFunction.IsNaN or MathFunction.IsInf when dtype.IsIntegral():
                return L.Constant(false);
            case MathFunction.Abs when dtype == DType.Bool:
                return args[0];
            case MathFunction.Abs when dtype.IsInteger():
                return Call(nameof(KernelMath.Abs), args);
            case MathFunction.Log1p:
                return Call(nameof(KernelMath.Log1p), args);
            case MathFunction.Min or MathFunction.Max when dtype == DType.Bool:
                return m.Function == MathFunction.Min ? L.And(args[0], args[1]) : L.Or(args[0], args[1]);
            case MathFunction.Min or MathFunction.Max when dtype is DType.Float32 or DType.Float64:
                return Call(m.Function.ToString(), args);
            case MathFunction.IsNaN or MathFunction.IsInf when dtype == DType.Complex128:
                return Call(m.Function == MathFunction.IsNaN ? nameof(KernelMath.IsNaN) : nameof(KernelMath.IsInfinity), args);
        }
        var (type, name) = MathMethod(m.Function, dtype);
        return L.Call(Method(type, name, args.Select(a => a.Type).ToArray()), args);
    }

    private static (Type Type, string Name) MathMethod(MathFunction function, DType dtype)
    {
        var host = dtype switch
        {
            DType.Complex128 => typeof(Complex),
            DType.Float32 => typeof(MathF),
            _ => typeof(Math),
        };
        return function switch
        {
            MathFunction.IsNaN => (dtype == DType.Float32 ? typeof(float) : typeof(double), nameof(double.IsNaN)),
            MathFunction.IsInf => (dtype == DType.Float32 ? typeof(float) : typeof(double), nameof(double.IsInfinity)),
            MathFunction.Hypot => (dtype == DType.Float32 ? typeof(float) : typeof(double), nameof(double.Hypot)),
            MathFunction.Ceil => (host, nameof(Math.Ceiling)),
            MathFunction.Conj => (typeof(Complex), nameof(Complex.Conjugate)),
            _ => (host, function.ToString()),
        };
    }

    /// <summary>A conversion with the kernels' meaning: to bool tests for non-zero; from bool gives 0 or 1.</summary>
    private static L LowerCast(L value, DType from, DType to)
    {
        if (from == to)
            return value;
        if (to == DType.Bool)
            return L.NotEqual(value, L.Constant(Constants.Convert(0L, from), from.ClrType()));
        if (from == DType.Bool)
            return L.Condition(value, L.Constant(Constants.Convert(1L, to), to.ClrType()), L.Constant(Constants.Convert(0L, to), to.ClrType()));
        if (to == DType.Complex128)
            return L.New(ComplexConstructor, L.Convert(value, typeof(double)), L.Constant(0.0));
        return L.Convert(value, to.ClrType());
    }

    private static L Call(string name, params L[] args) =>
        L.Call(Method(typeof(KernelMath), name, args.Select(a => a.Type).ToArray()), args);

    private static L Site(SourceLoc loc) => L.Constant(loc.ToString());

    private static readonly ConstructorInfo ComplexConstructor = typeof(Complex).GetConstructor([typeof(double), typeof(double)])!;

    private static MethodInfo Method(Type type, string name, params Type[] parameterTypes) =>
        (parameterTypes.Length == 0
            ? type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance)
            : type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance, parameterTypes))
        ?? throw new JitInternalException($"no method {type.Name}.{name}({string.Join(", ", parameterTypes.Select(t => t.Name))})");
}
