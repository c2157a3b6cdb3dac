namespace JitDsl.Bench.Workloads;

/// <summary>
/// The counter-based generator of WORKLOADS.md, reproducible in NumPy: SplitMix64 at counter i + 1,
/// top 53 bits as a double in [0, 1). Each element depends only on (seed, i).
/// </summary>
public static class Inputs
{
    /// <summary><c>u(seed, n)</c> scaled: <c>scale * u + offset</c>.</summary>
    public static double[] Uniform(ulong seed, int n, double scale = 1, double offset = 0)
    {
        var values = new double[n];
        for (var i = 0; i < n; i++)
            values[i] = scale * At(seed, i) + offset;
        return values;
    }

    /// <summary>Element <paramref name="i"/> of <c>u(seed, ·)</c>.</summary>
    public static double At(ulong seed, long i)
    {
        unchecked
        {
            var z = seed + (ulong)(i + 1) * 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}
