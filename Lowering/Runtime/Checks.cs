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

    /// <summary>The same for an int index: one unsigned compare on the way that stays in range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index(int index, int length, string site) =>
        (uint)index < (uint)length ? index : Index((long)index, length, site);

    /// <summary>A Python index without the range check (BoundsCheck off): .NET's own array check still applies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Wrap(long index, int length) => (int)(index < 0 ? index + length : index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Wrap(int index, int length) => index < 0 ? index + length : index;

    /// <summary>A requested array dimension as an int, or an error for a negative or oversized one.</summary>
    public static int Dimension(long length, string site)
    {
        if (length < 0 || length > Array.MaxLength)
            Throw.BadDimension(length, site);
        return (int)length;
    }

    /// <summary>The step of a For loop known only at run time.</summary>
    public static long Step(long step, string site)
    {
        if (step == 0)
            Throw.ZeroStep(site);
        return step;
    }
}
