using System.Reflection;
using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;

namespace JitDsl;

/// <summary>Maps the parameter and return types of a kernel's lambda to what the kernel accepts.</summary>
internal static class Handles
{
    public static KernelParameter DescribeParameter(ParameterInfo parameter, SourceLoc loc)
    {
        var type = parameter.ParameterType;
        var name = parameter.Name ?? $"arg{parameter.Position}";
        if (type == typeof(Val))
            return new KernelParameter(name, MustBeArray: false, PinnedDType: null);
        if (type == typeof(Arr))
            return new KernelParameter(name, MustBeArray: true, PinnedDType: null);
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Val<>) || type.GetGenericTypeDefinition() == typeof(Arr<>)))
        {
            var element = type.GetGenericArguments()[0];
            var dtype = DTypes.FromClr(element) ?? throw new TypingException(ErrorCodes.KernelLambdaType,
                $"parameter `{name}`: {element.Name} is not a kernel dtype; use bool, int, long, float, double or Complex", loc);
            var isArray = type.GetGenericTypeDefinition() == typeof(Arr<>);
            return new KernelParameter(name, MustBeArray: isArray, dtype);
        }
        throw new TypingException(ErrorCodes.KernelLambdaType,
            $"parameter `{name}` has type {type.Name}; a kernel's parameters are Val, Arr, Val<T> or Arr<T> handles", loc);
    }

    /// <summary>A lambda may return a handle, nothing, or a C# literal such as <c>return -1;</c>.</summary>
    public static void CheckReturnType(Type type, SourceLoc loc)
    {
        if (type != typeof(void) && !typeof(Val).IsAssignableFrom(type) && DTypes.FromClr(type) is null)
            throw new TypingException(ErrorCodes.KernelLambdaType,
                $"the kernel's lambda returns {type.Name}; return a Val, a number, or nothing", loc);
    }

    /// <summary>What the lambda returned, as a handle: literals convert as they do everywhere else (int and double are weak).</summary>
    public static Val? Result(object? value) => value switch
    {
        Val v => v,
        int i => i,
        double d => d,
        long l => l,
        float f => f,
        bool b => b,
        System.Numerics.Complex z => z,
        _ => null,
    };

    public static Val ForParameter(Tracer tracer, Type handleType, ParamRef node)
    {
        if (handleType == typeof(Val))
            return new Val(tracer, node);
        if (handleType == typeof(Arr))
            return new Arr(tracer, node);
        return (Val)Activator.CreateInstance(handleType, BindingFlags.NonPublic | BindingFlags.Instance, null, [tracer, node], null)!;
    }
}
