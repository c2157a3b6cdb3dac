namespace JitDsl.Dsl.Tree;

/// <summary>
/// What a kernel's parameter accepts. <see cref="MustBeArray"/> comes from an <c>Arr</c> handle;
/// <see cref="PinnedDType"/> from <c>Val&lt;T&gt;</c> or <c>Arr&lt;T&gt;</c>; a plain <c>Val</c> accepts anything,
/// a pinned <c>Val&lt;T&gt;</c> only a scalar.
/// </summary>
internal sealed record KernelParameter(string Name, bool MustBeArray, DType? PinnedDType)
{
    public bool MustBeScalar => PinnedDType is not null && !MustBeArray;

    public bool Accepts(JitType type) =>
        !(MustBeArray && !type.IsArray) && !(MustBeScalar && type.IsArray) && (PinnedDType is null || PinnedDType == type.DType);

    public string Describe() =>
        (PinnedDType?.Name() ?? "any") + (MustBeArray ? " array" : MustBeScalar ? " scalar" : " value");
}

/// <summary>
/// A traced kernel before typing: the same tree serves every specialization. Compared by reference:
/// a kernel is one definition.
/// </summary>
internal sealed class KernelTree(string name, IReadOnlyList<KernelParameter> parameters, Block body, SourceLoc loc)
{
    public string Name { get; } = name;

    public IReadOnlyList<KernelParameter> Parameters { get; } = parameters;

    public Block Body { get; } = body;

    /// <summary>Where the kernel was defined.</summary>
    public SourceLoc Loc { get; } = loc;
}
