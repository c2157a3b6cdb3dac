using System.Linq.Expressions;

namespace JitDsl.Backends.Clr;

/// <summary>
/// The embedded backend: <see cref="LambdaExpression.Compile()"/> hands the lowered tree to the .NET JIT.
/// No native dependency, always available.
/// </summary>
internal static class ClrBackend
{
    public static CompiledKernel Compile(LambdaExpression lowered)
    {
        var typed = lowered.Compile();
        return new CompiledKernel(typed, BoxedEntry(typed, lowered));
    }

    /// <summary>A compiled adapter from <c>object?[]</c> to the typed delegate, so dynamic calls avoid reflection.</summary>
    private static Func<object?[], object?> BoxedEntry(Delegate typed, LambdaExpression lowered)
    {
        var args = Expression.Parameter(typeof(object?[]), "args");
        var call = Expression.Invoke(
            Expression.Constant(typed),
            lowered.Parameters.Select((p, k) => Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(k)), p.Type)));
        Expression body = lowered.ReturnType == typeof(void)
            ? Expression.Block(call, Expression.Constant(null, typeof(object)))
            : Expression.Convert(call, typeof(object));
        return Expression.Lambda<Func<object?[], object?>>(body, args).Compile();
    }
}
