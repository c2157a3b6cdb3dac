using System.Runtime.ExceptionServices;

namespace JitDsl.Parallel;

/// <summary>
/// The fork-join pool: persistent worker threads that run the chunks of one parallel region at a time.
/// The caller runs chunk 0 itself; worker k runs chunk k. Workers spin briefly after a region (the next
/// one usually follows soon) and then sleep. A region started while another is running (a parallel loop
/// inside a parallel loop, or a second thread calling a parallel kernel) runs its chunks in order on its
/// own thread: the chunks and therefore the results are the same either way.
/// </summary>
internal static class ForkJoin
{
    // About 20–50 µs of spinning before a worker sleeps; a wake from sleep costs a futex call instead.
    private const int SpinsBeforeSleep = 200;

    private static Worker[] workers = [];
    private static Region? current;
    private static int busy;

    /// <summary>
    /// Runs <paramref name="body"/> for every chunk in 0 … <paramref name="chunks"/> − 1, on as many threads, and
    /// returns when all have finished. An exception in a chunk is rethrown here after the others have finished;
    /// when several throw, the lowest chunk's, so that a run fails the same way whichever thread ran first.
    /// </summary>
    public static void Run(int chunks, Action<int> body)
    {
        if (chunks < 1)
            throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "a parallel region needs at least one chunk");
        if (chunks == 1 || Interlocked.CompareExchange(ref busy, 1, 0) != 0)
        {
            for (var k = 0; k < chunks; k++)
                body(k);
            return;
        }
        try
        {
            EnsureWorkers(chunks - 1);
            var region = new Region(body, chunks, (current?.Generation ?? 0) + 1, Threads.GetNumThreads());
            Volatile.Write(ref current, region);
            Interlocked.MemoryBarrier();
            for (var k = 0; k < chunks - 1; k++)
                workers[k].Wake();
            region.RunChunk(0);
            region.Done.Wait();
            region.Finish();
        }
        finally
        {
            Volatile.Write(ref busy, 0);
        }
    }

    /// <summary>Only the thread holding <c>busy</c> grows the pool.</summary>
    private static void EnsureWorkers(int count)
    {
        if (workers.Length >= count)
            return;
        var grown = workers.ToList();
        while (grown.Count < count)
            grown.Add(new Worker(grown.Count + 1));
        Volatile.Write(ref workers, grown.ToArray());
    }

    /// <summary>One parallel region: its body, its chunk count, the caller's thread setting, and what is left to finish.</summary>
    private sealed class Region(Action<int> body, int chunks, long generation, int threads)
    {
        private readonly ExceptionDispatchInfo?[] failures = new ExceptionDispatchInfo?[chunks];
        private Action<int>? body = body;
        private int remaining = chunks;

        public long Generation { get; } = generation;

        public int Chunks { get; } = chunks;

        public ManualResetEventSlim Done { get; } = new();

        public void RunChunk(int chunk)
        {
            // A loop nested in the chunk (in a kernel it calls) splits as it would on the caller's thread.
            var own = Threads.Inherit(threads);
            try
            {
                body!(chunk);
            }
            catch (Exception e)
            {
                failures[chunk] = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                Threads.Inherit(own);
            }
            if (Interlocked.Decrement(ref remaining) == 0)
                Done.Set();
        }

        /// <summary>
        /// After every chunk: lets go of the body (the pool keeps the last region until the next one, and the
        /// body holds the kernel's arrays) and rethrows the lowest chunk's exception, if any.
        /// </summary>
        public void Finish()
        {
            body = null;
            failures.FirstOrDefault(f => f is not null)?.Throw();
        }
    }

    /// <summary>A pool thread: runs its chunk of each region that has one for it.</summary>
    private sealed class Worker
    {
        private readonly int chunk;
        private readonly ManualResetEventSlim wake = new(initialState: false, spinCount: 1);
        private int sleeping;

        public Worker(int chunk)
        {
            this.chunk = chunk;
            new Thread(Loop) { IsBackground = true, Name = $"JitDsl worker {chunk}" }.Start();
        }

        /// <summary>Called after a region is published: a sleeping worker must be woken, a spinning one sees it.</summary>
        public void Wake()
        {
            if (Volatile.Read(ref sleeping) == 1)
                wake.Set();
        }

        private void Loop()
        {
            long seen = 0;
            while (true)
            {
                var region = WaitForRegion(seen);
                seen = region.Generation;
                if (chunk < region.Chunks)
                    region.RunChunk(chunk);
            }
        }

        private Region WaitForRegion(long seen)
        {
            var spins = 0;
            while (true)
            {
                var region = Volatile.Read(ref current);
                if (region is not null && region.Generation != seen)
                    return region;
                // Only a worker the last region used spins, and not after a region with more chunks than cores: a
                // spinning thread would take a core from one still running its chunk.
                if (spins++ < SpinsBeforeSleep && region is { } last && chunk < last.Chunks && last.Chunks <= Environment.ProcessorCount)
                {
                    Thread.SpinWait(64);
                    continue;
                }
                // Announce the sleep, then look once more: Run publishes before it reads `sleeping`, so either it
                // sees this worker asleep and wakes it, or this look sees its region (both sides are fenced).
                wake.Reset();
                Interlocked.Exchange(ref sleeping, 1);
                region = Volatile.Read(ref current);
                if (region is null || region.Generation == seen)
                    wake.Wait();
                Volatile.Write(ref sleeping, 0);
                spins = 0;
            }
        }
    }
}
