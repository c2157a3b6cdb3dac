using Linq = System.Linq.Expressions;

namespace JitDsl.Lowering;

/// <summary>
/// The variables a lowered expression uses but does not declare, in the order first met: what a parallel
/// loop's chunk reads from the kernel around it (the Clr backend copies them in, LLVM passes their addresses).
/// </summary>
internal sealed class FreeVariables : Linq.ExpressionVisitor
{
    private readonly HashSet<Linq.ParameterExpression> declared;
    private readonly HashSet<Linq.ParameterExpression> seen = [];
    private readonly List<Linq.ParameterExpression> found = [];

    private FreeVariables(IEnumerable<Linq.ParameterExpression> declared) => this.declared = [.. declared];

    public static List<Linq.ParameterExpression> Of(Linq.Expression e, IEnumerable<Linq.ParameterExpression> declared)
    {
        var visitor = new FreeVariables(declared);
        visitor.Visit(e);
        return visitor.found;
    }

    public static List<Linq.ParameterExpression> Of(Linq.LambdaExpression lambda) => Of(lambda.Body, lambda.Parameters);

    protected override Linq.Expression VisitBlock(Linq.BlockExpression node)
    {
        declared.UnionWith(node.Variables);
        return base.VisitBlock(node);
    }

    protected override Linq.Expression VisitLambda<T>(Linq.Expression<T> node)
    {
        declared.UnionWith(node.Parameters);
        return base.VisitLambda(node);
    }

    protected override Linq.Expression VisitParameter(Linq.ParameterExpression node)
    {
        if (!declared.Contains(node) && seen.Add(node))
            found.Add(node);
        return node;
    }
}
