using System.Linq.Expressions;
using System.Numerics;
using System.Reflection;
using JitDsl.Dsl.Tree;
using LinqExpr = System.Linq.Expressions.Expression;

namespace JitDsl.Dsl.Import;

/// <summary>
/// Imports a C# expression lambda such as <c>(double x, double y) =&gt; x + y &gt; 1 ? 1 : x + y</c> into the
/// kernel tree, keeping C#'s meaning: the C# compiler has already made every conversion explicit, integer
/// <c>/</c> and <c>%</c> truncate as in C#, and captured variables are read once, at import, as constants.
/// Supported: arithmetic, comparison, logic and bit operators, <c>?:</c>, casts, <c>Math</c>, <c>MathF</c>,
/// <c>Complex</c> and <c>double</c>/<c>float</c> <c>IsNaN</c>/<c>IsInfinity</c>.
/// </summary>
internal sealed class ExpressionImporter
{
    private readonly System.Collections.ObjectModel.ReadOnlyCollection<ParameterExpression> parameters;
    private readonly SourceLoc loc;

    private ExpressionImporter(System.Collections.ObjectModel.ReadOnlyCollection<ParameterExpression> parameters, SourceLoc loc)
    {
        this.parameters = parameters;
        this.loc = loc;
    }

    public static KernelTree Import(LambdaExpression lambda, string name, SourceLoc loc)
    {
        var kernelParameters = lambda.Parameters.Select(p => new KernelParameter(
            p.Name ?? $"arg{lambda.Parameters.IndexOf(p)}", MustBeArray: false,
            DTypes.FromClr(p.Type) ?? throw new TypingException(ErrorCodes.UnsupportedExpression,
                $"parameter `{p.Name}` has type {p.Type.Name}; use bool, int, long, float, double or Complex", loc))).ToArray();
        if (lambda.ReturnType == typeof(void) || DTypes.FromClr(lambda.ReturnType) is null)
            throw new TypingException(ErrorCodes.UnsupportedExpression,
                $"the lambda returns {lambda.ReturnType.Name}; it must return bool, int, long, float, double or Complex", loc);
        var importer = new ExpressionImporter(lambda.Parameters, loc);
        var body = new Block(new Stmt[] { new Return(importer.Convert(lambda.Body)) { Loc = loc } });
        return new KernelTree(name, kernelParameters, body, loc);
    }

    private Expr Convert(LinqExpr e)
    {
        switch (e)
        {
            case ParameterExpression p:
                return Node(new ParamRef(parameters.IndexOf(p), p.Name ?? "arg"));
            case ConstantExpression c:
                return Constant(c.Value, c.Type, e);
            case MemberExpression m when m.Expression is { Type: var t } && t == typeof(Complex):
                return m.Member.Name switch
                {
                    nameof(Complex.Real) => Math(MathFunction.Real, m.Expression),
                    nameof(Complex.Imaginary) => Math(MathFunction.Imag, m.Expression),
                    nameof(Complex.Magnitude) => Math(MathFunction.Abs, m.Expression),
                    _ => throw Unsupported(e),
                };
            case MemberExpression m when !UsesParameters(m):
                // A captured variable or a static constant (Math.PI): its value now, as Numba freezes globals.
                return Constant(LinqExpr.Lambda<Func<object>>(LinqExpr.Convert(m, typeof(object))).Compile(preferInterpretation: true)(), m.Type, e);
            case UnaryExpression u:
                return ConvertUnary(u);
            case BinaryExpression b:
                return ConvertBinary(b);
            case ConditionalExpression c:
                return Node(new Select(Convert(c.Test), Convert(c.IfTrue), Convert(c.IfFalse)));
            case MethodCallExpression call:
                return ConvertCall(call);
            case NewExpression n when n.Type == typeof(Complex) && n.Arguments.Count == 2:
                return Node(new MathCall(MathFunction.MakeComplex, n.Arguments.Select(Convert).ToArray()));
            default:
                throw Unsupported(e);
        }
    }

    private Expr ConvertUnary(UnaryExpression u)
    {
        switch (u.NodeType)
        {
            case ExpressionType.Convert or ExpressionType.ConvertChecked:
                var to = DTypes.FromClr(u.Type) ?? throw Unsupported(u);
                return Node(new Cast(to, Convert(u.Operand)));
            case ExpressionType.Negate or ExpressionType.NegateChecked:
                return Node(new Unary(UnaryOp.Negate, Convert(u.Operand)));
            case ExpressionType.UnaryPlus:
                return Convert(u.Operand);
            case ExpressionType.Not:
                return Node(new Unary(u.Operand.Type == typeof(bool) ? UnaryOp.Not : UnaryOp.BitNot, Convert(u.Operand)));
            case ExpressionType.OnesComplement:
                return Node(new Unary(UnaryOp.BitNot, Convert(u.Operand)));
            default:
                throw Unsupported(u);
        }
    }

    private Expr ConvertBinary(BinaryExpression b)
    {
        var integral = b.Left.Type == typeof(int) || b.Left.Type == typeof(long);
        var op = b.NodeType switch
        {
            ExpressionType.Add or ExpressionType.AddChecked => BinaryOp.Add,
            ExpressionType.Subtract or ExpressionType.SubtractChecked => BinaryOp.Subtract,
            ExpressionType.Multiply or ExpressionType.MultiplyChecked => BinaryOp.Multiply,
            ExpressionType.Divide => integral ? BinaryOp.TruncatedDivide : BinaryOp.TrueDivide,
            ExpressionType.Modulo => BinaryOp.Remainder,
            ExpressionType.Power => BinaryOp.Power,
            ExpressionType.And or ExpressionType.AndAlso => BinaryOp.BitAnd,
            ExpressionType.Or or ExpressionType.OrElse => BinaryOp.BitOr,
            ExpressionType.ExclusiveOr => BinaryOp.BitXor,
            ExpressionType.LeftShift => BinaryOp.ShiftLeft,
            ExpressionType.RightShift => BinaryOp.ShiftRight,
            ExpressionType.Equal => BinaryOp.Equal,
            ExpressionType.NotEqual => BinaryOp.NotEqual,
            ExpressionType.LessThan => BinaryOp.Less,
            ExpressionType.LessThanOrEqual => BinaryOp.LessEqual,
            ExpressionType.GreaterThan => BinaryOp.Greater,
            ExpressionType.GreaterThanOrEqual => BinaryOp.GreaterEqual,
            _ => throw Unsupported(b),
        };
        return Node(new Binary(op, Convert(b.Left), Convert(b.Right)));
    }

    private Expr ConvertCall(MethodCallExpression call)
    {
        var type = call.Method.DeclaringType;
        if (!call.Method.IsStatic || (type != typeof(Math) && type != typeof(MathF) && type != typeof(Complex)
            && type != typeof(double) && type != typeof(float)))
            throw Unsupported(call);
        var args = call.Arguments;
        switch (call.Method.Name, args.Count)
        {
            case ("Clamp", 3):
                return Node(new MathCall(MathFunction.Min, [Node(new MathCall(MathFunction.Max, [Convert(args[0]), Convert(args[1])])), Convert(args[2])]));
            case ("Pow", 2):
                return Node(new Binary(BinaryOp.Power, Convert(args[0]), Convert(args[1])));
        }
        var function = (call.Method.Name, args.Count) switch
        {
            ("Sqrt", 1) => MathFunction.Sqrt,
            ("Exp", 1) => MathFunction.Exp,
            ("Log", 1) => MathFunction.Log,
            ("LogP1", 1) => MathFunction.Log1p,
            ("Sin", 1) => MathFunction.Sin,
            ("Cos", 1) => MathFunction.Cos,
            ("Tan", 1) => MathFunction.Tan,
            ("Asin", 1) => MathFunction.Asin,
            ("Acos", 1) => MathFunction.Acos,
            ("Atan", 1) => MathFunction.Atan,
            ("Sinh", 1) => MathFunction.Sinh,
            ("Cosh", 1) => MathFunction.Cosh,
            ("Tanh", 1) => MathFunction.Tanh,
            ("Abs", 1) => MathFunction.Abs,
            ("Floor", 1) => MathFunction.Floor,
            ("Ceiling", 1) => MathFunction.Ceil,
            ("Round", 1) => MathFunction.Round,
            ("IsNaN", 1) => MathFunction.IsNaN,
            ("IsInfinity", 1) => MathFunction.IsInf,
            ("Conjugate", 1) => MathFunction.Conj,
            ("Atan2", 2) => MathFunction.Atan2,
            ("Hypot", 2) => MathFunction.Hypot,
            ("Min", 2) => MathFunction.Min,
            ("Max", 2) => MathFunction.Max,
            _ => throw Unsupported(call),
        };
        return Node(new MathCall(function, args.Select(Convert).ToArray()));
    }

    private Expr Math(MathFunction function, LinqExpr argument) => Node(new MathCall(function, [Convert(argument)]));

    private Expr Constant(object? value, Type type, LinqExpr source)
    {
        var dtype = DTypes.FromClr(type);
        if (value is null || dtype is null)
            throw Unsupported(source);
        return Node(new Const(value, dtype.Value, Weak: false));
    }

    private bool UsesParameters(LinqExpr e)
    {
        var finder = new ParameterFinder(parameters);
        finder.Visit(e);
        return finder.Found;
    }

    private Expr Node(Expr e) => e with { Loc = loc };

    private TypingException Unsupported(LinqExpr e) =>
        new(ErrorCodes.UnsupportedExpression,
            $"`{e}` ({e.NodeType}{(e is MethodCallExpression m ? $" of {m.Method.DeclaringType?.Name}.{m.Method.Name}" : "")}) is not supported in a kernel expression", loc);

    private sealed class ParameterFinder(IReadOnlyList<ParameterExpression> parameters) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override LinqExpr VisitParameter(ParameterExpression node)
        {
            Found |= parameters.Contains(node);
            return node;
        }
    }
}
