using System.Numerics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace JitDsl.Backends.Llvm;

/// <summary>
/// What compiled kernels call back into .NET for: allocating arrays (a managed array, pinned for the call,
/// so the kernel can return it) and the transcendental functions of complex numbers. Neither lets an
/// exception escape into native code.
/// </summary>
internal static unsafe class NativeCallbacks
{
    [UnmanagedCallersOnly]
    public static void* Allocate(NativeContext* context, int dtype, int rank, long* dimensions)
    {
        var call = NativeCall.Current;
        try
        {
            var lengths = new int[rank];
            for (var k = 0; k < rank; k++)
                lengths[k] = checked((int)dimensions[k]);
            return (void*)call.Pin(Array.CreateInstance(((DType)dtype).ClrType(), lengths));
        }
        catch (Exception e)
        {
            call.Failure = ExceptionDispatchInfo.Capture(e);
            return null;
        }
    }

    [UnmanagedCallersOnly]
    public static void ComplexMath(int function, Complex* a, Complex* b, Complex* result)
    {
        var z = *a;
        *result = (ComplexFunction)function switch
        {
            ComplexFunction.Sqrt => Complex.Sqrt(z),
            ComplexFunction.Exp => Complex.Exp(z),
            ComplexFunction.Log => Complex.Log(z),
            ComplexFunction.Sin => Complex.Sin(z),
            ComplexFunction.Cos => Complex.Cos(z),
            ComplexFunction.Tan => Complex.Tan(z),
            ComplexFunction.Asin => Complex.Asin(z),
            ComplexFunction.Acos => Complex.Acos(z),
            ComplexFunction.Atan => Complex.Atan(z),
            ComplexFunction.Sinh => Complex.Sinh(z),
            ComplexFunction.Cosh => Complex.Cosh(z),
            ComplexFunction.Tanh => Complex.Tanh(z),
            ComplexFunction.Pow => Complex.Pow(z, *b),
            _ => new Complex(double.NaN, double.NaN),
        };
    }
}
