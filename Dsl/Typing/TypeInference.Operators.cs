using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Typing;

/// <summary>The result type of each operator and function per operand dtype (docs/SEMANTICS.md has the table).</summary>
internal sealed partial class TypeInference
{
    private Typed TypeUnary(Unary u)
    {
        var operand = TypeExpr(u.Operand);
        var dtype = operand.Type.DType;
        switch (u.Op)
        {
            case UnaryOp.Negate:
            {
                var type = ArithmeticOf(dtype);
                return new Typed(new Unary(u.Op, ConvertTo(operand, type, u.Loc)) { Loc = u.Loc, Type = operand.Type.WithDType(type) }, operand.Weak);
            }
            case UnaryOp.Not:
                return new Typed(new Unary(u.Op, ConvertTo(operand, DType.Bool, u.Loc)) { Loc = u.Loc, Type = operand.Type.WithDType(DType.Bool) }, false);
            case UnaryOp.BitNot:
                if (dtype.IsFloat() || dtype.IsComplex())
                    throw new TypingException(ErrorCodes.OperandTypes, $"bad operand type for ~: {dtype.Name()}; ~ needs an integer or a bool", u.Loc);
                var concrete = Concrete(operand);
                return new Typed(new Unary(u.Op, concrete.Expr) { Loc = u.Loc, Type = concrete.Type.WithDType(concrete.Type.DType) }, false);
            default:
                throw new JitInternalException($"unknown unary operator {u.Op}");
        }
    }

    private Typed TypeBinary(Binary b)
    {
        var (left, right) = (TypeExpr(b.Left), TypeExpr(b.Right));
        var (common, weak) = Promotion.Promote(left.Type.DType, left.Weak, right.Type.DType, right.Weak);
        DType operand;
        switch (b.Op)
        {
            case BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Power:
                operand = ArithmeticOf(common);
                break;
            case BinaryOp.TrueDivide:
                operand = Floating(common);
                break;
            case BinaryOp.FloorDivide or BinaryOp.Modulo:
                if (common == DType.Complex128)
                    throw OperandError(b, left, right, "complex numbers have no floor division or modulo");
                operand = ArithmeticOf(common);
                break;
            case BinaryOp.TruncatedDivide or BinaryOp.Remainder:
                if (common is DType.Complex128 or DType.Bool)
                    throw OperandError(b, left, right, "needs integers or floats");
                operand = common;
                break;
            case BinaryOp.BitAnd or BinaryOp.BitOr or BinaryOp.BitXor:
                if (common.IsFloat() || common.IsComplex())
                    throw OperandError(b, left, right, "& | ^ need integers or bools (compare floats first: (x > 0) & (y > 0))");
                operand = common;
                break;
            case BinaryOp.ShiftLeft or BinaryOp.ShiftRight:
                if (!common.IsInteger())
                    throw OperandError(b, left, right, "shifts need integers");
                operand = common;
                break;
            case BinaryOp.Equal or BinaryOp.NotEqual:
                operand = common;
                break;
            case BinaryOp.Less or BinaryOp.LessEqual or BinaryOp.Greater or BinaryOp.GreaterEqual:
                if (common == DType.Complex128)
                    throw OperandError(b, left, right, "complex numbers are not ordered; compare Abs(z) or Real(z)");
                operand = ArithmeticOf(common); // False < True, as in NumPy
                break;
            default:
                throw new JitInternalException($"unknown binary operator {b.Op}");
        }
        var comparison = b.Op.IsComparison();
        var result = comparison ? DType.Bool : operand;
        var node = new Binary(b.Op, ConvertTo(left, operand, b.Loc), ConvertTo(right, operand, b.Loc)) { Loc = b.Loc, Type = Elementwise(result, left, right) };
        return new Typed(node, weak && !comparison);
    }

    private static TypingException OperandError(Binary b, Typed left, Typed right, string hint) =>
        new(ErrorCodes.OperandTypes, $"unsupported operand types for {b.Op.Symbol()}: {left.Type} and {right.Type}; {hint}", b.Loc);

    private Expr TypeMath(MathCall m)
    {
        if (m.Args.Count != m.Function.Arity())
            throw new JitInternalException($"{m.Function.Name()} called with {m.Args.Count} arguments");
        var args = m.Args.Select(TypeExpr).ToArray();
        var first = args[0].Type.DType;
        switch (m.Function)
        {
            case MathFunction.Sqrt or MathFunction.Exp or MathFunction.Log or MathFunction.Log1p or MathFunction.Sin or MathFunction.Cos
                or MathFunction.Tan or MathFunction.Asin or MathFunction.Acos or MathFunction.Atan or MathFunction.Sinh
                or MathFunction.Cosh or MathFunction.Tanh:
            {
                if (first == DType.Complex128 && m.Function == MathFunction.Log1p)
                    throw MathError(m, args, "log1p is defined for real numbers only");
                return MathNode(m, args, Floating(first), Floating(first));
            }
            case MathFunction.Abs:
                return MathNode(m, args, first, first == DType.Complex128 ? DType.Float64 : first);
            case MathFunction.Floor or MathFunction.Ceil or MathFunction.Round:
                if (first == DType.Complex128)
                    throw MathError(m, args, "complex numbers cannot be rounded");
                return MathNode(m, args, Floating(first), Floating(first));
            case MathFunction.IsNaN or MathFunction.IsInf:
                return MathNode(m, args, first, DType.Bool);
            case MathFunction.Real or MathFunction.Imag:
                return MathNode(m, args, first, first == DType.Complex128 ? DType.Float64 : first);
            case MathFunction.Conj:
                return MathNode(m, args, first, first);
            case MathFunction.Atan2 or MathFunction.Hypot or MathFunction.Min or MathFunction.Max or MathFunction.MakeComplex:
            {
                var (common, _) = Promotion.Promote(first, args[0].Weak, args[1].Type.DType, args[1].Weak);
                if (common == DType.Complex128)
                    throw MathError(m, args, "it needs real arguments");
                if (m.Function is MathFunction.Min or MathFunction.Max)
                    return MathNode(m, args, common, common);
                if (m.Function == MathFunction.MakeComplex)
                    return MathNode(m, args, DType.Float64, DType.Complex128);
                return MathNode(m, args, Floating(common), Floating(common));
            }
            default:
                throw new JitInternalException($"unknown math function {m.Function}");
        }
    }

    // Integers and bools compute in float64; float32 stays float32; complex stays complex.
    private static DType Floating(DType d) => d.IsIntegral() ? DType.Float64 : d;

    /// <summary>Arithmetic on bools is on int64, as NumPy's on Python ints.</summary>
    private static DType ArithmeticOf(DType d) => d == DType.Bool ? DType.Int64 : d;

    private static MathCall MathNode(MathCall m, Typed[] args, DType argument, DType result) =>
        new(m.Function, args.Select(a => ConvertTo(a, argument, m.Loc)).ToArray()) { Loc = m.Loc, Type = Elementwise(result, args) };

    /// <summary>
    /// The type of an operation on these operands: a scalar, or, when any operand is an array, an array of the
    /// largest rank among them (NumPy broadcasting; whether the shapes agree is checked when the kernel runs).
    /// </summary>
    private static JitType Elementwise(DType result, params Typed[] operands)
    {
        var rank = operands.Max(o => o.Type.Rank);
        return rank == 0 ? JitType.Scalar(result) : JitType.Array(result, rank);
    }

    private static TypingException MathError(MathCall m, Typed[] args, string hint) =>
        new(ErrorCodes.OperandTypes, $"{m.Function.Name()}({string.Join(", ", args.Select(a => a.Type))}) is not supported: {hint}", m.Loc);
}
