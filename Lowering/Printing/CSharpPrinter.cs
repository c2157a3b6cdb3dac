using System.Globalization;
using System.Linq.Expressions;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace JitDsl.Lowering.Printing;

/// <summary>
/// Prints a lowered <see cref="LambdaExpression"/> as readable C#: loops as <c>while</c>, jumps as
/// <c>break</c>/<c>continue</c>/<c>return</c> where they mean that, variables declared where first
/// assigned, device functions as separate functions. The output is for people, not for csc.
/// </summary>
internal sealed class CSharpPrinter
{
    private readonly StringBuilder text = new();
    private readonly HashSet<LabelTarget> targeted = [];
    private readonly List<LambdaExpression> functions = [];
    private readonly Stack<LoopExpression> loops = new();
    private LabelTarget? returnLabel;

    public static string Print(LambdaExpression lambda)
    {
        var printer = new CSharpPrinter();
        printer.Collect(lambda);
        for (var k = 0; k < printer.functions.Count; k++)
        {
            if (k > 0)
                printer.text.Append('\n');
            printer.PrintFunction(printer.functions[k]);
        }
        return printer.text.ToString();
    }

    private void Collect(LambdaExpression root)
    {
        var collector = new Collector(this);
        functions.Add(root);
        collector.Visit(root.Body);
    }

    /// <summary>Finds jump targets, the device functions invoked in place and the chunk functions of parallel loops.</summary>
    private sealed class Collector(CSharpPrinter printer) : ExpressionVisitor
    {
        protected override Expression VisitGoto(GotoExpression node)
        {
            printer.targeted.Add(node.Target);
            return base.VisitGoto(node);
        }

        protected override Expression VisitInvocation(InvocationExpression node)
        {
            if (node.Expression is LambdaExpression lambda && !printer.functions.Contains(lambda))
            {
                printer.functions.Add(lambda);
                Visit(lambda.Body);
            }
            Visit(node.Arguments);
            return node;
        }

        /// <summary>A lambda passed as a value (a parallel loop's chunk): printed as a function of its own.</summary>
        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            if (!printer.functions.Contains(node))
            {
                printer.functions.Add(node);
                Visit(node.Body);
            }
            return node;
        }
    }

    private void PrintFunction(LambdaExpression lambda)
    {
        var parameters = string.Join(", ", lambda.Parameters.Select(p => $"{TypeName(p.Type)} {p.Name}"));
        Line(0, $"{TypeName(lambda.ReturnType)} {lambda.Name ?? "kernel"}({parameters})");
        Line(0, "{");
        returnLabel = lambda.Body is BlockExpression { Expressions: [.., LabelExpression end] } ? end.Target : null;
        PrintStatements(Statements(lambda.Body), 1, new HashSet<ParameterExpression>(lambda.Parameters));
        Line(0, "}");
    }

    private static IReadOnlyList<Expression> Statements(Expression e) => e is BlockExpression b ? b.Expressions : [e];

    // ---- Statements

    private void PrintStatements(IEnumerable<Expression> statements, int depth, HashSet<ParameterExpression> declared)
    {
        foreach (var statement in statements)
            PrintStatement(statement, depth, declared);
    }

    private void PrintStatement(Expression e, int depth, HashSet<ParameterExpression> declared)
    {
        switch (e)
        {
            case BlockExpression block:
                // Nested blocks flatten; lowering gives every local a unique name, so nothing clashes.
                foreach (var statement in block.Expressions)
                {
                    foreach (var variable in block.Variables.Where(v => !declared.Contains(v) && Mentions(statement, v) && !IsFirstAssignment(statement, v)))
                    {
                        declared.Add(variable);
                        Line(depth, $"{TypeName(variable.Type)} {variable.Name};");
                    }
                    if (statement is BinaryExpression { NodeType: ExpressionType.Assign, Left: ParameterExpression target } assign
                        && block.Variables.Contains(target) && declared.Add(target))
                    {
                        Line(depth, $"{TypeName(target.Type)} {target.Name} = {Expr(assign.Right)};");
                        continue;
                    }
                    PrintStatement(statement, depth, declared);
                }
                break;
            case ConditionalExpression c when c.Type == typeof(void):
                PrintIf(c, depth, declared, "if");
                break;
            case LoopExpression loop:
                PrintLoop(loop, depth, declared);
                break;
            case TryExpression { Finally: { } cleanup, Handlers.Count: 0 } attempt:
                Line(depth, "try");
                Braced(attempt.Body, depth, declared);
                Line(depth, "finally");
                Braced(cleanup, depth, declared);
                break;
            case GotoExpression jump:
                Line(depth, Jump(jump));
                break;
            case LabelExpression label:
                if (label.Target != returnLabel && targeted.Contains(label.Target))
                    Line(Math.Max(0, depth - 1), $"{label.Target.Name}:");
                break;
            case DefaultExpression when e.Type == typeof(void):
                break;
            default:
                Line(depth, Expr(e) + ";");
                break;
        }
    }

    private void PrintIf(ConditionalExpression c, int depth, HashSet<ParameterExpression> declared, string keyword)
    {
        Line(depth, $"{keyword} ({Expr(c.Test)})");
        Braced(c.IfTrue, depth, declared);
        switch (c.IfFalse)
        {
            case DefaultExpression:
                break;
            case ConditionalExpression { Type: var t } elseIf when t == typeof(void):
                PrintIf(elseIf, depth, declared, "else if");
                break;
            default:
                Line(depth, "else");
                Braced(c.IfFalse, depth, declared);
                break;
        }
    }

    private void PrintLoop(LoopExpression loop, int depth, HashSet<ParameterExpression> declared)
    {
        loops.Push(loop);
        var body = Statements(loop.Body).ToList();
        // Lowering tests the condition first: `if (!(c)) break;` reads as `while (c)`.
        if (body is [ConditionalExpression { IfTrue: GotoExpression exit, Test: UnaryExpression { NodeType: ExpressionType.Not } test, IfFalse: DefaultExpression }, ..]
            && exit.Target == loop.BreakLabel)
        {
            Line(depth, $"while ({Expr(test.Operand)})");
            body.RemoveAt(0);
        }
        else
        {
            Line(depth, "while (true)");
        }
        Line(depth, "{");
        PrintStatements(body, depth + 1, declared);
        Line(depth, "}");
        loops.Pop();
    }

    private void Braced(Expression body, int depth, HashSet<ParameterExpression> declared)
    {
        Line(depth, "{");
        PrintStatement(body, depth + 1, declared);
        Line(depth, "}");
    }

    private string Jump(GotoExpression jump)
    {
        if (jump.Target == returnLabel || jump.Kind == GotoExpressionKind.Return)
            return jump.Value is null ? "return;" : $"return {Expr(jump.Value)};";
        if (loops.TryPeek(out var loop) && jump.Target == loop.BreakLabel)
            return "break;";
        if (loops.TryPeek(out loop) && jump.Target == loop.ContinueLabel)
            return "continue;";
        return $"goto {jump.Target.Name};";
    }

    private static bool Mentions(Expression e, ParameterExpression variable)
    {
        var finder = new Finder(variable);
        finder.Visit(e);
        return finder.Found;
    }

    private static bool IsFirstAssignment(Expression statement, ParameterExpression variable) =>
        statement is BinaryExpression { NodeType: ExpressionType.Assign, Left: var left, Right: var right } && left == variable && !Mentions(right, variable);

    private sealed class Finder(ParameterExpression variable) : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found |= node == variable;
            return node;
        }
    }

    private void Line(int depth, string code) => text.Append(' ', depth * 4).Append(code).Append('\n');

    // ---- Expressions, with C#'s precedence deciding the parentheses

    private enum Precedence
    {
        Assignment = 1, Conditional, OrElse, AndAlso, Or, Xor, And, Equality, Relational, Shift, Additive, Multiplicative, Unary, Primary,
    }

    private string Expr(Expression e, Precedence context = Precedence.Assignment)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var (code, precedence) = Format(e);
        return precedence < context ? $"({code})" : code;
    }

    private (string, Precedence) Format(Expression e)
    {
        switch (e)
        {
            case ConstantExpression c:
                return (Literal(c.Value), Precedence.Primary);
            case ParameterExpression p:
                return (p.Name ?? "_", Precedence.Primary);
            case BinaryExpression { NodeType: ExpressionType.ArrayIndex } index:
                return ($"{Expr(index.Left, Precedence.Primary)}[{Expr(index.Right)}]", Precedence.Primary);
            case BinaryExpression b when Binary(b.NodeType) is { } op:
            {
                var assignment = op.Precedence == Precedence.Assignment;
                var left = Expr(b.Left, assignment ? Precedence.Unary : op.Precedence);
                var right = Expr(b.Right, assignment ? Precedence.Assignment : op.Precedence + 1);
                return ($"{left} {op.Symbol} {right}", op.Precedence);
            }
            case UnaryExpression { NodeType: ExpressionType.Convert } u:
                return ($"({TypeName(u.Type)}){Expr(u.Operand, Precedence.Unary)}", Precedence.Unary);
            case UnaryExpression { NodeType: ExpressionType.ArrayLength } u:
                return ($"{Expr(u.Operand, Precedence.Primary)}.Length", Precedence.Primary);
            case UnaryExpression { NodeType: ExpressionType.Not } u:
                return ($"{(u.Operand.Type == typeof(bool) ? "!" : "~")}{Expr(u.Operand, Precedence.Unary)}", Precedence.Unary);
            case UnaryExpression { NodeType: ExpressionType.Negate } u:
                return ($"-{Expr(u.Operand, Precedence.Unary)}", Precedence.Unary);
            case MethodCallExpression call:
            {
                var target = call.Object is null ? TypeName(call.Method.DeclaringType!) : Expr(call.Object, Precedence.Primary);
                var generic = call.Method.IsGenericMethod ? $"<{string.Join(", ", call.Method.GetGenericArguments().Select(TypeName))}>" : "";
                return ($"{target}.{call.Method.Name}{generic}({List(call.Arguments)})", Precedence.Primary);
            }
            case MemberExpression m:
                return ($"{(m.Expression is null ? TypeName(m.Member.DeclaringType!) : Expr(m.Expression, Precedence.Primary))}.{m.Member.Name}", Precedence.Primary);
            case IndexExpression index:
                return ($"{Expr(index.Object!, Precedence.Primary)}[{List(index.Arguments)}]", Precedence.Primary);
            case NewExpression n:
                return ($"new {TypeName(n.Type)}({List(n.Arguments)})", Precedence.Primary);
            case NewArrayExpression { NodeType: ExpressionType.NewArrayBounds } n:
                return ($"new {TypeName(n.Type.GetElementType()!)}[{List(n.Expressions)}]", Precedence.Primary);
            case NewArrayExpression n:
                return ($"new {TypeName(n.Type.GetElementType()!)}[] {{ {List(n.Expressions)} }}", Precedence.Primary);
            case ConditionalExpression c:
                return ($"{Expr(c.Test, Precedence.OrElse)} ? {Expr(c.IfTrue, Precedence.Conditional)} : {Expr(c.IfFalse, Precedence.Conditional)}", Precedence.Conditional);
            case InvocationExpression { Expression: LambdaExpression lambda } call:
                return ($"{lambda.Name ?? "function"}({List(call.Arguments)})", Precedence.Primary);
            case LambdaExpression lambda:
                return (lambda.Name ?? "function", Precedence.Primary);
            case DefaultExpression d:
                return ($"default({TypeName(d.Type)})", Precedence.Primary);
            default:
                return ($"/* {e.NodeType} */ {e}", Precedence.Primary);
        }
    }

    private string List(IEnumerable<Expression> items) => string.Join(", ", items.Select(e => Expr(e)));

    private static (string Symbol, Precedence Precedence)? Binary(ExpressionType type) => type switch
    {
        ExpressionType.Assign => ("=", Precedence.Assignment),
        ExpressionType.AddAssign => ("+=", Precedence.Assignment),
        ExpressionType.Add => ("+", Precedence.Additive),
        ExpressionType.Subtract => ("-", Precedence.Additive),
        ExpressionType.Multiply => ("*", Precedence.Multiplicative),
        ExpressionType.Divide => ("/", Precedence.Multiplicative),
        ExpressionType.Modulo => ("%", Precedence.Multiplicative),
        ExpressionType.LeftShift => ("<<", Precedence.Shift),
        ExpressionType.RightShift => (">>", Precedence.Shift),
        ExpressionType.LessThan => ("<", Precedence.Relational),
        ExpressionType.LessThanOrEqual => ("<=", Precedence.Relational),
        ExpressionType.GreaterThan => (">", Precedence.Relational),
        ExpressionType.GreaterThanOrEqual => (">=", Precedence.Relational),
        ExpressionType.Equal => ("==", Precedence.Equality),
        ExpressionType.NotEqual => ("!=", Precedence.Equality),
        ExpressionType.And => ("&", Precedence.And),
        ExpressionType.ExclusiveOr => ("^", Precedence.Xor),
        ExpressionType.Or => ("|", Precedence.Or),
        ExpressionType.AndAlso => ("&&", Precedence.AndAlso),
        ExpressionType.OrElse => ("||", Precedence.OrElse),
        _ => null,
    };

    private static string Literal(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => $"\"{s.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"",
        double d => Real(d, ""),
        float f => Real(f, "f"),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        Complex z => $"new Complex({Real(z.Real, "")}, {Real(z.Imaginary, "")})",
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "?",
    };

    private static string Real(double d, string suffix)
    {
        if (double.IsNaN(d))
            return suffix == "f" ? "float.NaN" : "double.NaN";
        if (double.IsInfinity(d))
            return (suffix == "f" ? "float." : "double.") + (d > 0 ? "PositiveInfinity" : "NegativeInfinity");
        return Dsl.Tree.TreePrinter.FormatReal(d) + suffix;
    }

    internal static string TypeName(Type type)
    {
        if (type.IsArray)
            return $"{TypeName(type.GetElementType()!)}[{new string(',', type.GetArrayRank() - 1)}]";
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Int32 => "int",
            TypeCode.Int64 => "long",
            TypeCode.Single => "float",
            TypeCode.Double => "double",
            TypeCode.String => "string",
            _ when type == typeof(void) => "void",
            _ when type.IsGenericType => $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>",
            _ => type.Name,
        };
    }
}
