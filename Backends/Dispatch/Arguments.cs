using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;

namespace JitDsl.Backends.Dispatch;

/// <summary>Checks the arguments of a call from the host and finds their kernel types.</summary>
internal static class Arguments
{
    public static Signature SignatureOf(KernelTree kernel, object?[] args)
    {
        if (args.Length != kernel.Parameters.Count)
            throw new KernelArgumentException(ErrorCodes.ArgumentCount,
                $"kernel `{kernel.Name}` takes {kernel.Parameters.Count} argument(s) ({string.Join(", ", kernel.Parameters.Select(p => p.Name))}) but was given {args.Length}");
        var types = new JitType[args.Length];
        for (var k = 0; k < args.Length; k++)
        {
            var parameter = kernel.Parameters[k];
            var arg = args[k] ?? throw new KernelArgumentException(ErrorCodes.NullArgument,
                $"argument `{parameter.Name}` of kernel `{kernel.Name}` is null", parameter.Name);
            types[k] = DTypes.JitTypeOf(arg.GetType()) ?? throw new KernelArgumentException(ErrorCodes.ArgumentType,
                $"argument `{parameter.Name}` of kernel `{kernel.Name}` is a {arg.GetType().Name}; kernels take bool, int, long, float, double, Complex and arrays of them (T[], T[,])",
                parameter.Name);
            if (!parameter.Accepts(types[k]))
                throw new KernelArgumentException(ErrorCodes.ParameterMismatch,
                    $"argument `{parameter.Name}` of kernel `{kernel.Name}` must be a {parameter.Describe()}, not {types[k]}", parameter.Name);
        }
        return new Signature(types);
    }

    /// <summary>NumPy's <c>can_cast(from, to, 'safe')</c> for scalars; arrays only match themselves.</summary>
    public static bool CanCastSafely(JitType from, JitType to)
    {
        if (from == to)
            return true;
        if (from.IsArray || to.IsArray)
            return false;
        return (from.DType, to.DType) switch
        {
            (DType.Bool, _) => true,
            (DType.Int32, DType.Int64 or DType.Float64 or DType.Complex128) => true,
            (DType.Int64, DType.Float64 or DType.Complex128) => true,
            (DType.Float32, DType.Float64 or DType.Complex128) => true,
            (DType.Float64, DType.Complex128) => true,
            _ => false,
        };
    }

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
