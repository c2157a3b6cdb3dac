using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace JitDsl.Lowering.Runtime;

/// <summary>
/// The errors running kernels raise: standard .NET exceptions whose message starts with the stable code
/// and names the user's line. Kept out of line so that the checks that call them stay small.
/// </summary>
internal static class Throw
{
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void DivisionByZero(string what, string site) =>
        throw new DivideByZeroException($"{ErrorCodes.DivisionByZero}: {what} by zero at {site}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void NegativePower(string site) =>
        throw new ArithmeticException($"{ErrorCodes.NegativePower}: integers to negative integer powers are not allowed at {site}; make the base a float");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void IndexOutOfRange(long index, long length, string site) =>
        throw new IndexOutOfRangeException($"{ErrorCodes.IndexOutOfRange}: index {index} is out of bounds for {site} with size {length}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ZeroStep(string site) =>
        throw new ArgumentException($"{ErrorCodes.ZeroStepAtRuntime}: the step of the For loop at {site} is zero");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void BadDimension(long length, string site) =>
        throw new ArgumentException($"{ErrorCodes.NegativeDimension}: cannot allocate an array with a dimension of {length} at {site}"
            + (length < 0 ? "" : $"; .NET arrays hold at most {Array.MaxLength} elements per dimension"));
}
