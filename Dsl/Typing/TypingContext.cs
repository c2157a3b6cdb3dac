using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Typing;

/// <summary>
/// One typing job: the kernel being compiled and every device function it calls, each typed once per
/// signature. Detects recursion, which kernels do not support.
/// </summary>
internal sealed class TypingContext
{
    private readonly Dictionary<(KernelTree, Signature), TypedKernel> typed = [];
    private readonly HashSet<(KernelTree, Signature)> active = [];

    public TypedKernel Type(KernelTree kernel, Signature signature, SourceLoc callSite)
    {
        var key = (kernel, signature);
        if (typed.TryGetValue(key, out var done))
            return done;
        if (!active.Add(key))
            throw new TypingException(ErrorCodes.Recursion,
                $"kernel `{kernel.Name}` calls itself (directly or through other kernels); kernels cannot recurse", callSite);
        try
        {
            return typed[key] = TypeInference.Run(kernel, signature, this);
        }
        finally
        {
            active.Remove(key);
        }
    }
}
