using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;

namespace JitDsl.Backends.Dispatch;

/// <summary>Checks what the host passes to a kernel, and the signatures it is compiled for.</summary>
internal static class Arguments
{
    /// <summary>The kernel types of the arguments of a call: the right count, none null, each of a type kernels take.</summary>
    public static Signature TypesOf(KernelTree kernel, object?[] args)
    {
        if (args.Length != kernel.Parameters.Count)
            throw new KernelArgumentException(ErrorCodes.ArgumentCount,
                $"kernel `{kernel.Name}` takes {kernel.Parameters.Count} argument(s) ({string.Join(", ", kernel.Parameters.Select(p => p.Name))}) but was given {args.Length}");
        var types = new JitType[args.Length];
        for (var k = 0; k < args.Length; k++)
        {
            var name = kernel.Parameters[k].Name;
            var arg = args[k] ?? throw new KernelArgumentException(ErrorCodes.NullArgument,
                $"argument `{name}` of kernel `{kernel.Name}` is null", name);
            types[k] = DTypes.JitTypeOf(arg) ?? throw new KernelArgumentException(ErrorCodes.ArgumentType,
                $"argument `{name}` of kernel `{kernel.Name}` is a {arg.GetType().Name}; kernels take bool, int, long, float, double, Complex, arrays of them (T[], T[,]) and NdArray<T>",
                name);
            if (arg is Array array)
                RequireZeroBased(array, name, kernel.Name);
        }
        return new Signature(types);
    }

    /// <summary>Refuses an array whose indices do not all start at 0 (a <c>T[*]</c>, or a <c>T[,]</c> made with lower bounds).</summary>
    public static void RequireZeroBased(Array array, string name, string kernelName)
    {
        if (!IsZeroBased(array))
            throw new KernelArgumentException(ErrorCodes.ArgumentType,
                $"argument `{name}` of kernel `{kernelName}` is an array whose indices do not start at 0; kernels take arrays indexed from 0 (T[], T[,])",
                name);
    }

    public static bool IsZeroBased(Array array)
    {
        if (array.Rank == 1)
            return array.GetType().IsSZArray;
        for (var k = 0; k < array.Rank; k++)
        {
            if (array.GetLowerBound(k) != 0)
                return false;
        }
        return true;
    }

    /// <summary>Each type is one its parameter's handle accepts (an <c>Arr&lt;double&gt;</c> takes only float64 arrays).</summary>
    public static void CheckAccepted(KernelTree kernel, Signature signature)
    {
        for (var k = 0; k < signature.Parameters.Count; k++)
        {
            var parameter = kernel.Parameters[k];
            if (!parameter.Accepts(signature.Parameters[k]))
                throw new KernelArgumentException(ErrorCodes.ParameterMismatch,
                    $"argument `{parameter.Name}` of kernel `{kernel.Name}` accepts {parameter.Describe()}, not {signature.Parameters[k]}", parameter.Name);
        }
    }

    /// <summary>A declared signature fits the kernel: as many arguments as parameters, each accepted by its handle.</summary>
    public static void CheckDeclared(KernelTree kernel, DeclaredSignature declared)
    {
        if (declared.Arguments.Parameters.Count != kernel.Parameters.Count)
            throw new TypingException(ErrorCodes.SignatureSyntax,
                $"signature {declared} has {declared.Arguments.Parameters.Count} argument(s) but kernel `{kernel.Name}` takes {kernel.Parameters.Count}", kernel.Loc);
        for (var k = 0; k < kernel.Parameters.Count; k++)
        {
            if (!kernel.Parameters[k].Accepts(declared.Arguments.Parameters[k]))
                throw new TypingException(ErrorCodes.ParameterMismatch,
                    $"signature {declared} gives parameter `{kernel.Parameters[k].Name}` a {declared.Arguments.Parameters[k]}, but it accepts a {kernel.Parameters[k].Describe()}", kernel.Loc);
        }
    }

    /// <summary>NumPy's <c>can_cast(from, to, 'safe')</c> for scalars; arrays only match themselves.</summary>
    public static bool CanCastSafely(JitType from, JitType to) =>
        from == to || (!from.IsArray && !to.IsArray && Promotion.CanCastSafely(from.DType, to.DType));

    /// <summary>The arguments converted to the declared scalar types (arrays are passed as they are).</summary>
    public static object?[] ConvertTo(object?[] args, Signature actual, Signature declared)
    {
        var converted = (object?[])args.Clone();
        for (var k = 0; k < args.Length; k++)
        {
            if (actual.Parameters[k] != declared.Parameters[k])
                converted[k] = Constants.Convert(args[k]!, declared.Parameters[k].DType);
        }
        return converted;
    }
}
