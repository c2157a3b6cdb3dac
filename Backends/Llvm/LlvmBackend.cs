using System.Linq.Expressions;
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
    private const string Placeholder = "jd.entry";

    /// <summary>
    /// The kernel's module. Its entry point is named after the hash of its IR, so identical kernels (in this
    /// process or, through the disk cache, in another) share one piece of object code.
    /// </summary>
    public static NativeModule Generate(LambdaExpression lowered, JitOptions options)
    {
        var llvm = LlvmLibrary.Require();
        var draft = IrCodegen.Generate(lowered, Placeholder, options.FastMath, LlvmTarget.Host, llvm.Version, VectorMath.IsAvailable);
        var key = ObjectCache.Key(draft.Ir, $"LLVM {llvm.Version} {llvm.Path}");
        var name = IrFunction.Identifier(lowered.Name ?? "kernel");
        var symbol = $"jd_{name}_{key[..16]}";
        return draft with { Symbol = symbol, Ir = draft.Ir.Replace($"@{Placeholder}(", $"@{symbol}(", StringComparison.Ordinal), Key = key };
    }

    /// <summary>The module's object code: none needed when it is already linked, else from the disk cache or compiled.</summary>
    public static ObjectCode Emit(NativeModule module, bool cache)
    {
        if (LlvmJit.Instance.IsLoaded(module.Symbol))
            return new ObjectCode(null, "already linked in this process");
        if (cache && ObjectCache.TryRead(module.Key) is { } cached)
            return new ObjectCode(cached, $"read from the disk cache ({ObjectCache.PathOf(module.Key)})");
        var compiled = LlvmCompiler.ObjectCode(module.Ir, module.Symbol);
        if (!cache)
            return new ObjectCode(compiled, "compiled at O3");
        ObjectCache.Write(module.Key, compiled);
        return new ObjectCode(compiled, $"compiled at O3, stored in the disk cache ({ObjectCache.PathOf(module.Key)})");
    }

    public static CompiledKernel Link(NativeModule module, ObjectCode code, LambdaExpression lowered)
    {
        var entry = LlvmJit.Instance.Load(code.Bytes, module.Symbol);
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

/// <summary>A module's object code (null when the module is already linked) and where it came from.</summary>
internal sealed record ObjectCode(byte[]? Bytes, string Source);
