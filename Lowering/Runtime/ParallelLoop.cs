using JitDsl.Parallel;

namespace JitDsl.Lowering.Runtime;

/// <summary>
/// What a lowered parallel loop calls: how many chunks to make, and the fork-join region that runs them. The
/// iterations are split into that many contiguous chunks of near-equal length (static chunking, as OpenMP's
/// default schedule), so a given thread count always splits the same way and combines partial results in
/// the same order.
/// </summary>
internal static class ParallelLoop
{
    /// <summary>The body of one chunk: iterations <c>start</c> … <c>end</c> − 1 of the loop, counted from 0; the chunk's generator.</summary>
    public delegate void ChunkBody(long start, long end, int chunk, KernelRandom? random);

    /// <summary>
    /// One chunk per thread, but none shorter than <paramref name="grain"/> iterations: a region costs a few
    /// microseconds, which a few thousand simple iterations do not pay back (then the loop runs on one thread).
    /// </summary>
    public static int Chunks(long iterations, long grain) =>
        (int)Math.Clamp(iterations / grain, 1, Threads.GetNumThreads());

    /// <summary>How many iterations <c>range(start, stop, step)</c> has (step not zero), without overflow.</summary>
    public static long TripCount(long start, long stop, long step) =>
        step > 0
            ? stop > start ? (long)(((ulong)stop - (ulong)start - 1) / (ulong)step + 1) : 0
            : stop < start ? (long)(((ulong)start - (ulong)stop - 1) / (0 - (ulong)step) + 1) : 0;

    /// <summary>
    /// Runs every chunk of <paramref name="iterations"/> on the pool. With a generator (the body draws random
    /// numbers, itself or in a kernel it calls) and several chunks, chunk k draws from the caller's stream jumped
    /// k + 1 times 2^128 draws ahead, streams that never overlap; the caller's own stream then continues past all
    /// of them. One chunk draws from the caller's stream, as the serial loop does.
    /// </summary>
    public static void Run(long iterations, int chunks, KernelRandom? random, ChunkBody body)
    {
        // One chunk is the serial loop, drawing from the caller's stream.
        var generators = chunks > 1 ? random?.Split(chunks) : null;
        ForkJoin.Run(chunks, chunk =>
        {
            var (start, end) = (Start(iterations, chunks, chunk), Start(iterations, chunks, chunk + 1));
            if (generators is null)
            {
                body(start, end, chunk, random);
                return;
            }
            // Device functions fetch their thread's generator: for the chunk's duration, that is the chunk's.
            var previous = KernelRandom.ReplaceThisThreads(generators[chunk]);
            try
            {
                body(start, end, chunk, generators[chunk]);
            }
            finally
            {
                KernelRandom.ReplaceThisThreads(previous);
            }
        });
    }

    /// <summary>The first iteration of a chunk: the first <c>iterations % chunks</c> chunks are one longer.</summary>
    public static long Start(long iterations, int chunks, int chunk) =>
        chunk * (iterations / chunks) + Math.Min(chunk, iterations % chunks);
}
