using System.Numerics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using JitDsl.Lowering.Runtime;
using JitDsl.Parallel;

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

    /// <summary>
    /// Runs a parallel loop compiled to native code: <paramref name="chunkFunction"/> for each chunk of
    /// <paramref name="iterations"/>, on the fork-join pool, each with a context of its own (its own error, and its
    /// own generator when <paramref name="random"/>, the caller's, is given: see <see cref="ParallelLoop.Run"/>).
    /// Returns 0, or the error of the lowest chunk that failed, copied into the caller's context.
    /// </summary>
    [UnmanagedCallersOnly]
    public static int ParallelFor(NativeContext* context, IntPtr chunkFunction, void* captures, long iterations, int chunks, ulong* random)
    {
        var call = NativeCall.Current;
        try
        {
            var template = *context;
            var generators = random is null || chunks == 1 ? null : KernelRandom.Split(random, chunks);
            var outcomes = new NativeContext[chunks];
            var failures = new ExceptionDispatchInfo?[chunks];
            var (function, shared, caller) = (chunkFunction, (IntPtr)captures, Environment.CurrentManagedThreadId);
            ForkJoin.Run(chunks, chunk =>
            {
                var local = template;
                local.Error = 0;
                if (generators is not null)
                    local.Random = generators[chunk].State;
                // A pool thread keeps what the chunk allocates pinned until the chunk ends (nothing it allocates
                // outlives it: arrays never leave a parallel loop's body); the caller's thread, until the call ends.
                var own = Environment.CurrentManagedThreadId == caller ? null : NativeCall.Current;
                try
                {
                    var run = (delegate* unmanaged<NativeContext*, void*, long, long, int, int>)function;
                    if (run(&local, (void*)shared, ParallelLoop.Start(iterations, chunks, chunk), ParallelLoop.Start(iterations, chunks, chunk + 1), chunk) != 0)
                    {
                        outcomes[chunk] = local;
                        failures[chunk] = (own ?? call).Failure;
                    }
                }
                finally
                {
                    own?.Dispose();
                }
            });
            GC.KeepAlive(generators);
            var failed = Array.FindIndex(outcomes, o => o.Error != 0);
            if (failed < 0)
                return 0;
            var outcome = outcomes[failed];
            (context->Error, context->Value1, context->Value2, context->Site) = (outcome.Error, outcome.Value1, outcome.Value2, outcome.Site);
            for (var k = 0; k < NativeAbi.DetailCount; k++)
                context->Details[k] = outcome.Details[k];
            call.Failure = failures[failed];
            return (int)outcome.Error;
        }
        catch (Exception e)
        {
            call.Failure = ExceptionDispatchInfo.Capture(e);
            context->Error = (long)NativeError.CallbackFailed;
            return (int)NativeError.CallbackFailed;
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
