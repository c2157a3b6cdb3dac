using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Typing;

/// <summary>The argument types a kernel is specialized for; the key of the dispatcher's cache.</summary>
internal sealed record Signature(NodeList<JitType> Parameters)
{
    public override string ToString() => $"({string.Join(", ", Parameters)})";
}

/// <summary>An explicit signature such as <c>float64(float64[:])</c>: argument types and, unless void, the result type.</summary>
internal sealed record DeclaredSignature(JitType? Result, Signature Arguments)
{
    public override string ToString() => $"{Result?.ToString() ?? "void"}{Arguments}";
}
