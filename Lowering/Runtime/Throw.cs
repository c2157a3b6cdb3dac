using System.Diagnostics.CodeAnalysis;

namespace JitDsl.Lowering.Runtime;

/// <summary>
/// The errors running kernels raise: standard .NET exceptions whose message starts with the stable code
/// and names the user's line. Like .NET's own ThrowHelper, these only throw: the JIT sees that a call to
/// one never returns, keeps it out of the hot path and keeps nothing alive across it.
/// </summary>
internal static class Throw
{
    [DoesNotReturn]
    public static void DivisionByZero(string what, string site) =>
        throw new DivideByZeroException($"{ErrorCodes.DivisionByZero}: {what} by zero at {site}");

    [DoesNotReturn]
    public static void NegativePower(string site) =>
        throw new ArithmeticException($"{ErrorCodes.NegativePower}: integers to negative integer powers are not allowed at {site}; make the base a float");

    [DoesNotReturn]
    public static void IndexOutOfRange(long index, long length, string site) =>
        throw new IndexOutOfRangeException($"{ErrorCodes.IndexOutOfRange}: index {index} is out of bounds for {site} with size {length}");

    [DoesNotReturn]
    public static void ZeroStep(string site) =>
        throw new ArgumentException($"{ErrorCodes.ZeroStepAtRuntime}: the step of the For loop at {site} is zero");

    [DoesNotReturn]
    public static void ShapeMismatch(long a, long b, string what) =>
        throw new ArgumentException($"{ErrorCodes.ShapeMismatch}: {what}: lengths {a} and {b}");

    /// <summary>
    /// Operands that do not broadcast together. <paramref name="what"/> starts with their ranks, <c>[2,1]</c>, which
    /// split <paramref name="dimensions"/> into shapes; they replace <c>{shapes}</c> in the rest, as NumPy writes them.
    /// </summary>
    [DoesNotReturn]
    public static long BroadcastMismatch(long[] dimensions, string what)
    {
        var close = what.IndexOf(']');
        var ranks = what[1..close].Split(',').Select(int.Parse).ToArray();
        var shapes = new List<string>();
        var next = 0;
        foreach (var rank in ranks)
        {
            var shape = dimensions.Skip(next).Take(rank).ToArray();
            next += rank;
            shapes.Add("(" + string.Join(",", shape) + (rank == 1 ? ",)" : ")"));
        }
        throw new ArgumentException($"{ErrorCodes.ShapeMismatch}: {what[(close + 1)..].Replace("{shapes}", string.Join(" ", shapes))}");
    }

    [DoesNotReturn]
    public static void EmptyReduction(string what) =>
        throw new InvalidOperationException($"{ErrorCodes.EmptyReduction}: {what}");

    [DoesNotReturn]
    public static void BadDimension(long length, string site) =>
        throw new ArgumentException($"{ErrorCodes.NegativeDimension}: cannot allocate an array with a dimension of {length} at {site}"
            + (length < 0 ? "" : $"; .NET arrays hold at most {Array.MaxLength} elements per dimension"));
}
