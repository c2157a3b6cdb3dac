using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Typing;

/// <summary>
/// Types a kernel for one signature, as Numba does: every variable gets the unification of every value
/// assigned to it (an int64 variable later given a float64 becomes float64), so typing repeats until no
/// variable's type changes. The result has every expression typed and every conversion explicit, so the
/// stages after it never reason about types again.
/// </summary>
internal sealed partial class TypeInference
{
    private readonly KernelTree kernel;
    private readonly Signature signature;
    private readonly TypingContext context;
    private readonly Dictionary<Local, JitType> localTypes = [];
    private readonly HashSet<Local> noValueTemporaries = [];
    // Temporaries that hold a value made only of literals stay weak, as the literals would be inline.
    private readonly HashSet<Local> weakTemporaries = [];
    private JitType? returnType;
    private SourceLoc returnTypeLoc;
    private bool returnsNothing;
    private bool changed;

    private TypeInference(KernelTree kernel, Signature signature, TypingContext context)
    {
        this.kernel = kernel;
        this.signature = signature;
        this.context = context;
    }

    /// <summary>A typed expression; <see cref="Weak"/> marks a value that came only from C# literals.</summary>
    private readonly record struct Typed(Expr Expr, bool Weak)
    {
        public JitType Type => Expr.T;
    }

    public static TypedKernel Run(KernelTree kernel, Signature signature, TypingContext context)
    {
        try
        {
            var inference = new TypeInference(kernel, signature, context);
            const int MaxPasses = 16; // each pass that changes something widens a type; the lattice is shallow
            for (var pass = 0; ; pass++)
            {
                inference.changed = false;
                var body = inference.TypeBlock(kernel.Body);
                if (!inference.changed)
                    return inference.Finish(body);
                if (pass == MaxPasses)
                    throw new JitInternalException($"type inference of `{kernel.Name}` did not converge");
            }
        }
        catch (TypingException e)
        {
            e.AddContext($"typing kernel `{kernel.Name}` for {signature}");
            throw;
        }
    }

    private TypedKernel Finish(Block body)
    {
        if (returnType is not null && (returnsNothing || body.Statements.LastOrDefault() is not Return))
            throw new TypingException(ErrorCodes.ReturnMismatch,
                $"kernel `{kernel.Name}` returns a {returnType} on some paths and nothing on others", returnTypeLoc);
        return new TypedKernel(kernel, signature, returnType, body, localTypes);
    }

    // ---- Statements

    private Block TypeBlock(Block block) => new(block.Statements.Select(TypeStatement).ToArray());

    private Stmt TypeStatement(Stmt statement)
    {
        switch (statement)
        {
            case Declare { Init: KernelCall call } d:
            {
                var typedCall = TypeCall(call);
                if (typedCall.Target!.ReturnType is null)
                {
                    noValueTemporaries.Add(d.Local);
                    return new Evaluate(typedCall) { Loc = d.Loc };
                }
                return DeclareLocal(d, new Typed(typedCall, false));
            }
            case Declare d:
                return DeclareLocal(d, TypeExpr(d.Init));
            case Assign a:
            {
                var value = Concrete(TypeExpr(a.Value));
                var type = UnifyLocal(a.Local, value.Type, a.Loc);
                return new Assign(a.Local, ConvertTo(value, type.DType, a.Loc)) { Loc = a.Loc };
            }
            case Store s:
            {
                var array = RequireArray(TypeExpr(s.Array), "store into", s.Loc);
                var indices = TypeIndices(array, s.Indices, s.Loc);
                var value = RequireScalar(Concrete(TypeExpr(s.Value)), "stored into an array element", s.Loc);
                if (value.Type.DType == DType.Complex128 && array.T.DType != DType.Complex128)
                    throw new TypingException(ErrorCodes.InvalidCast,
                        $"cannot store a complex128 into a {array.T} array; store Real(z) or Abs(z)", s.Loc);
                return new Store(array, indices, ConvertTo(value, array.T.DType, s.Loc)) { Loc = s.Loc };
            }
            case Fill f:
            {
                var array = RequireArray(TypeExpr(f.Array), "assign to all elements of", f.Loc);
                var value = Concrete(TypeExpr(f.Value));
                if (value.Type.Rank > array.T.Rank)
                    throw new TypingException(ErrorCodes.OperandTypes,
                        $"cannot assign a {value.Type} value to all elements of a {array.T} array: it has more dimensions", f.Loc);
                var (from, to) = (value.Type.DType, array.T.DType);
                if ((from == DType.Complex128 && to != DType.Complex128) || (f.SameKind && from.Kind() > to.Kind()))
                    throw new TypingException(f.SameKind ? ErrorCodes.OutputType : ErrorCodes.InvalidCast,
                        $"cannot write {from.Name()} values into a {array.T} array{(f.SameKind ? " (only values of the same kind or a lower one: bool, integer, float, complex)" : "; convert them first")}", f.Loc);
                return new Fill(array, ConvertTo(value, to, f.Loc)) { Loc = f.Loc, SameKind = f.SameKind };
            }
            case If i:
                return new If(Condition(TypeExpr(i.Condition), i.Loc), TypeBlock(i.Then), TypeBlock(i.Else)) { Loc = i.Loc };
            case For f:
            {
                localTypes[f.Index] = JitType.Scalar(DType.Int64);
                var step = TypeInteger(f.Step, "step of a range", f.Loc);
                if (step is Const { Value: 0L })
                    throw new TypingException(ErrorCodes.ZeroStep, "a For loop's step must not be zero", f.Loc);
                var loop = new For(f.Index, TypeInteger(f.Start, "start of a range", f.Loc), TypeInteger(f.Stop, "stop of a range", f.Loc), step, TypeBlock(f.Body))
                    { Loc = f.Loc, Parallel = f.Parallel };
                // Checked whether or not the kernel is compiled parallel: a PRange means the same everywhere.
                return f.Parallel ? loop with { Reductions = ParallelSafety.Reductions(loop, localTypes) } : loop;
            }
            case While w:
            {
                var prelude = TypeBlock(w.Prelude);
                return new While(prelude, Condition(TypeExpr(w.Condition), w.Loc), TypeBlock(w.Body)) { Loc = w.Loc };
            }
            case Return { Value: null } r:
                returnsNothing = true;
                if (returnType is not null)
                    throw new TypingException(ErrorCodes.ReturnMismatch,
                        $"kernel `{kernel.Name}` returns nothing here but a {returnType} elsewhere", r.Loc);
                return r;
            case Return { Value: { } v } r:
            {
                var value = Concrete(TypeExpr(v));
                // A kernel's arrays are .NET arrays: a view it was given is returned as a copy in C order.
                var valueType = value.Type.Strided ? JitType.Array(value.Type.DType, value.Type.Rank) : value.Type;
                var type = returnType is null ? valueType : Unify(returnType, valueType, "the kernel's result", r.Loc);
                if (type != returnType)
                {
                    if (returnsNothing)
                        throw new TypingException(ErrorCodes.ReturnMismatch,
                            $"kernel `{kernel.Name}` returns a {type} here but nothing elsewhere", r.Loc);
                    (returnType, returnTypeLoc, changed) = (type, r.Loc, true);
                }
                return new Return(type.IsArray ? value.Expr : ConvertTo(value, type.DType, r.Loc)) { Loc = r.Loc };
            }
            case Evaluate e:
                return new Evaluate(TypeExpr(e.Value).Expr) { Loc = e.Loc };
            case SeedRandom s:
                return new SeedRandom(TypeInteger(s.Seed, "seed", s.Loc)) { Loc = s.Loc };
            case Break or Continue:
                return statement;
            default:
                throw new JitInternalException($"type inference does not know {statement.GetType().Name}");
        }
    }

    private Stmt DeclareLocal(Declare d, Typed init)
    {
        if (d.Local.Kind == LocalKind.Temporary && init.Weak)
            weakTemporaries.Add(d.Local);
        var value = Concrete(init);
        if (d.Local.Kind == LocalKind.Variable)
            RequireScalar(value, $"the value of Var `{d.Local.Name}` (a Var holds a scalar; keep arrays in C# locals)", d.Loc);
        var type = UnifyLocal(d.Local, value.Type, d.Loc);
        return new Declare(d.Local, type.IsArray ? value.Expr : ConvertTo(value, type.DType, d.Loc)) { Loc = d.Loc };
    }

    private JitType UnifyLocal(Local local, JitType type, SourceLoc loc)
    {
        if (!localTypes.TryGetValue(local, out var current))
        {
            localTypes[local] = type;
            return type;
        }
        var unified = Unify(current, type, $"`{local.Name}`", loc);
        if (unified != current)
        {
            localTypes[local] = unified;
            changed = true;
        }
        return unified;
    }

    private static JitType Unify(JitType a, JitType b, string what, SourceLoc loc)
    {
        if (a == b)
            return a;
        if (a.IsArray || b.IsArray)
            throw new TypingException(ErrorCodes.CannotUnify, $"{what} is given both a {a} and a {b}", loc);
        return JitType.Scalar(Promotion.Promote(a.DType, b.DType));
    }

    private Expr TypeInteger(Expr e, string what, SourceLoc loc) => Integer(TypeExpr(e), $"the {what}", loc);

    private Expr Condition(Typed condition, SourceLoc loc) =>
        ConvertTo(RequireScalar(condition, "a condition", loc), DType.Bool, loc);
}
