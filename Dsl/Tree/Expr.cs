using JitDsl.Dsl.Typing;

namespace JitDsl.Dsl.Tree;

/// <summary>
/// An expression of the kernel tree. Trees are immutable; the tracer builds them without types
/// (<see cref="Type"/> is null) and type inference rebuilds them with every <see cref="Type"/> set and
/// every implicit conversion made an explicit <see cref="Cast"/>. Equality is structural and ignores
/// <see cref="Loc"/>: two reads of <c>a[i]</c> on different lines are the same value.
/// </summary>
internal abstract record Expr
{
    public SourceLoc Loc { get; init; }

    public JitType? Type { get; init; }

    /// <summary>The type, for passes that run after type inference.</summary>
    public JitType T => Type ?? throw new JitInternalException($"untyped {GetType().Name} after typing");

    public virtual bool Equals(Expr? other) =>
        other is not null && EqualityContract == other.EqualityContract && Type == other.Type;

    public override int GetHashCode() => HashCode.Combine(EqualityContract, Type);
}

/// <summary>
/// A literal. <see cref="Weak"/> marks a C# <c>int</c> or <c>double</c> literal, which takes the type of the
/// other operand the way NumPy 2 treats Python scalars (NEP 50): <c>x_float32 * 2.0</c> stays float32.
/// <see cref="Value"/> is the boxed .NET value of <see cref="DType"/>.
/// </summary>
internal sealed record Const(object Value, DType DType, bool Weak) : Expr;

/// <summary>The kernel's parameter number <see cref="Index"/>.</summary>
internal sealed record ParamRef(int Index, string Name) : Expr;

/// <summary>The current value of a variable, a temporary or a loop index.</summary>
internal sealed record LocalRef(Local Local) : Expr;

internal sealed record Unary(UnaryOp Op, Expr Operand) : Expr;

internal sealed record Binary(BinaryOp Op, Expr Left, Expr Right) : Expr;

internal sealed record MathCall(MathFunction Function, NodeList<Expr> Args) : Expr;

/// <summary>Conversion to a scalar dtype: floats to integers truncate toward zero, numbers to bool test for non-zero.</summary>
internal sealed record Cast(DType To, Expr Operand) : Expr
{
    /// <summary>NumPy's <c>casting='same_kind'</c> (a ufunc's <c>dtype=</c>): an operand of a higher kind than <see cref="To"/> is JD0022.</summary>
    public bool SameKind { get; init; }
}

/// <summary><c>cond ? ifTrue : ifFalse</c>; only the chosen side is evaluated.</summary>
internal sealed record Select(Expr Condition, Expr IfTrue, Expr IfFalse) : Expr;

/// <summary>The length of one axis of an array (int64).</summary>
internal sealed record ArrayShape(Expr Array, int Axis) : Expr;

/// <summary>The number of elements of an array (int64).</summary>
internal sealed record ArraySize(Expr Array) : Expr;

/// <summary>
/// An element read. Negative indices count from the end, as in Python. <see cref="BoundsChecked"/> is
/// cleared by bounds-check elimination where the index is proven in range.
/// </summary>
internal sealed record Load(Expr Array, NodeList<Expr> Indices) : Expr
{
    public bool BoundsChecked { get; init; } = true;
}

/// <summary>
/// A call of another kernel (a device function). After typing, <see cref="Target"/> is the callee's
/// specialization for the argument types. The tracer binds every call to a temporary, so it runs once.
/// </summary>
internal sealed record KernelCall(KernelTree Callee, NodeList<Expr> Args) : Expr
{
    public TypedKernel? Target { get; init; }
}

/// <summary>
/// A scalar kernel applied to every element of its arguments, broadcast together: a ufunc's call. With
/// <see cref="Signatures"/>, the first the arguments' dtypes cast to safely decides the callee's types. After
/// typing, <see cref="Target"/> is the callee's specialization; fusion turns each element into a <see cref="KernelCall"/>.
/// </summary>
internal sealed record MapCall(KernelTree Callee, NodeList<Expr> Args) : Expr
{
    public IReadOnlyList<DeclaredSignature>? Signatures { get; init; }

    public TypedKernel? Target { get; init; }
}

/// <summary>A uniform float64 in [0, 1) from the calling thread's generator.</summary>
internal sealed record RandomUniform : Expr;

/// <summary>What a <see cref="GpuIntrinsic"/> reads or does, as CUDA names it.</summary>
internal enum GpuQuantity
{
    /// <summary><c>threadIdx</c>: the thread's index in its block.</summary>
    ThreadIndex,
    /// <summary><c>blockIdx</c>: the block's index in the grid.</summary>
    BlockIndex,
    /// <summary><c>blockDim</c>: threads per block.</summary>
    BlockSize,
    /// <summary><c>gridDim</c>: blocks in the grid.</summary>
    GridSize,
    /// <summary><c>__syncthreads()</c>: every thread of the block waits for the others (its value, 0, is not used).</summary>
    Barrier,
}

/// <summary>CUDA's atomic operations on an array element.</summary>
internal enum GpuAtomicOp
{
    Add,
    Min,
    Max,
    Exchange,
    /// <summary>Operands array, index, compare, value: stores the value if the element equals compare.</summary>
    CompareExchange,
}

/// <summary>
/// <c>cuda.atomic.add(array, index, value)</c> and its kin: operands array (1-D), index, value (and compare, first,
/// for <see cref="GpuAtomicOp.CompareExchange"/>); the value is the element's old one. Only in CUDA kernels.
/// </summary>
internal sealed record GpuAtomic(GpuAtomicOp Op, NodeList<Expr> Operands) : Expr;

/// <summary>
/// <c>xoroshiro128p_uniform_float64(states, index)</c>: a uniform float64 in [0, 1) from the generator at
/// <see cref="Index"/> of <see cref="States"/> (int64, two words per generator), which it advances. Only in CUDA kernels.
/// </summary>
internal sealed record GpuUniform(Expr States, Expr Index) : Expr;

/// <summary>A CUDA kernel's view of its launch along <see cref="Axis"/> (0, 1, 2 for x, y, z), as int64; only in kernels made by <c>Cuda.Kernel</c>.</summary>
internal sealed record GpuIntrinsic(GpuQuantity Quantity, int Axis) : Expr;

/// <summary>A new C-ordered array; <see cref="Zeroed"/> distinguishes <c>Zeros</c> from <c>Empty</c>.</summary>
internal sealed record Alloc(DType Element, NodeList<Expr> Shape, bool Zeroed) : Expr
{
    /// <summary>A CUDA block's shared array (<c>cuda.shared.array</c>): one per block, of a length known when compiling.</summary>
    public bool Shared { get; init; }
}

/// <summary><c>EmptyLike(a)</c>/<c>ZerosLike(a)</c>; type inference replaces it with an <see cref="Alloc"/>.</summary>
internal sealed record AllocLike(Expr Source, bool Zeroed) : Expr;

/// <summary>
/// A reduction of whole arrays to a scalar (<c>Sum(x * x)</c>); the fusion pass turns it into one loop over
/// its operand's elements, so the operand is never stored. Two operands for <see cref="ReduceOp.Dot"/>, one otherwise.
/// </summary>
internal sealed record Reduction(ReduceOp Op, NodeList<Expr> Operands) : Expr
{
    /// <summary>The axis reduced (0 or more after typing), or null for all elements.</summary>
    public int? Axis { get; init; }

    /// <summary>Along an axis: the result keeps it, with length 1 (NumPy's <c>keepdims=True</c>).</summary>
    public bool KeepDims { get; init; }

    /// <summary>For <see cref="ReduceOp.Fold"/> and <see cref="ReduceOp.Accumulate"/>: the ufunc folded, as a <see cref="MapCall"/> of no arguments.</summary>
    public MapCall? Ufunc { get; init; }

    /// <summary>
    /// For the <see cref="ReduceOp.Fold"/> of a ufunc declared associative: its identity, where each chunk of a
    /// parallel fold starts (the chunks' results are then folded in order). Null: the fold runs in order, whole.
    /// </summary>
    public Expr? ChunkIdentity { get; init; }
}

/// <summary>What a <see cref="ShapeCheck"/> requires of its lengths.</summary>
internal enum ShapeRule
{
    /// <summary>
    /// Always fails, naming the shapes: its lengths are every dimension of the operands that do not broadcast
    /// together (fusion tests that first, and reaches this only when they do not).
    /// </summary>
    Mismatch,
    /// <summary>A value's length broadcasts into a target's (equal, or the value's is 1); the value is the target's.</summary>
    BroadcastInto,
    /// <summary>Two lengths are equal; the value is the length.</summary>
    SameLength,
    /// <summary>A number of elements is not zero; the value is that number.</summary>
    NonEmpty,
}

/// <summary>
/// A check on array lengths made by fusion (int64, the length that passed); a failure raises JD0045 or JD0046
/// with <see cref="What"/>, which names the operation and the user's line.
/// </summary>
internal sealed record ShapeCheck(ShapeRule Rule, NodeList<Expr> Lengths, string What) : Expr;
