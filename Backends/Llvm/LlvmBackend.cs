using System.Diagnostics;
using System.Linq.Expressions;
using JitDsl.Backends.Clr;
using JitDsl.Backends.Llvm.Interop;
using JitDsl.Backends.Llvm.IrGen;

namespace JitDsl.Backends.Llvm;

/// <summary>
/// The LLVM backend: the lowered tree as IR, optimised at O3 for this CPU (vectorised, libmvec for math in
/// loops, fast-math when asked), linked by ORC, called through <see cref="NativeKernel"/>. Each step is a
/// stage of <see cref="Pipeline"/> so that <c>Inspect</c> shows its output and time.
/// </summary>
internal static class LlvmBackend
{
    private static int symbols;

    public static NativeModule Generate(LambdaExpression lowered, JitOptions options)
    {
        var llvm = LlvmLibrary.Require();
        var symbol = $"jd_{new string((lowered.Name ?? "kernel").Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray())}_{Interlocked.Increment(ref symbols)}";
        return IrCodegen.Generate(lowered, symbol, options.FastMath, LlvmTarget.Host, llvm.Version, LlvmJit.Instance.HasVectorMath);
    }

    public static CompiledKernel Link(NativeModule module, byte[] objectCode, LambdaExpression lowered)
    {
        var entry = LlvmJit.Instance.Load(objectCode, module.Symbol);
        var native = new NativeKernel(entry, lowered.Parameters.Select(p => p.Type).ToArray(), lowered.ReturnType, module.Sites);
        return new CompiledKernel(TypedEntry(native, lowered), native.Invoke);
    }

    /// <summary>A delegate of the lowered lambda's own type (what <c>Compile&lt;TDelegate&gt;</c> returns) over the native entry.</summary>
    private static Delegate TypedEntry(NativeKernel native, LambdaExpression lowered)
    {
        var parameters = lowered.Parameters.Select(p => Expression.Parameter(p.Type, p.Name)).ToArray();
        var call = Expression.Call(Expression.Constant(native), typeof(NativeKernel).GetMethod(nameof(NativeKernel.Invoke))!,
            Expression.NewArrayInit(typeof(object), parameters.Select(p => Expression.Convert(p, typeof(object)))));
        Expression body = lowered.ReturnType == typeof(void) ? call : Expression.Convert(call, lowered.ReturnType);
        return Expression.Lambda(lowered.Type, body, lowered.Name, parameters).Compile();
    }
}
