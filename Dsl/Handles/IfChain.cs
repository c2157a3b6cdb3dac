using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;

namespace JitDsl;

/// <summary>The If statement just recorded, to chain <see cref="ElseIf"/> and <see cref="Else"/> onto.</summary>
public sealed class IfChain
{
    private readonly Tracer tracer;
    private readonly PendingBlock parent;
    private readonly PendingIf root;
    private readonly PendingIf last;

    internal IfChain(Tracer tracer, PendingBlock parent, PendingIf root, PendingIf last)
    {
        this.tracer = tracer;
        this.parent = parent;
        this.root = root;
        this.last = last;
    }

    /// <summary>
    /// Runs <paramref name="then"/> when no earlier condition of the chain held and <paramref name="condition"/> does.
    /// Chain it right after its If: a random draw or kernel call made in between counts as part of this
    /// condition, and runs only when the chain gets this far.
    /// </summary>
    public IfChain ElseIf(
        Val condition, Action then,
        [System.Runtime.CompilerServices.CallerFilePath] string file = "",
        [System.Runtime.CompilerServices.CallerLineNumber] int line = 0) =>
        new(tracer, parent, root, tracer.ElseIf(parent, root, last, condition, then, CallerLocation.From(file, line)));

    /// <summary>Runs <paramref name="body"/> when no condition of the chain held.</summary>
    public void Else(
        Action body,
        [System.Runtime.CompilerServices.CallerFilePath] string file = "",
        [System.Runtime.CompilerServices.CallerLineNumber] int line = 0) =>
        tracer.Else(parent, root, last, body, CallerLocation.From(file, line));
}
