using System.Runtime.CompilerServices;
using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Tracing;

/// <summary>
/// Rejects a value used outside the block that defines it: a C# variable can carry a handle out of a
/// loop body or a branch, where the value it stands for does not exist.
/// </summary>
internal static class ScopeCheck
{
    public static void Run(Block body) => CheckBlock(body, new ScopeChain(null));

    private static void CheckBlock(Block block, ScopeChain scope)
    {
        foreach (var statement in block.Statements)
            Check(statement, scope);
    }

    private static void Check(Stmt statement, ScopeChain scope)
    {
        switch (statement)
        {
            case Declare d:
                CheckExpr(d.Init, scope, d.Loc);
                scope.Locals.Add(d.Local);
                break;
            case Assign a:
                CheckLocal(a.Local, scope, a.Loc);
                CheckExpr(a.Value, scope, a.Loc);
                break;
            case If i:
                CheckExpr(i.Condition, scope, i.Loc);
                CheckBlock(i.Then, new ScopeChain(scope));
                CheckBlock(i.Else, new ScopeChain(scope));
                break;
            case For f:
                CheckExpr(f.Start, scope, f.Loc);
                CheckExpr(f.Stop, scope, f.Loc);
                CheckExpr(f.Step, scope, f.Loc);
                var body = new ScopeChain(scope);
                body.Locals.Add(f.Index);
                CheckBlock(f.Body, body);
                break;
            case While w:
                // The body runs after the prelude of the same iteration, so it sees the prelude's temporaries.
                var prelude = new ScopeChain(scope);
                CheckBlock(w.Prelude, prelude);
                CheckExpr(w.Condition, prelude, w.Loc);
                CheckBlock(w.Body, new ScopeChain(prelude));
                break;
            default:
                foreach (var e in TreeWalk.Expressions(statement))
                    CheckExpr(e, scope, statement.Loc);
                break;
        }
    }

    // A reference carries the location where its local was defined; report the place that uses it.
    private static void CheckExpr(Expr e, ScopeChain scope, SourceLoc useLoc)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        if (e is LocalRef r)
        {
            CheckLocal(r.Local, scope, useLoc);
            return;
        }
        foreach (var child in TreeWalk.Children(e))
            CheckExpr(child, scope, e.Loc.IsKnown ? e.Loc : useLoc);
    }

    private static void CheckLocal(Local local, ScopeChain scope, SourceLoc loc)
    {
        if (scope.Contains(local))
            return;
        var hint = local.Kind switch
        {
            LocalKind.LoopIndex => "the index of a For loop exists only inside the loop's body",
            LocalKind.Variable => "declare the Var before the block so that it outlives it",
            _ => "it was computed inside a block (an If branch or a loop body); keep it in a Var declared before the block",
        };
        throw new TypingException(ErrorCodes.OutOfScope, $"`{local.Name}` is used outside the block that defines it: {hint}", loc);
    }

    private sealed class ScopeChain(ScopeChain? parent)
    {
        public HashSet<Local> Locals { get; } = [];

        public bool Contains(Local local) => Locals.Contains(local) || (parent?.Contains(local) ?? false);
    }
}
