namespace JitDsl.Dsl.Tree;

/// <summary>A statement of the kernel tree. Equality is structural and ignores <see cref="Loc"/>.</summary>
internal abstract record Stmt
{
    public SourceLoc Loc { get; init; }

    public virtual bool Equals(Stmt? other) => other is not null && EqualityContract == other.EqualityContract;

    public override int GetHashCode() => EqualityContract.GetHashCode();
}

/// <summary>A sequence of statements.</summary>
internal sealed record Block(NodeList<Stmt> Statements)
{
    public static readonly Block Empty = new(NodeList<Stmt>.Empty);
}

/// <summary>Introduces a variable or a temporary with its first value.</summary>
internal sealed record Declare(Local Local, Expr Init) : Stmt;

internal sealed record Assign(Local Local, Expr Value) : Stmt;

/// <summary>An element write; see <see cref="Load"/> for indices and bounds checks.</summary>
internal sealed record Store(Expr Array, NodeList<Expr> Indices, Expr Value) : Stmt
{
    public bool BoundsChecked { get; init; } = true;
}

/// <summary>
/// <c>array[...] = value</c>: every element of <see cref="Array"/> set from <see cref="Value"/>, a scalar or an
/// array expression that broadcasts to the array's shape. <see cref="SameKind"/> (a <c>Map</c>'s output)
/// refuses a value whose dtype the array holds only by truncating, as NumPy's <c>out=</c> does.
/// </summary>
internal sealed record Fill(Expr Array, Expr Value) : Stmt
{
    public bool SameKind { get; init; }
}

internal sealed record If(Expr Condition, Block Then, Block Else) : Stmt;

/// <summary>Python's <c>for index in range(start, stop, step)</c>: the bounds are evaluated once.</summary>
internal sealed record For(Local Index, Expr Start, Expr Stop, Expr Step, Block Body) : Stmt
{
    /// <summary>Start and step when both are literals and the index counts up from 0 or more (it is never negative).</summary>
    public (long Start, long Step)? CountsUp =>
        Start is Const { Value: long start } && start >= 0 && Step is Const { Value: long step } && step > 0 ? (start, step) : null;

    /// <summary>
    /// Made by fusion: the loop over the elements of 1-D arrays that all have exactly <see cref="Stop"/>
    /// elements, each read and written at the index alone, so its body may run on several elements at once.
    /// </summary>
    public bool Elementwise { get; init; }

    /// <summary>
    /// <c>PRange</c>, or a loop fusion made for a parallel kernel: its iterations may run on several threads (in a
    /// kernel compiled with <c>Parallel</c>; serially otherwise). Type inference has checked that the body writes no
    /// variable from outside except the <see cref="Reductions"/>.
    /// </summary>
    public bool Parallel { get; init; }

    /// <summary>The variables from outside a parallel loop that its body updates as <c>v = v op e</c>.</summary>
    public NodeList<ParallelReduction> Reductions { get; init; }
}

/// <summary>
/// A variable a parallel loop's body updates only as <c>v = v op e</c> (<c>e</c> not reading <c>v</c>): each thread
/// starts from the operation's identity, and the partial results are combined with the value before the loop.
/// </summary>
internal sealed record ParallelReduction(Local Variable, ReductionOperator Op)
{
    /// <summary>For <see cref="ReductionOperator.Fold"/>: where each chunk starts (the ufunc's identity).</summary>
    public Expr? Identity { get; init; }

    /// <summary>For <see cref="ReductionOperator.Fold"/>: the variable combined with <see cref="Part"/>, a chunk's result.</summary>
    public Expr? Combination { get; init; }

    public Local? Part { get; init; }
}

/// <summary>The operations a parallel loop can reduce with; <c>v -= e</c> sums the <c>e</c> and subtracts the sum, as Numba does.</summary>
internal enum ReductionOperator
{
    Add,
    Subtract,
    Multiply,
    Min,
    Max,
    /// <summary>An associative ufunc's fold (made by fusion, never recognised in a user's loop).</summary>
    Fold,
}

/// <summary>
/// <c>while cond: body</c>. <see cref="Prelude"/> holds the statements that compute the condition
/// (temporaries bound while it was traced); it runs before every test.
/// </summary>
internal sealed record While(Block Prelude, Expr Condition, Block Body) : Stmt;

internal sealed record Break : Stmt;

internal sealed record Continue : Stmt;

internal sealed record Return(Expr? Value) : Stmt;

/// <summary>Evaluates an expression for its effect (a call whose result is unused).</summary>
internal sealed record Evaluate(Expr Value) : Stmt;

/// <summary>Reseeds the calling thread's generator, like <c>np.random.seed</c> inside a Numba kernel.</summary>
internal sealed record SeedRandom(Expr Seed) : Stmt;
