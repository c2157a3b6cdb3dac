using ILGPU;

namespace JitDsl.Backends.Cuda;

/// <summary>
/// Random numbers in CUDA kernels, as Numba's <c>numba.cuda.random</c>: one xoroshiro128+ generator per thread, two
/// int64 words of state each, the generators of one seed 2^64 draws apart (xoroshiro's jump), so that no two
/// threads' streams overlap and a seed gives the same numbers on every device.
/// </summary>
internal static class GpuRandom
{
    /// <summary>Called by CUDA kernels (the IL emitter puts it for <c>GpuRuntime.Uniform</c>): draws and advances generator <paramref name="index"/>.</summary>
    public static double NextUniform(ArrayView<long> states, long index)
    {
        var (s0, s1) = ((ulong)states[2 * index], (ulong)states[2 * index + 1]);
        var result = s0 + s1;
        (states[2 * index], states[2 * index + 1]) = Step(s0, s1);
        return (result >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>The states of <paramref name="count"/> generators from <paramref name="seed"/> (SplitMix64 for the first, then a jump each), as Numba's <c>create_xoroshiro128p_states</c>.</summary>
    public static long[] States(long count, long seed)
    {
        var states = new long[checked(2 * count)];
        // As numba.cuda.random: both words of the first generator are SplitMix64's first output for the seed.
        var first = Lowering.Runtime.KernelRandom.SeededState((ulong)seed)[0];
        var (s0, s1) = (first, first);
        for (var k = 0L; k < count; k++)
        {
            (states[2 * k], states[2 * k + 1]) = ((long)s0, (long)s1);
            (s0, s1) = Jump(s0, s1);
        }
        return states;
    }

    private static (long, long) Step(ulong s0, ulong s1)
    {
        s1 ^= s0;
        // The original xoroshiro128+ (rotations 55, 36, shift 14), which numba.cuda.random uses.
        return ((long)(Rotate(s0, 55) ^ s1 ^ (s1 << 14)), (long)Rotate(s1, 36));
    }

    private static ulong Rotate(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>2^64 draws ahead: xoroshiro128+'s jump polynomial.</summary>
    private static (ulong, ulong) Jump(ulong s0, ulong s1)
    {
        ReadOnlySpan<ulong> polynomial = [0xBEAC0467EBA5FACB, 0xD86B048B86AA9922];
        ulong j0 = 0, j1 = 0;
        foreach (var word in polynomial)
        {
            for (var bit = 0; bit < 64; bit++)
            {
                if ((word & (1UL << bit)) != 0)
                    (j0, j1) = (j0 ^ s0, j1 ^ s1);
                var (n0, n1) = Step(s0, s1);
                (s0, s1) = ((ulong)n0, (ulong)n1);
            }
        }
        return (j0, j1);
    }

}
