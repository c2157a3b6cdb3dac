using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;

namespace JitDsl;

/// <summary>
/// A mutable scalar variable of a kernel, made with <c>Var(initial)</c>. Read and assign it through
/// <see cref="Value"/> (<c>total.Value += x</c> records an assignment). Used directly as a <see cref="Val"/>,
/// it reads the variable's value at that point.
/// </summary>
public sealed class Var : Val
{
    internal Var(Tracer tracer, Local local) : base(tracer) => Local = local;

    internal Local Local { get; }

    internal override Expr Node => Tracer.ReadVariable(Local, CallerLocation.Capture());

    /// <summary>Reading gives the variable's value now; assigning records an assignment.</summary>
    public Val Value
    {
        get => new(Tracer, Tracer.ReadVariable(Local, CallerLocation.Capture()));
        set => Tracer.Assign(Local, value, CallerLocation.Capture());
    }
}
