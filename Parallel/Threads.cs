namespace JitDsl;

/// <summary>
/// How many threads parallel loops (<c>PRange</c>, and anything compiled with <c>Parallel = true</c>) use. As Numba's
/// <c>set_num_threads</c>, the setting belongs to the thread that makes it: the loops that thread starts use
/// it; other threads keep the default, the <c>JITDSL_NUM_THREADS</c> environment variable when set, else the
/// number of processors. A loop reads the setting when it starts.
/// </summary>
public static class Threads
{
    /// <summary>More than any machine this runs on has cores; a bound on the pool's threads.</summary>
    public const int MaxThreads = 256;

    private const string Variable = "JITDSL_NUM_THREADS";

    private static readonly Lazy<int> Default = new(DefaultCount);

    [ThreadStatic]
    private static int chosen;

    /// <summary>The number of threads a parallel loop this thread starts runs on (this thread and the pool's together).</summary>
    public static int GetNumThreads() => chosen > 0 ? chosen : Default.Value;

    /// <summary>Runs the parallel loops this thread starts from now on <paramref name="threads"/> threads (1: serially, on this thread).</summary>
    public static void SetNumThreads(int threads)
    {
        if (threads is < 1 or > MaxThreads)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"the number of threads must be between 1 and {MaxThreads}");
        chosen = threads;
    }

    /// <summary>A pool thread runs a chunk with the setting of the thread that started the loop; returns its own.</summary>
    internal static int Inherit(int threads)
    {
        var own = chosen;
        chosen = threads;
        return own;
    }

    private static int DefaultCount()
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text))
            return Environment.ProcessorCount;
        if (!int.TryParse(text, out var threads) || threads is < 1 or > MaxThreads)
            throw new InvalidOperationException($"{Variable}={text}: expected a whole number of threads between 1 and {MaxThreads}");
        return threads;
    }
}
