using System.Runtime.CompilerServices;
using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Typing;

internal sealed partial class TypeInference
{
    private Typed TypeExpr(Expr e)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (e)
        {
            case Const c:
                return new Typed(c with { Type = JitType.Scalar(c.DType) }, c.Weak);
            case ParamRef p:
                return new Typed(p with { Type = signature.Parameters[p.Index] }, false);
            case LocalRef r:
                if (noValueTemporaries.Contains(r.Local))
                    throw new TypingException(ErrorCodes.NoValue, $"`{r.Local.Name}` is the result of a kernel that returns nothing", r.Loc);
                if (!localTypes.TryGetValue(r.Local, out var localType))
                    throw new JitInternalException($"`{r.Local.Name}` is used before it is declared");
                return new Typed(r with { Type = localType }, weakTemporaries.Contains(r.Local));
            case Unary u:
                return TypeUnary(u);
            case Binary b:
                return TypeBinary(b);
            case MathCall m:
                return new Typed(TypeMath(m), false);
            case Cast c:
            {
                var operand = TypeExpr(c.Operand);
                if (c.SameKind && operand.Type.DType.Kind() > c.To.Kind())
                    throw new TypingException(ErrorCodes.OutputType,
                        $"cannot cast {TreePrinter.Inline(c.Operand)} from {operand.Type.DType.Name()} to {c.To.Name()} with casting rule 'same_kind'", c.Loc);
                if (operand.Type.DType == DType.Complex128 && c.To != DType.Complex128 && c.To != DType.Bool)
                    throw new TypingException(ErrorCodes.InvalidCast,
                        $"cannot cast complex128 to {c.To.Name()}: that would drop the imaginary part; use Real(z) or Abs(z)", c.Loc);
                return new Typed(ConvertTo(operand, c.To, c.Loc), false);
            }
            case Select s:
            {
                // With an array anywhere, np.where: elementwise, broadcasting all three.
                var test = TypeExpr(s.Condition);
                var condition = ConvertTo(test, DType.Bool, s.Loc);
                var (ifTrue, ifFalse) = (TypeExpr(s.IfTrue), TypeExpr(s.IfFalse));
                var (common, weak) = Promotion.Promote(ifTrue.Type.DType, ifTrue.Weak, ifFalse.Type.DType, ifFalse.Weak);
                return new Typed(new Select(condition, ConvertTo(ifTrue, common, s.Loc), ConvertTo(ifFalse, common, s.Loc))
                {
                    Loc = s.Loc,
                    Type = Elementwise(common, test, ifTrue, ifFalse),
                }, weak && !test.Type.IsArray);
            }
            case ArrayShape s:
            {
                var array = RequireArray(TypeExpr(s.Array), "Shape of", s.Loc);
                if (s.Axis >= array.T.Rank)
                    throw new TypingException(ErrorCodes.IndexCount, $"axis {s.Axis} does not exist in a {array.T.Rank}-D array", s.Loc);
                return new Typed(new ArrayShape(array, s.Axis) { Loc = s.Loc, Type = JitType.Scalar(DType.Int64) }, false);
            }
            case ArraySize s:
                return new Typed(new ArraySize(RequireArray(TypeExpr(s.Array), "Length of", s.Loc)) { Loc = s.Loc, Type = JitType.Scalar(DType.Int64) }, false);
            case Load l:
            {
                var array = RequireArray(TypeExpr(l.Array), "index", l.Loc);
                return new Typed(new Load(array, TypeIndices(array, l.Indices, l.Loc)) { Loc = l.Loc, Type = array.T.Element }, false);
            }
            case KernelCall k:
                return new Typed(TypeCall(k), false);
            case MapCall m:
                return new Typed(TypeMapCall(m), false);
            case GpuIntrinsic g:
                return new Typed(g with { Type = JitType.Scalar(DType.Int64) }, false);
            case RandomUniform r:
                return new Typed(r with { Type = JitType.Scalar(DType.Float64) }, false);
            case Alloc a:
            {
                var shape = a.Shape.Select(d => TypeInteger(d, "dimension of an array", a.Loc));
                if (a.Shared && shape is not [Const { Value: long and > 0 }])
                    throw new TypingException(ErrorCodes.GpuOnly, "a shared array has one dimension, a positive literal length, known when the kernel compiles", a.Loc);
                return new Typed(new Alloc(a.Element, shape, a.Zeroed) { Loc = a.Loc, Type = JitType.Array(a.Element, shape.Count), Shared = a.Shared }, false);
            }
            case GpuAtomic g:
                return new Typed(TypeAtomic(g), false);
            case GpuUniform u:
            {
                var states = RequireArray(TypeExpr(u.States), "random draws from", u.Loc);
                if (states.T.Rank != 1 || states.T.DType != DType.Int64)
                    throw new TypingException(ErrorCodes.GpuOnly, $"random states are a 1-D int64 array (Cuda.RandomStates), not a {states.T} array", u.Loc);
                var index = TypeInteger(u.Index, "index of a random generator", u.Loc);
                return new Typed(new GpuUniform(states, index) { Loc = u.Loc, Type = JitType.Scalar(DType.Float64) }, false);
            }
            case Reduction r:
                return new Typed(TypeReduction(r), false);
            case AllocLike a:
            {
                var source = RequireArray(TypeExpr(a.Source), "EmptyLike of", a.Loc);
                var shape = Enumerable.Range(0, source.T.Rank)
                    .Select(axis => (Expr)new ArrayShape(source, axis) { Loc = a.Loc, Type = JitType.Scalar(DType.Int64) })
                    .ToArray();
                return new Typed(new Alloc(source.T.DType, shape, a.Zeroed) { Loc = a.Loc, Type = JitType.Array(source.T.DType, source.T.Rank) }, false);
            }
            default:
                throw new JitInternalException($"type inference does not know {e.GetType().Name}");
        }
    }

    /// <summary>The dtype of each reduction, as NumPy's: sums of bools and small integers in int64, Mean in floating point.</summary>
    private Reduction TypeReduction(Reduction r)
    {
        if (r.Ufunc is not null)
            return TypeFold(r);
        var operands = r.Operands.Select(o => RequireArray(TypeExpr(o), $"{r.Op.Name()} of", r.Loc));
        var dtype = operands[0].T.DType;
        if (r.Op == ReduceOp.Dot)
        {
            if (operands.Any(o => o.T.Rank != 1))
                throw new TypingException(ErrorCodes.OperandTypes,
                    $"dot({string.Join(", ", operands.Select(o => o.T))}) is not supported: Dot takes two 1-D arrays (the product of matrices is not built yet)", r.Loc);
            var product = ArithmeticOf(Promotion.Promote(dtype, operands[1].T.DType));
            operands = operands.Select(o => ConvertTo(new Typed(o, false), product, r.Loc));
            return new Reduction(r.Op, operands) { Loc = r.Loc, Type = JitType.Scalar(product) };
        }
        if (dtype == DType.Complex128 && r.Op is ReduceOp.Min or ReduceOp.Max or ReduceOp.ArgMin or ReduceOp.ArgMax)
            throw new TypingException(ErrorCodes.OperandTypes, $"{r.Op.Name()} of a {operands[0].T} array: complex numbers are not ordered", r.Loc);
        var result = r.Op switch
        {
            ReduceOp.Sum or ReduceOp.Prod => dtype is DType.Bool or DType.Int32 ? DType.Int64 : dtype,
            ReduceOp.Mean => Floating(dtype),
            ReduceOp.ArgMin or ReduceOp.ArgMax => DType.Int64,
            ReduceOp.Any or ReduceOp.All => DType.Bool,
            _ => dtype,
        };
        var rank = operands[0].T.Rank;
        if (r.Axis is not { } requested)
            return new Reduction(r.Op, operands) { Loc = r.Loc, Type = JitType.Scalar(result) };
        var axis = requested < 0 ? requested + rank : requested;
        if (axis < 0 || axis >= rank)
            throw new TypingException(ErrorCodes.IndexCount, $"axis {requested} does not exist in `{TreePrinter.Inline(operands[0])}`, a {operands[0].T} array", r.Loc);
        if (rank == 1 && !r.KeepDims)
            return new Reduction(r.Op, operands) { Loc = r.Loc, Type = JitType.Scalar(result) };
        return new Reduction(r.Op, operands)
        {
            Loc = r.Loc,
            Axis = axis,
            KeepDims = r.KeepDims,
            Type = JitType.Array(result, r.KeepDims ? rank : rank - 1),
        };
    }

    /// <summary>
    /// A ufunc's reduce or accumulate: the scalar kernel typed for two elements (or the first signature they cast
    /// to), its result the accumulator's dtype, the ufunc's typed call kept in <see cref="Reduction.Ufunc"/> with
    /// the accumulator and an element as its arguments' types.
    /// </summary>
    private Reduction TypeFold(Reduction r)
    {
        var array = RequireArray(TypeExpr(r.Operands[0]), $"{r.Op.Name()} of", r.Loc);
        // Only the types of the call's arguments matter here: two elements stand for the accumulator and an element.
        var dtype = array.T.DType;
        var element = new Typed(new Const(Constants.Convert(0L, dtype), dtype, Weak: false) { Type = array.T.Element }, false);
        var call = TypeMapCall(r.Ufunc!, [element, element]);
        var accumulator = call.T.DType;
        if (call.Target!.Signature.Parameters[0].DType != accumulator && !Promotion.CanCastSafely(accumulator, call.Target.Signature.Parameters[0].DType))
            throw new TypingException(ErrorCodes.OperandTypes,
                $"ufunc `{call.Callee.Name}` returns {accumulator.Name()} for {call.Target.Signature}: it cannot fold its own results", r.Loc);
        Expr[] operands;
        if (r.Operands.Count == 2)
        {
            var initial = RequireScalar(Concrete(TypeExpr(r.Operands[1])), "the initial value of a reduce", r.Loc);
            if (initial.Type.DType == DType.Complex128 && accumulator != DType.Complex128)
                throw new TypingException(ErrorCodes.InvalidCast, $"a complex128 initial value cannot start a {accumulator.Name()} reduce", r.Loc);
            operands = [array, ConvertTo(initial, accumulator, r.Loc)];
        }
        else
        {
            // Without an initial value the first element starts the fold: it must fit the accumulator.
            if (!Promotion.CanCastSafely(dtype, accumulator) && !(dtype == accumulator))
                throw new TypingException(ErrorCodes.InvalidCast,
                    $"ufunc `{call.Callee.Name}` folds {dtype.Name()} elements into {accumulator.Name()}: the first element cannot start it; give an initial value", r.Loc);
            operands = [array];
        }
        var rank = array.T.Rank;
        var axis = r.Axis is { } requested ? (requested < 0 ? requested + rank : requested) : (int?)null;
        if (axis is < 0 || axis >= rank)
            throw new TypingException(ErrorCodes.IndexCount, $"axis {r.Axis} does not exist in `{TreePrinter.Inline(array)}`, a {array.T} array", r.Loc);
        var type = r.Op == ReduceOp.Accumulate ? JitType.Array(accumulator, rank)
            : axis is null || (rank == 1 && !r.KeepDims) ? JitType.Scalar(accumulator)
            : JitType.Array(accumulator, r.KeepDims ? rank : rank - 1);
        return new Reduction(r.Op, operands)
        {
            Loc = r.Loc,
            Axis = type.IsArray ? axis : null,
            KeepDims = r.KeepDims,
            Ufunc = call,
            ChunkIdentity = r.ChunkIdentity is null || r.Op != ReduceOp.Fold ? null : ChunkIdentity(r.ChunkIdentity, accumulator, r.Loc),
            Type = type,
        };
    }

    /// <summary>An atomic operation: a 1-D array of int32, int64, float32 or float64, an integer index, values of its dtype.</summary>
    private GpuAtomic TypeAtomic(GpuAtomic g)
    {
        var array = RequireArray(TypeExpr(g.Operands[0]), $"atomic {g.Op} on", g.Loc);
        if (array.T.Rank != 1 || array.T.DType is not (DType.Int32 or DType.Int64 or DType.Float32 or DType.Float64))
            throw new TypingException(ErrorCodes.GpuOnly, $"atomic {g.Op} works on 1-D arrays of int32, int64, float32 or float64, not on a {array.T} array", g.Loc);
        var index = TypeInteger(g.Operands[1], "index of an atomic operation", g.Loc);
        var values = g.Operands.Skip(2).Select(v => ConvertTo(RequireScalar(Concrete(TypeExpr(v)), $"a value of atomic {g.Op}", g.Loc), array.T.DType, g.Loc));
        return new GpuAtomic(g.Op, [array, index, .. values]) { Loc = g.Loc, Type = array.T.Element };
    }

    /// <summary>An associative ufunc's identity in its accumulator's dtype (a complex one cannot start a real fold).</summary>
    private Expr ChunkIdentity(Expr identity, DType accumulator, SourceLoc loc)
    {
        var typed = Concrete(TypeExpr(identity));
        if (typed.Type.DType == DType.Complex128 && accumulator != DType.Complex128)
            throw new TypingException(ErrorCodes.InvalidCast, $"a complex128 identity cannot start a {accumulator.Name()} reduce", loc);
        return ConvertTo(typed, accumulator, loc);
    }

    /// <summary>
    /// A ufunc's call: the callee typed for the arguments' element types (or the first declared signature they
    /// cast to safely, the arguments converted to it), the result an array of its result dtype when any argument is one.
    /// </summary>
    private MapCall TypeMapCall(MapCall call) => TypeMapCall(call, call.Args.Select(a => Concrete(TypeExpr(a))).ToArray());

    private MapCall TypeMapCall(MapCall call, Typed[] args)
    {
        var parameters = call.Callee.Parameters;
        if (args.Length != parameters.Count)
            throw new TypingException(ErrorCodes.CallArity,
                $"ufunc `{call.Callee.Name}` takes {parameters.Count} argument(s) but is given {args.Length}", call.Loc);
        var elements = args.Select(a => a.Type.DType).ToArray();
        // Without declared signatures, a parameter typed by its C# lambda (double x) is one: the argument casts to it safely.
        var declared = call.Signatures
            ?? [new DeclaredSignature(null, new Signature(parameters.Select((p, k) => JitType.Scalar(p.PinnedDType ?? elements[k])).ToArray()))];
        var match = declared.FirstOrDefault(s => s.Arguments.Parameters.Select(p => p.DType).Zip(elements).All(p => Promotion.CanCastSafely(p.Second, p.First)))
            ?? throw new TypingException(ErrorCodes.NoMatchingSignature,
                $"ufunc `{call.Callee.Name}` has no signature for ({string.Join(", ", elements.Select(d => d.Name()))}); "
                + $"it takes {string.Join(", ", declared.Select(s => s.Result is null ? s.Arguments.ToString() : s.ToString()))} (arguments cast to them only safely)", call.Loc);
        var chosen = match.Arguments.Parameters.Select(p => p.DType).ToArray();
        var converted = args.Select((a, k) => ConvertTo(a, chosen[k], call.Loc)).ToArray();
        var signature = new Signature(chosen.Select(JitType.Scalar).ToArray());
        for (var k = 0; k < parameters.Count; k++)
        {
            if (!parameters[k].Accepts(signature.Parameters[k]))
                throw new TypingException(ErrorCodes.ParameterMismatch,
                    $"parameter `{parameters[k].Name}` of ufunc `{call.Callee.Name}` accepts {parameters[k].Describe()}, not {signature.Parameters[k]}", call.Loc);
        }
        var callee = context.Type(call.Callee, signature);
        if (callee.ReturnType is not { IsArray: false } result)
            throw new TypingException(ErrorCodes.OperandTypes,
                $"ufunc `{call.Callee.Name}` must return a scalar for each element, not {callee.ReturnType?.ToString() ?? "nothing"}", call.Loc);
        // A declared result converts what the function returns (fusion casts each element), as Numba does.
        var resultType = match.Result?.DType ?? result.DType;
        if (result.DType == DType.Complex128 && resultType != DType.Complex128)
            throw new TypingException(ErrorCodes.InvalidCast,
                $"ufunc `{call.Callee.Name}` returns complex128 for {signature}, which its signature {match} would drop the imaginary part of", call.Loc);
        return new MapCall(call.Callee, converted)
        {
            Loc = call.Loc,
            Signatures = call.Signatures,
            Target = callee,
            Type = Elementwise(resultType, [.. converted.Select(c => new Typed(c, false))]),
        };
    }

    private KernelCall TypeCall(KernelCall call)
    {
        var args = call.Args.Select(a => Concrete(TypeExpr(a)).Expr);
        var parameters = call.Callee.Parameters;
        if (args.Count != parameters.Count)
            throw new TypingException(ErrorCodes.CallArity,
                $"kernel `{call.Callee.Name}` takes {parameters.Count} argument(s) ({string.Join(", ", parameters.Select(p => p.Name))}) but is given {args.Count}", call.Loc);
        for (var k = 0; k < args.Count; k++)
        {
            if (!parameters[k].Accepts(args[k].T))
                throw new TypingException(ErrorCodes.ParameterMismatch,
                    $"parameter `{parameters[k].Name}` of kernel `{call.Callee.Name}` accepts {parameters[k].Describe()}, not {args[k].T}", call.Loc);
        }
        var callee = context.Type(call.Callee, new Signature(args.Select(a => a.T)));
        return new KernelCall(call.Callee, args) { Loc = call.Loc, Type = callee.ReturnType, Target = callee };
    }

    private NodeList<Expr> TypeIndices(Expr array, NodeList<Expr> indices, SourceLoc loc)
    {
        if (indices.Count != array.T.Rank)
            throw new TypingException(ErrorCodes.IndexCount,
                $"`{TreePrinter.Inline(array)}` is a {array.T} array: index it with {array.T.Rank} index(es), not {indices.Count}", loc);
        return indices.Select(index => Integer(TypeExpr(index), "an array index", loc));
    }

    /// <summary>An index, a range bound or a dimension: any integer, converted to int64.</summary>
    private static Expr Integer(Typed value, string what, SourceLoc loc)
    {
        if (value.Type.IsArray || !value.Type.DType.IsInteger())
        {
            var hint = value.Expr is Binary { Op: BinaryOp.TrueDivide } ? "; `/` divides to a float, FloorDiv(a, b) divides integers" : "";
            throw new TypingException(ErrorCodes.NotAnInteger, $"{what} must be an integer, not {value.Type}{hint}", loc);
        }
        return ConvertTo(value, DType.Int64, loc);
    }



    // ---- Helpers shared by statements and expressions

    /// <summary>Gives a weak literal its own type, for places where nothing else decides it.</summary>
    private static Typed Concrete(Typed value) => value with { Weak = false };

    /// <summary>The expression converted to <paramref name="to"/>: literals are folded, anything else gets a <see cref="Cast"/>.</summary>
    private static Expr ConvertTo(Typed value, DType to, SourceLoc loc)
    {
        var e = value.Expr;
        if (e.T.DType == to)
            return e;
        if (e is Const c)
            return new Const(Constants.Convert(c.Value, to), to, Weak: false) { Loc = c.Loc, Type = JitType.Scalar(to) };
        return new Cast(to, e) { Loc = e.Loc.IsKnown ? e.Loc : loc, Type = e.T.WithDType(to) };
    }

    private static Expr RequireArray(Typed value, string what, SourceLoc loc)
    {
        if (!value.Type.IsArray)
            throw new TypingException(ErrorCodes.NotAnArray, $"cannot {what} `{TreePrinter.Inline(value.Expr)}`: it is a {value.Type}, not an array", loc);
        return value.Expr;
    }

    private static Typed RequireScalar(Typed value, string what, SourceLoc loc)
    {
        if (value.Type.IsArray)
            throw new TypingException(ErrorCodes.ScalarRequired,
                $"{what} must be a scalar, not a {value.Type} array; index it (a[i]) or reduce it (Sum(a), Max(a) …)", loc);
        return value;
    }
}
