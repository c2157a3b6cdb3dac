using System.Numerics;
using JitDsl.Backends.Dispatch;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;

namespace JitDsl.Tests.Fuzzing;

/// <summary>
/// The test oracle: a tree walker over a kernel's typed tree (after type inference, before fusion and lowering),
/// written from docs/SEMANTICS.md and NumPy's definitions alone — it calls nothing of the lowering's runtime, so a
/// backend that agrees with it agrees with the documented meaning, not with shared code. Slow and plain on purpose:
/// values are boxed (bool, int, long, float, double, Complex for the six dtypes), every operation is spelled out.
/// float32 arithmetic is done in double and rounded once: for + − × ÷ and √ that is exactly float32's result
/// (double has more than 2·24 + 2 bits); float32 math functions are MathF's, as the semantics say.
/// Statements and expressions that random kernels do not use (array expressions, allocation, ufunc maps, random
/// numbers, GPU intrinsics) are refused with NotSupportedException rather than guessed.
/// </summary>
internal sealed class ReferenceInterpreter
{
    private readonly Dictionary<Local, object> locals = [];
    private readonly object?[] parameters;

    private ReferenceInterpreter(object?[] parameters) => this.parameters = parameters;

    /// <summary>What <paramref name="kernel"/> returns for <paramref name="args"/> (null when it returns nothing); arrays are written in place.</summary>
    public static object? Run(Kernel kernel, params object?[] args)
    {
        var typed = TypeInference.Specialize(kernel.Tree, Arguments.TypesOf(kernel.Tree, args), null);
        return Run(typed, args);
    }

    private static object? Run(TypedKernel typed, object?[] args)
    {
        var interpreter = new ReferenceInterpreter(args);
        var exit = interpreter.Execute(typed.Body);
        return exit is Exit.Returned returned && typed.ReturnType is { } type ? Convert(returned.Value!, type.DType) : null;
    }

    /// <summary>How a block ended.</summary>
    private abstract record Exit
    {
        public sealed record Returned(object? Value) : Exit;

        public sealed record Broke : Exit;

        public sealed record Continued : Exit;
    }

    private Exit? Execute(Block block)
    {
        foreach (var statement in block.Statements)
        {
            if (Execute(statement) is { } exit)
                return exit;
        }
        return null;
    }

    private Exit? Execute(Stmt statement)
    {
        switch (statement)
        {
            case Declare d:
                locals[d.Local] = Evaluate(d.Init);
                return null;
            case Assign a:
                locals[a.Local] = Evaluate(a.Value);
                return null;
            case Store s:
            {
                var array = (Array)Evaluate(s.Array);
                var indices = Indices(array, s.Indices);
                var value = Evaluate(s.Value);
                array.SetValue(Convert(value, DTypeOf(array)), indices);
                return null;
            }
            case If i:
                return Truth(Evaluate(i.Condition)) ? Execute(i.Then) : Execute(i.Else);
            case For f:
                return Loop(f);
            case While w:
                while (true)
                {
                    if (Execute(w.Prelude) is { } preludeExit)
                        return preludeExit;
                    if (!Truth(Evaluate(w.Condition)))
                        return null;
                    switch (Execute(w.Body))
                    {
                        case Exit.Broke:
                            return null;
                        case Exit.Returned returned:
                            return returned;
                    }
                }
            case Break:
                return new Exit.Broke();
            case Continue:
                return new Exit.Continued();
            case Return r:
                return new Exit.Returned(r.Value is null ? null : Evaluate(r.Value));
            case Evaluate e:
                Evaluate(e.Value);
                return null;
            default:
                throw new NotSupportedException($"the reference interpreter does not run {statement.GetType().Name}");
        }
    }

    /// <summary>Python's range: bounds once, the step's sign decides the direction, a zero step raises.</summary>
    private Exit? Loop(For f)
    {
        var (start, stop, step) = ((long)Convert(Evaluate(f.Start), DType.Int64), (long)Convert(Evaluate(f.Stop), DType.Int64),
            (long)Convert(Evaluate(f.Step), DType.Int64));
        if (step == 0)
            throw new ArgumentException("range() arg 3 must not be zero");
        // In BigInteger: the index never overflows past stop.
        for (BigInteger i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            locals[f.Index] = (long)i;
            switch (Execute(f.Body))
            {
                case Exit.Broke:
                    return null;
                case Exit.Returned returned:
                    return returned;
            }
        }
        return null;
    }

    private object Evaluate(Expr e) => e switch
    {
        Const c => Convert(c.Value, c.T.DType),
        ParamRef p => parameters[p.Index] is Array array ? array : Convert(parameters[p.Index]!, p.T.DType),
        LocalRef l => locals[l.Local],
        Unary u => Unary(u.Op, Evaluate(u.Operand), u.T.DType),
        Binary { Op: BinaryOp.BitAnd or BinaryOp.BitOr, Left.T.DType: DType.Bool, Right.T.DType: DType.Bool } b => ShortCircuit(b),
        Binary b => Binary(b.Op, Evaluate(b.Left), Evaluate(b.Right), b.Left.T.DType, b.Right.T.DType, b.T.DType),
        MathCall m => Math(m.Function, m.Args.Select(Evaluate).ToArray(), m.Args.Select(a => a.T.DType).ToArray(), m.T.DType),
        Cast c => Convert(Evaluate(c.Operand), c.To),
        Select s => Truth(Evaluate(s.Condition)) ? Convert(Evaluate(s.IfTrue), s.T.DType) : Convert(Evaluate(s.IfFalse), s.T.DType),
        ArrayShape s => (long)((Array)Evaluate(s.Array)).GetLength(s.Axis),
        ArraySize s => ((Array)Evaluate(s.Array)).LongLength,
        Load l => LoadElement(l),
        KernelCall k => Convert(Run(k.Target!, k.Args.Select(a => (object?)Evaluate(a)).ToArray())!, k.T.DType),
        Reduction r when r.Axis is null && r.Operands.Count == 1 && r.Operands[0].T.IsArray => Reduce(r.Op, (Array)Evaluate(r.Operands[0]), r.T.DType),
        _ => throw new NotSupportedException($"the reference interpreter does not evaluate {e.GetType().Name}"),
    };

    private object ShortCircuit(Binary b)
    {
        var left = (bool)Evaluate(b.Left);
        return b.Op == BinaryOp.BitAnd ? left && (bool)Evaluate(b.Right) : left || (bool)Evaluate(b.Right);
    }

    private object LoadElement(Load l)
    {
        var array = (Array)Evaluate(l.Array);
        return array.GetValue(Indices(array, l.Indices))!;
    }

    /// <summary>Python's indices: a negative one counts from the end; outside the axis raises.</summary>
    private long[] Indices(Array array, NodeList<Expr> indices)
    {
        var result = new long[indices.Count];
        for (var axis = 0; axis < result.Length; axis++)
        {
            var index = (long)Convert(Evaluate(indices[axis]), DType.Int64);
            var length = array.GetLongLength(axis);
            var position = index < 0 ? index + length : index;
            if (position < 0 || position >= length)
                throw new IndexOutOfRangeException($"index {index} is out of bounds for axis {axis} with size {length}");
            result[axis] = position;
        }
        return result;
    }

    // ---- Values

    private static DType DTypeOf(Array array) => DTypes.FromClr(array.GetType().GetElementType()!)!.Value;

    private static bool Truth(object value) => (bool)Convert(value, DType.Bool);

    /// <summary>SEMANTICS.md's conversions: floats truncate toward zero and saturate (NaN → 0), numbers test for non-zero.</summary>
    public static object Convert(object value, DType to)
    {
        if (value is Complex z)
        {
            return to switch
            {
                DType.Complex128 => z,
                DType.Bool => z.Real != 0 || z.Imaginary != 0,
                _ => throw new InvalidOperationException("complex to real is refused by typing"),
            };
        }
        return to switch
        {
            DType.Bool => value switch { bool b => b, double d => d != 0, float f => f != 0, _ => Integer(value) != 0 },
            DType.Int32 => value is double or float ? (int)Saturate(Real(value), int.MinValue, int.MaxValue) : unchecked((int)Integer(value)),
            DType.Int64 => value is double or float ? Saturate(Real(value), long.MinValue, long.MaxValue) : Integer(value),
            DType.Float32 => value is double or float ? (float)Real(value) : (float)Integer(value),
            DType.Float64 => value is double or float ? Real(value) : (double)Integer(value),
            _ => new Complex(value is double or float ? Real(value) : Integer(value), 0),
        };
    }

    private static long Integer(object value) => value switch
    {
        bool b => b ? 1 : 0,
        int i => i,
        long l => l,
        _ => throw new InvalidOperationException($"{value.GetType().Name} is not an integer"),
    };

    private static double Real(object value) => value switch
    {
        float f => f,
        double d => d,
        _ => Integer(value),
    };

    private static long Saturate(double value, long min, long max)
    {
        if (double.IsNaN(value))
            return 0;
        var truncated = System.Math.Truncate(value);
        // (double)max rounds up to 2^31 or 2^63: anything at or above it saturates.
        return truncated >= (double)max ? max : truncated <= (double)min ? min : (long)truncated;
    }

    private static bool IsInteger(DType d) => d is DType.Bool or DType.Int32 or DType.Int64;

    // ---- Operators

    private static object Unary(UnaryOp op, object operand, DType result) => (op, operand) switch
    {
        (UnaryOp.Not, _) => !Truth(operand),
        (UnaryOp.BitNot, bool b) => !b,
        (UnaryOp.BitNot, _) => Convert(~Integer(operand), result),
        (UnaryOp.Negate, Complex z) => -z,
        (UnaryOp.Negate, double or float) => Convert(-Real(operand), result),
        (UnaryOp.Negate, _) => Convert(unchecked(-Integer(operand)), result),
        _ => throw new NotSupportedException(op.ToString()),
    };

    private static object Binary(BinaryOp op, object left, object right, DType leftType, DType rightType, DType result)
    {
        if (op is BinaryOp.Equal or BinaryOp.NotEqual or BinaryOp.Less or BinaryOp.LessEqual or BinaryOp.Greater or BinaryOp.GreaterEqual)
            return Compare(op, left, right, Promotion(leftType, rightType));
        if (op is BinaryOp.ShiftLeft or BinaryOp.ShiftRight)
        {
            var bits = result == DType.Int32 ? 32 : 64;
            var count = (int)(Integer(right) & (bits - 1));
            var value = Integer(Convert(left, result));
            return Convert(op == BinaryOp.ShiftLeft ? value << count : (result == DType.Int32 ? (int)value >> count : value >> count), result);
        }
        if (op == BinaryOp.TrueDivide && result != DType.Complex128)
            return Convert(Real(Convert(left, DType.Float64)) / Real(Convert(right, DType.Float64)), result);
        var (a, b) = (Convert(left, result), Convert(right, result));
        if (result == DType.Complex128)
        {
            var (x, y) = ((Complex)a, (Complex)b);
            return op switch
            {
                BinaryOp.Add => x + y, BinaryOp.Subtract => x - y, BinaryOp.Multiply => x * y, BinaryOp.TrueDivide => x / y,
                BinaryOp.Power => Complex.Pow(x, y),
                _ => throw new NotSupportedException($"{op} on complex"),
            };
        }
        if (result is DType.Float32 or DType.Float64)
            return Convert(FloatOp(op, Real(a), Real(b), result), result);
        if (result == DType.Bool)
        {
            var (p, q) = ((bool)a, (bool)b);
            return op switch { BinaryOp.BitAnd => p & q, BinaryOp.BitOr => p | q, BinaryOp.BitXor => p ^ q, _ => throw new NotSupportedException($"{op} on bool") };
        }
        return Convert(IntegerOp(op, Integer(a), Integer(b), result == DType.Int32 ? 32 : 64), result);
    }

    /// <summary>The dtype two operands are compared in (NumPy's promotion for the pairs typing leaves unconverted).</summary>
    private static DType Promotion(DType a, DType b)
    {
        if (a == b)
            return a;
        if (a == DType.Complex128 || b == DType.Complex128)
            return DType.Complex128;
        if (IsInteger(a) && IsInteger(b))
            return a > b ? a : b;
        if (!IsInteger(a) && !IsInteger(b))
            return DType.Float64;
        var (integer, real) = IsInteger(a) ? (a, b) : (b, a);
        return integer == DType.Bool ? real : DType.Float64;
    }

    private static object Compare(BinaryOp op, object left, object right, DType type)
    {
        var (a, b) = (Convert(left, type), Convert(right, type));
        if (type == DType.Complex128)
        {
            var equal = (Complex)a == (Complex)b;
            return op == BinaryOp.Equal ? equal : op == BinaryOp.NotEqual ? !equal : throw new NotSupportedException("complex order");
        }
        if (type is DType.Float32 or DType.Float64)
        {
            var (x, y) = (Real(a), Real(b));
            return op switch
            {
                BinaryOp.Equal => x == y, BinaryOp.NotEqual => x != y, BinaryOp.Less => x < y,
                BinaryOp.LessEqual => x <= y, BinaryOp.Greater => x > y, _ => x >= y,
            };
        }
        var (m, n) = (Integer(a), Integer(b));
        return op switch
        {
            BinaryOp.Equal => m == n, BinaryOp.NotEqual => m != n, BinaryOp.Less => m < n,
            BinaryOp.LessEqual => m <= n, BinaryOp.Greater => m > n, _ => m >= n,
        };
    }

    /// <summary>Integers of <paramref name="bits"/> bits, in BigInteger and wrapped at the end: no overflow rule to get wrong.</summary>
    private static long IntegerOp(BinaryOp op, long a, long b, int bits)
    {
        BigInteger x = a, y = b;
        var exact = op switch
        {
            BinaryOp.Add => x + y,
            BinaryOp.Subtract => x - y,
            BinaryOp.Multiply => x * y,
            BinaryOp.FloorDivide => y.IsZero ? throw new DivideByZeroException("integer division by zero") : FloorDivide(x, y),
            BinaryOp.Modulo => y.IsZero ? throw new DivideByZeroException("integer modulo by zero") : x - y * FloorDivide(x, y),
            BinaryOp.TruncatedDivide => y.IsZero ? throw new DivideByZeroException("integer division by zero") : BigInteger.Divide(x, y),
            BinaryOp.Remainder => y.IsZero ? throw new DivideByZeroException("integer modulo by zero") : BigInteger.Remainder(x, y),
            BinaryOp.Power => y.Sign < 0 ? throw new ArithmeticException("integers to negative integer powers are not allowed") : WrappedPower(x, (ulong)b, bits),
            BinaryOp.BitAnd => x & y,
            BinaryOp.BitOr => x | y,
            BinaryOp.BitXor => x ^ y,
            _ => throw new NotSupportedException(op.ToString()),
        };
        return Wrap(exact, bits);
    }

    private static BigInteger FloorDivide(BigInteger x, BigInteger y)
    {
        var quotient = BigInteger.DivRem(x, y, out var remainder);
        return !remainder.IsZero && (remainder.Sign < 0) != (y.Sign < 0) ? quotient - 1 : quotient;
    }

    private static BigInteger WrappedPower(BigInteger x, ulong exponent, int bits)
    {
        BigInteger result = 1;
        for (; exponent != 0; exponent >>= 1)
        {
            if ((exponent & 1) != 0)
                result = Wrap(result * x, bits);
            x = Wrap(x * x, bits);
        }
        return result;
    }

    private static long Wrap(BigInteger value, int bits)
    {
        var modulus = BigInteger.One << bits;
        var low = ((value % modulus) + modulus) % modulus;
        return bits == 32 ? unchecked((int)(uint)low) : unchecked((long)(ulong)low);
    }

    /// <summary>IEEE arithmetic; <c>//</c> and <c>%</c> as NumPy's npy_divmod (Python's divmod for floats).</summary>
    private static double FloatOp(BinaryOp op, double a, double b, DType type)
    {
        switch (op)
        {
            case BinaryOp.Add: return a + b;
            case BinaryOp.Subtract: return a - b;
            case BinaryOp.Multiply: return a * b;
            case BinaryOp.TrueDivide: return a / b;
            case BinaryOp.Power: return type == DType.Float32 ? MathF.Pow((float)a, (float)b) : System.Math.Pow(a, b);
            // float32's quotient too is computed in double and rounded once (SEMANTICS.md; NumPy rounds each step).
            case BinaryOp.FloorDivide: return DivMod(a, b, DType.Float64).Quotient;
            case BinaryOp.Modulo: return DivMod(a, b, type).Remainder;
            default: throw new NotSupportedException($"{op} on floats");
        }
    }

    private static (double Quotient, double Remainder) DivMod(double a, double b, DType type)
    {
        double Round(double v) => type == DType.Float32 ? (float)v : v;
        var mod = a % b; // C's fmod: exact, so the same in float and double
        if (b == 0)
            return (Round(a / b), mod);
        var div = Round(Round(a - mod) / b);
        if (mod != 0)
        {
            if ((b < 0) != (mod < 0))
            {
                mod = Round(mod + b);
                div = Round(div - 1.0);
            }
        }
        else
        {
            mod = double.CopySign(0, b);
        }
        double floordiv;
        if (div != 0)
        {
            floordiv = System.Math.Floor(div);
            if (Round(div - floordiv) > 0.5)
                floordiv = Round(floordiv + 1.0);
        }
        else
        {
            floordiv = double.CopySign(0, Round(a / b));
        }
        return (floordiv, mod);
    }

    private static object Math(MathFunction function, object[] args, DType[] argTypes, DType result)
    {
        if (function is MathFunction.IsNaN or MathFunction.IsInf)
        {
            return args[0] switch
            {
                Complex z => function == MathFunction.IsNaN ? double.IsNaN(z.Real) || double.IsNaN(z.Imaginary) : double.IsInfinity(z.Real) || double.IsInfinity(z.Imaginary),
                double or float => function == MathFunction.IsNaN ? double.IsNaN(Real(args[0])) : double.IsInfinity(Real(args[0])),
                _ => false,
            };
        }
        if (function == MathFunction.MakeComplex)
            return new Complex(Real(Convert(args[0], DType.Float64)), Real(Convert(args[1], DType.Float64)));
        if (argTypes[0] == DType.Complex128)
            return Convert(ComplexFunction(function, (Complex)Convert(args[0], DType.Complex128)), result);
        if (function is MathFunction.Min or MathFunction.Max)
            return MinMax(function == MathFunction.Min, Convert(args[0], result), Convert(args[1], result));
        if (function == MathFunction.Abs && IsInteger(result))
            return Convert(unchecked(Integer(args[0]) < 0 ? -Integer(args[0]) : Integer(args[0])), result);
        if (result == DType.Float32)
        {
            var x = (float)Convert(args[0], DType.Float32);
            var y = args.Length > 1 ? (float)Convert(args[1], DType.Float32) : 0f;
            return function switch
            {
                MathFunction.Sqrt => MathF.Sqrt(x), MathFunction.Exp => MathF.Exp(x), MathFunction.Log => MathF.Log(x),
                MathFunction.Log1p => (float)Log1p(x),
                MathFunction.Sin => MathF.Sin(x), MathFunction.Cos => MathF.Cos(x), MathFunction.Tan => MathF.Tan(x),
                MathFunction.Asin => MathF.Asin(x), MathFunction.Acos => MathF.Acos(x), MathFunction.Atan => MathF.Atan(x),
                MathFunction.Sinh => MathF.Sinh(x), MathFunction.Cosh => MathF.Cosh(x), MathFunction.Tanh => MathF.Tanh(x),
                MathFunction.Abs => MathF.Abs(x), MathFunction.Floor => MathF.Floor(x), MathFunction.Ceil => MathF.Ceiling(x),
                MathFunction.Round => MathF.Round(x, MidpointRounding.ToEven),
                MathFunction.Atan2 => MathF.Atan2(x, y), MathFunction.Hypot => float.Hypot(x, y),
                _ => throw new NotSupportedException($"{function} to float32"),
            };
        }
        if (result == DType.Float64 && argTypes.All(t => t != DType.Complex128))
        {
            var x = (double)Convert(args[0], DType.Float64);
            var y = args.Length > 1 ? (double)Convert(args[1], DType.Float64) : 0;
            return function switch
            {
                MathFunction.Sqrt => System.Math.Sqrt(x), MathFunction.Exp => System.Math.Exp(x), MathFunction.Log => System.Math.Log(x),
                MathFunction.Log1p => Log1p(x),
                MathFunction.Sin => System.Math.Sin(x), MathFunction.Cos => System.Math.Cos(x), MathFunction.Tan => System.Math.Tan(x),
                MathFunction.Asin => System.Math.Asin(x), MathFunction.Acos => System.Math.Acos(x), MathFunction.Atan => System.Math.Atan(x),
                MathFunction.Sinh => System.Math.Sinh(x), MathFunction.Cosh => System.Math.Cosh(x), MathFunction.Tanh => System.Math.Tanh(x),
                MathFunction.Abs => System.Math.Abs(x), MathFunction.Floor => System.Math.Floor(x), MathFunction.Ceil => System.Math.Ceiling(x),
                MathFunction.Round => System.Math.Round(x, MidpointRounding.ToEven),
                MathFunction.Atan2 => System.Math.Atan2(x, y), MathFunction.Hypot => double.Hypot(x, y),
                MathFunction.Real => x, MathFunction.Imag => 0.0,
                _ => throw new NotSupportedException($"{function} to float64"),
            };
        }
        throw new NotSupportedException($"{function} of {string.Join(", ", argTypes)}");
    }

    /// <summary>SEMANTICS.md's complex functions: System.Numerics.Complex's; Abs, Real and Imag give float64.</summary>
    private static object ComplexFunction(MathFunction function, Complex z) => function switch
    {
        // object, not double: a double arm would make the switch's type Complex (double converts to it implicitly).
        MathFunction.Abs => (object)Complex.Abs(z),
        MathFunction.Real => z.Real,
        MathFunction.Imag => z.Imaginary,
        MathFunction.Conj => Complex.Conjugate(z),
        MathFunction.Sqrt => Complex.Sqrt(z),
        MathFunction.Exp => Complex.Exp(z),
        MathFunction.Log => Complex.Log(z),
        MathFunction.Sin => Complex.Sin(z),
        MathFunction.Cos => Complex.Cos(z),
        MathFunction.Tan => Complex.Tan(z),
        _ => throw new NotSupportedException($"{function} of complex128"),
    };

    /// <summary>log(1 + x): its Taylor series where 1 + x would lose digits of x, else Log(1 + x) (1 + x is then exact or ≥ 1.5).</summary>
    private static double Log1p(double x)
    {
        if (double.IsNaN(x) || x < -0.5 || x > 0.5)
            return System.Math.Log(1 + x);
        // From x itself: log1p(−0) is −0.
        double sum = x, power = -x * x;
        for (var k = 2; k < 200 && power != 0; k++, power *= -x)
            sum += power / k;
        return sum;
    }

    /// <summary>np.minimum / np.maximum: NaN if either is NaN; otherwise the smaller (larger), −0 counting below +0.</summary>
    private static object MinMax(bool min, object a, object b)
    {
        if (a is double or float)
        {
            var (x, y) = (Real(a), Real(b));
            if (double.IsNaN(x))
                return a;
            if (double.IsNaN(y))
                return b;
            if (x == y)
                return (min == (x < 0 || 1 / x < 0)) ? a : b;
            return (min ? x < y : x > y) ? a : b;
        }
        if (a is bool p)
            return min ? p & (bool)b : p | (bool)b;
        var (m, n) = (Integer(a), Integer(b));
        return (min ? m <= n : m >= n) ? a : b;
    }

    /// <summary>Whole-array reductions, SEMANTICS.md's "Reductions": in order, float32 accumulated in double and rounded once.</summary>
    private static object Reduce(ReduceOp op, Array array, DType result)
    {
        var values = array.Cast<object>().ToArray();
        switch (op)
        {
            case ReduceOp.Sum or ReduceOp.Prod or ReduceOp.Mean:
            {
                if (result == DType.Complex128)
                    throw new NotSupportedException("complex reductions");
                var exact = IsInteger(result);
                object total = exact ? (object)(op == ReduceOp.Prod ? 1L : 0L) : (op == ReduceOp.Prod ? 1.0 : 0.0);
                foreach (var v in values)
                {
                    total = exact
                        ? (object)Wrap(op == ReduceOp.Prod ? (BigInteger)(long)total * Integer(v) : (BigInteger)(long)total + Integer(v), 64)
                        : op == ReduceOp.Prod ? (double)total * Real(v) : (double)total + Real(v);
                }
                if (op == ReduceOp.Mean)
                    return Convert((exact ? (long)total : (double)total) / (double)values.Length, result);
                return Convert(total, result);
            }
            case ReduceOp.Min or ReduceOp.Max:
                if (values.Length == 0)
                    throw new InvalidOperationException("zero-size array to reduction operation which has no identity");
                return Convert(values.Skip(1).Aggregate(values[0], (acc, v) => MinMax(op == ReduceOp.Min, acc, v)), result);
            case ReduceOp.Any:
                return values.Any(Truth);
            case ReduceOp.All:
                return values.All(Truth);
            default:
                throw new NotSupportedException(op.ToString());
        }
    }
}
