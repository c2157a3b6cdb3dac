using System.Runtime.CompilerServices;

namespace JitDsl.Lowering.Runtime;

/// <summary>Index and size checks called by lowered trees.</summary>
internal static class Checks
{
    /// <summary>A Python index (negative counts from the end) as an offset, or an error naming the site.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index(long index, int length, string site)
    {
        var wrapped = index < 0 ? index + length : index;
        if ((ulong)wrapped >= (ulong)length)
            Throw.IndexOutOfRange(index, length, site);
        return (int)wrapped;
    }

    /// <summary>
    /// The check for an index known not to be negative (a loop index counting up from 0): no wrapping, and a
    /// throw that never returns, so the JIT keeps nothing live across it and drops its own array check.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int InRange(int index, int length, string site)
    {
        if ((uint)index >= (uint)length)
            Throw.IndexOutOfRange(index, length, site);
        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int InRange(long index, int length, string site)
    {
        if ((ulong)index >= (ulong)length)
            Throw.IndexOutOfRange(index, length, site);
        return (int)index;
    }

    /// <summary>
    /// A Python index without JitDsl's range check (BoundsCheck off). An index beyond int becomes -1, so that
    /// .NET's own array check still stops it instead of the truncated value reading another element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Wrap(long index, int length)
    {
        var wrapped = index < 0 ? index + length : index;
        return wrapped is >= 0 and <= int.MaxValue ? (int)wrapped : -1;
    }

    /// <summary>A requested array dimension as an int, or an error for a negative or oversized one.</summary>
    public static int Dimension(long length, string site)
    {
        if (length < 0 || length > Array.MaxLength)
            Throw.BadDimension(length, site);
        return (int)length;
    }

    /// <summary>
    /// True when stepping from <paramref name="index"/> would reach or pass <paramref name="stop"/>; the distance
    /// is taken as unsigned, which is exact for any two longs, so the step never overflows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool StepPassesStop(long index, long stop, long step) =>
        step > 0 ? (ulong)(stop - index) <= (ulong)step : (ulong)(index - stop) <= (ulong)-step;

    /// <summary>The target's length, where a value's length broadcasts into it (equal, or the value's is 1).</summary>
    public static long BroadcastInto(long value, long target, string what)
    {
        if (value != target && value != 1)
            Throw.ShapeMismatch(value, target, what);
        return target;
    }

    public static long SameLength(long a, long b, string what)
    {
        if (a != b)
            Throw.ShapeMismatch(a, b, what);
        return a;
    }

    /// <summary>The number of elements of an array reduced by an operation without identity (Min, ArgMax …).</summary>
    public static long NonEmpty(long size, string what)
    {
        if (size == 0)
            Throw.EmptyReduction(what);
        return size;
    }

    /// <summary>The step of a For loop known only at run time.</summary>
    public static long Step(long step, string site)
    {
        if (step == 0)
            Throw.ZeroStep(site);
        return step;
    }
}
