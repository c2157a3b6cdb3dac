using System.Numerics;
using JitDsl.Lowering.Runtime;

namespace JitDsl.Backends.Llvm;

/// <summary>
/// A kernel compiled to native code, called from .NET: packs the arguments into slots (arrays pinned,
/// passed as pointer plus shape, never copied), calls the entry point, reads the result, and turns an
/// error the kernel recorded into the exception the Clr backend throws for it.
/// </summary>
internal sealed unsafe class NativeKernel(IntPtr entry, Type[] parameters, Type result, IReadOnlyList<string> sites)
{
    private readonly delegate* unmanaged<NativeContext*, long*, void*, int> entry = (delegate* unmanaged<NativeContext*, long*, void*, int>)entry;
    private readonly int slotCount = parameters.Sum(Llvm.IrGen.IrType.Slots);

    public object? Invoke(object?[] args)
    {
        using var call = NativeCall.Current;
        var slots = stackalloc long[Math.Max(1, slotCount)];
        var slot = 0;
        for (var k = 0; k < parameters.Length; k++)
            slot += Pack(args[k]!, slots + slot, call);
        var context = new NativeContext
        {
            Random = KernelRandom.ForThisThread.State,
            Allocate = &NativeCallbacks.Allocate,
            ComplexMath = &NativeCallbacks.ComplexMath,
            Threads = Threads.GetNumThreads(),
            ParallelFor = &NativeCallbacks.ParallelFor,
        };
        var resultBytes = stackalloc byte[NativeAbi.ResultBytes];
        if (entry(&context, slots, resultBytes) != 0)
            Fail(context, call);
        return Read(resultBytes, call);
    }

    private static int Pack(object arg, long* slot, NativeCall call)
    {
        switch (arg)
        {
            case INdArray view:
                slot[0] = call.Pin(view.Storage);
                slot[1] = view.Offset;
                slot[2] = call.Pin(view.ShapeArray);
                slot[3] = call.Pin(view.StrideArray);
                return 4;
            case Array array:
                slot[0] = call.Pin(array);
                for (var k = 0; k < array.Rank; k++)
                    slot[1 + k] = array.GetLength(k);
                return 1 + array.Rank;
            case Complex z:
                *(Complex*)slot = z;
                return 2;
            case double d:
                *(double*)slot = d;
                return 1;
            case float f:
                *(float*)slot = f;
                return 1;
            case long l:
                *slot = l;
                return 1;
            case int i:
                *(int*)slot = i;
                return 1;
            case bool b:
                *(byte*)slot = b ? (byte)1 : (byte)0;
                return 1;
            default:
                throw new JitInternalException($"no native slot for {arg.GetType().Name}");
        }
    }

    private object? Read(byte* bytes, NativeCall call)
    {
        if (result == typeof(void))
            return null;
        if (result.IsArray)
            return call.ArrayAt(*(IntPtr*)bytes);
        return result == typeof(double) ? *(double*)bytes
            : result == typeof(float) ? *(float*)bytes
            : result == typeof(long) ? *(long*)bytes
            : result == typeof(int) ? *(int*)bytes
            : result == typeof(bool) ? *bytes != 0
            : result == typeof(Complex) ? *(Complex*)bytes
            : throw new JitInternalException($"no native result of type {result.Name}");
    }

    /// <summary>Throws what the Clr backend throws for the error the kernel recorded.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(NativeContext context, NativeCall call)
    {
        var details = new long[context.Error == (long)NativeError.BroadcastMismatch ? Math.Clamp(context.Value1, 0, NativeAbi.DetailCount) : 0];
        for (var k = 0; k < details.Length; k++)
            details[k] = context.Details[k];
        Raise((NativeError)context.Error, context.Value1, context.Value2, context.Site, sites, details, call.Failure);
    }

    /// <summary>
    /// Throws what the Clr backend throws for an error native or GPU code recorded: its code, two values, the index
    /// of its site, the lengths of a broadcast mismatch, the managed exception of a failed callback.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void Raise(NativeError error, long value1, long value2, long siteIndex, IReadOnlyList<string> sites, long[] details,
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure)
    {
        var site = siteIndex >= 0 && siteIndex < sites.Count ? sites[(int)siteIndex] : "an unknown site";
        switch (error)
        {
            case NativeError.IndexOutOfRange:
                Throw.IndexOutOfRange(value1, value2, site);
                break;
            case NativeError.DivisionByZero:
                Throw.DivisionByZero(value1 == 0 ? "integer division" : "integer modulo", site);
                break;
            case NativeError.NegativePower:
                Throw.NegativePower(site);
                break;
            case NativeError.ZeroStep:
                Throw.ZeroStep(site);
                break;
            case NativeError.BadDimension:
                Throw.BadDimension(value1, site);
                break;
            case NativeError.ShapeMismatch:
                Throw.ShapeMismatch(value1, value2, site);
                break;
            case NativeError.BroadcastMismatch:
                Throw.BroadcastMismatch(details[..(int)Math.Clamp(value1, 0, details.Length)], site);
                break;
            case NativeError.EmptyReduction:
                Throw.EmptyReduction(site);
                break;
            case NativeError.CallbackFailed when failure is not null:
                failure.Throw();
                break;
        }
        throw new JitInternalException($"compiled code reported error {(long)error}, which JitDsl does not know");
    }
}
