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

    // Pinned for the generator's lifetime: State points into it, at a cache line of its own. The generators
    // of a parallel loop's chunks are made together, and threads writing states that share a line would
    // slow each other down (measured: a parallel mc_pi on the Clr backend slower than the serial one).
    private const int LineWords = 8;
    private readonly ulong[] storage = GC.AllocateArray<ulong>(3 * LineWords, pinned: true);

    private KernelRandom(ulong seed)
    {
        var first = (ulong*)Unsafe.AsPointer(ref storage[0]);
        State = first + (LineWords - (int)((nuint)first / sizeof(ulong) % LineWords)) % LineWords;
        Seed(seed);
    }

    /// <summary>The calling thread's generator; kernels fetch it once per call.</summary>
    public static KernelRandom ForThisThread =>
        current ??= new KernelRandom((ulong)Environment.TickCount64 ^ (ulong)Interlocked.Increment(ref unseededThreads) * 0x9E3779B97F4A7C15UL);

    /// <summary>Makes <paramref name="generator"/> the calling thread's (a parallel loop's chunk's); returns the one it replaces.</summary>
    public static KernelRandom? ReplaceThisThreads(KernelRandom? generator)
    {
        var previous = current;
        current = generator;
        return previous;
    }

    /// <summary>The four words of xoshiro256**'s state.</summary>
    public ulong* State { get; }

    public void Seed(long seed) => Seed((ulong)seed);

    /// <summary>A double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Next() => Next(State);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Next(ulong* s)
    {
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

    /// <summary>
    /// Generators for the chunks of a parallel loop: chunk k starts where this one would be after k + 1 jumps of
    /// 2^128 draws (xoshiro's jump function), and this one continues after <paramref name="count"/> + 1 jumps, so
    /// no two streams overlap and a seeded kernel gives the same numbers for a given thread count.
    /// </summary>
    public KernelRandom[] Split(int count) => Split(State, count);

    /// <summary><see cref="Split(int)"/> of the generator whose state is at <paramref name="state"/> (native code knows only that).</summary>
    public static KernelRandom[] Split(ulong* state, int count)
    {
        var generators = new KernelRandom[count];
        for (var k = 0; k < count; k++)
        {
            Jump(state);
            generators[k] = new KernelRandom(0);
            new ReadOnlySpan<ulong>(state, 4).CopyTo(new Span<ulong>(generators[k].State, 4));
        }
        Jump(state);
        return generators;
    }

    private static void Jump(ulong* state)
    {
        ReadOnlySpan<ulong> polynomial = [0x180EC6D33CFD0ABA, 0xD5A61266F0C9392C, 0xA9582618E03FC9AA, 0x39ABDC4529B1661C];
        Span<ulong> jumped = stackalloc ulong[4];
        jumped.Clear();
        foreach (var word in polynomial)
        {
            for (var bit = 0; bit < 64; bit++)
            {
                if ((word & (1UL << bit)) != 0)
                {
                    for (var k = 0; k < 4; k++)
                        jumped[k] ^= state[k];
                }
                Next(state);
            }
        }
        jumped.CopyTo(new Span<ulong>(state, 4));
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
