using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Typing;

internal sealed partial class TypeInference
{
    /// <summary>
    /// Types a kernel for a call from the host. With a declared signature (<c>float32(float32[:])</c>), the
    /// result is converted to the declared type, as Numba does; a result that cannot be is an error.
    /// </summary>
    public static TypedKernel Specialize(KernelTree kernel, Signature signature, DeclaredSignature? declared)
    {
        var typed = new TypingContext().Type(kernel, signature);
        if (declared is null || declared.Result == typed.ReturnType)
            return typed;
        var (want, have) = (declared.Result, typed.ReturnType);
        if (want is null || have is null || want.IsArray || have.IsArray
            || (have.DType == DType.Complex128 && want.DType != DType.Complex128))
            throw new TypingException(ErrorCodes.ReturnMismatch,
                $"the signature {declared} declares a result of {want?.ToString() ?? "void"} but kernel `{kernel.Name}` returns {have?.ToString() ?? "nothing"}",
                kernel.Loc);
        return new TypedKernel(kernel, signature, want, ConvertReturns(typed.Body, want.DType), typed.LocalTypes);
    }

    private static Block ConvertReturns(Block block, DType to) => new(block.Statements.Select(s => ConvertReturns(s, to)).ToArray());

    private static Stmt ConvertReturns(Stmt statement, DType to) => statement switch
    {
        Return { Value: { } v } r => r with { Value = ConvertTo(new Typed(v, false), to, r.Loc) },
        If i => i with { Then = ConvertReturns(i.Then, to), Else = ConvertReturns(i.Else, to) },
        For f => f with { Body = ConvertReturns(f.Body, to) },
        While w => w with { Prelude = ConvertReturns(w.Prelude, to), Body = ConvertReturns(w.Body, to) },
        _ => statement,
    };
}
