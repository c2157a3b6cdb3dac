namespace JitDsl.Dsl.Tree;

/// <summary>Operators with one operand. Their meaning per dtype is in docs/SEMANTICS.md.</summary>
internal enum UnaryOp
{
    Negate,
    /// <summary>Logical not: bool to bool (a number is true when it is not zero).</summary>
    Not,
    /// <summary>Bitwise complement of an integer; logical not of a bool, as NumPy's <c>~</c>.</summary>
    BitNot,
}

/// <summary>Operators with two operands. Their meaning per dtype is in docs/SEMANTICS.md.</summary>
internal enum BinaryOp
{
    Add,
    Subtract,
    Multiply,
    /// <summary>Python's <c>/</c>: integers divide to float64.</summary>
    TrueDivide,
    /// <summary>Python's <c>//</c>: rounds toward negative infinity.</summary>
    FloorDivide,
    /// <summary>Python's <c>%</c>: the result takes the sign of the divisor.</summary>
    Modulo,
    /// <summary>C#'s <c>/</c> on integers (rounds toward zero); only imported C# expressions make it.</summary>
    TruncatedDivide,
    /// <summary>C#'s <c>%</c> (the sign of the dividend); only imported C# expressions make it.</summary>
    Remainder,
    Power,
    BitAnd,
    BitOr,
    BitXor,
    ShiftLeft,
    ShiftRight,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
}

/// <summary>Math functions and the complex-number builtins.</summary>
internal enum MathFunction
{
    Sqrt, Exp, Log, Log1p, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Tanh,
    Abs, Floor, Ceil, Round, IsNaN, IsInf,
    Atan2, Hypot, Min, Max,
    Real, Imag, Conj,
    /// <summary><c>complex(re, im)</c>.</summary>
    MakeComplex,
}

/// <summary>Reductions of a whole array to one value, as NumPy's functions of the same name without an axis.</summary>
internal enum ReduceOp
{
    Sum, Prod, Min, Max, Mean, ArgMin, ArgMax,
    /// <summary>The inner product of two 1-D arrays of the same length.</summary>
    Dot,
    Any, All,
    /// <summary>A ufunc's reduce: its scalar kernel folded over the elements in order (from an initial value, its second operand, when given).</summary>
    Fold,
    /// <summary>A ufunc's accumulate: the fold's running values along an axis, an array of the operand's shape.</summary>
    Accumulate,
}

internal static class OperatorFacts
{
    public static bool IsComparison(this BinaryOp op) => op is >= BinaryOp.Equal and <= BinaryOp.GreaterEqual;

    public static int Arity(this MathFunction f) => f switch
    {
        MathFunction.Atan2 or MathFunction.Hypot or MathFunction.Min or MathFunction.Max or MathFunction.MakeComplex => 2,
        _ => 1,
    };

    /// <summary>The symbol used by the tree printers.</summary>
    public static string Symbol(this BinaryOp op) => op switch
    {
        BinaryOp.Add => "+",
        BinaryOp.Subtract => "-",
        BinaryOp.Multiply => "*",
        BinaryOp.TrueDivide => "/",
        BinaryOp.FloorDivide => "//",
        BinaryOp.Modulo => "%",
        BinaryOp.TruncatedDivide => "/.",
        BinaryOp.Remainder => "%.",
        BinaryOp.Power => "**",
        BinaryOp.BitAnd => "&",
        BinaryOp.BitOr => "|",
        BinaryOp.BitXor => "^",
        BinaryOp.ShiftLeft => "<<",
        BinaryOp.ShiftRight => ">>",
        BinaryOp.Equal => "==",
        BinaryOp.NotEqual => "!=",
        BinaryOp.Less => "<",
        BinaryOp.LessEqual => "<=",
        BinaryOp.Greater => ">",
        BinaryOp.GreaterEqual => ">=",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static string Symbol(this UnaryOp op) => op switch
    {
        UnaryOp.Negate => "-",
        UnaryOp.Not => "not ",
        UnaryOp.BitNot => "~",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public static string Name(this MathFunction f) => f == MathFunction.MakeComplex ? "complex" : f.ToString().ToLowerInvariant();

    public static string Name(this ReduceOp op) => op.ToString().ToLowerInvariant();
}
