using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Typing;

/// <summary>
/// A kernel specialized for one signature: the body with every expression typed and every conversion
/// explicit, the type of every local, and the result type (null when the kernel returns nothing).
/// </summary>
internal sealed class TypedKernel(
    KernelTree source, Signature signature, JitType? returnType, Block body, IReadOnlyDictionary<Local, JitType> localTypes)
{
    public KernelTree Source { get; } = source;

    public string Name => Source.Name;

    public Signature Signature { get; } = signature;

    public JitType? ReturnType { get; } = returnType;

    public Block Body { get; } = body;

    public IReadOnlyDictionary<Local, JitType> LocalTypes { get; } = localTypes;

    public TypedKernel WithBody(Block body) => new(Source, Signature, ReturnType, body, LocalTypes);

    public override string ToString() => $"{Name}{Signature} -> {ReturnType?.ToString() ?? "void"}";
}
