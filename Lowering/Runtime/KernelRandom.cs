using System.Runtime.CompilerServices;

namespace JitDsl.Lowering.Runtime;

/// <summary>
/// The generator behind <c>Uniform()</c>: xoshiro256** with one state per thread, seeded by SplitMix64,
/// like Numba's per-thread generator. <c>Seed(n)</c> makes a thread's sequence reproducible; unseeded
/// threads start from distinct seeds.
/// </summary>
internal sealed class KernelRandom
{
    [ThreadStatic]
    private static KernelRandom? current;
    private static long unseededThreads;

    private ulong s0, s1, s2, s3;

    private KernelRandom(ulong seed) => Seed(seed);

    /// <summary>The calling thread's generator; kernels fetch it once per call.</summary>
    public static KernelRandom ForThisThread =>
        current ??= new KernelRandom((ulong)Environment.TickCount64 ^ (ulong)Interlocked.Increment(ref unseededThreads) * 0x9E3779B97F4A7C15UL);

    public void Seed(long seed) => Seed((ulong)seed);

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Next()
    {
        var result = ulong.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    private void Seed(ulong seed)
    {
        s0 = SplitMix(ref seed);
        s1 = SplitMix(ref seed);
        s2 = SplitMix(ref seed);
        s3 = SplitMix(ref seed);
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
