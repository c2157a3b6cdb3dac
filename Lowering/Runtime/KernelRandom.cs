using System.Runtime.CompilerServices;

namespace JitDsl.Lowering.Runtime;

/// <summary>
/// The generator behind <c>Uniform()</c>: xoshiro256** with one state per thread, seeded by SplitMix64,
/// like Numba's per-thread generator. <c>Seed(n)</c> makes a thread's sequence reproducible; unseeded
/// threads start from distinct seeds. The state lives in pinned memory, so that kernels compiled to native
/// code (which implement the same steps) advance the same sequence.
/// </summary>
internal sealed unsafe class KernelRandom
{
    [ThreadStatic]
    private static KernelRandom? current;
    private static long unseededThreads;

    // Pinned for the thread's lifetime: State points into it.
    private readonly ulong[] storage = GC.AllocateArray<ulong>(4, pinned: true);

    private KernelRandom(ulong seed)
    {
        State = (ulong*)Unsafe.AsPointer(ref storage[0]);
        Seed(seed);
    }

    /// <summary>The calling thread's generator; kernels fetch it once per call.</summary>
    public static KernelRandom ForThisThread =>
        current ??= new KernelRandom((ulong)Environment.TickCount64 ^ (ulong)Interlocked.Increment(ref unseededThreads) * 0x9E3779B97F4A7C15UL);

    /// <summary>The four words of xoshiro256**'s state.</summary>
    public ulong* State { get; }

    public void Seed(long seed) => Seed((ulong)seed);

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Next()
    {
        var s = State;
        var result = ulong.RotateLeft(s[1] * 5, 7) * 9;
        var t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = ulong.RotateLeft(s[3], 45);
        return result;
    }

    private void Seed(ulong seed) => SeededState(seed).CopyTo(new Span<ulong>(State, 4));

    /// <summary>The state <c>Seed(seed)</c> gives: four SplitMix64 draws.</summary>
    public static ulong[] SeededState(ulong seed)
    {
        var state = new ulong[4];
        for (var k = 0; k < 4; k++)
            state[k] = SplitMix(ref seed);
        return state;
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
