using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Typing;

/// <summary>
/// One typing job: the kernel being compiled and every device function it calls, each typed once per
/// signature. A kernel can only call kernels that existed when it was traced, so calls never form a cycle.
/// </summary>
internal sealed class TypingContext
{
    private readonly Dictionary<(KernelTree, Signature), TypedKernel> typed = [];

    public TypedKernel Type(KernelTree kernel, Signature signature)
    {
        var key = (kernel, signature);
        if (!typed.TryGetValue(key, out var done))
            typed[key] = done = TypeInference.Run(kernel, signature, this);
        return done;
    }
}
