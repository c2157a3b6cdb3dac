using System.Diagnostics;

/// <summary>The same workloads through numba.cuda, when python3 with numba (and a GPU it sees) is present.</summary>
internal static class NumbaCuda
{
    private const string Script = """
        import math, sys, time
        import numpy as np
        if not hasattr(np, "row_stack"):  # numba-cuda 0.30 still names np.row_stack, which NumPy 2.4 removed
            np.row_stack = np.vstack
        from numba import cuda
        from numba.cuda.random import create_xoroshiro128p_states, xoroshiro128p_uniform_float64
        n, side = int(sys.argv[1]), int(sys.argv[2])

        @cuda.jit
        def vector_add(a, b, o):
            i = cuda.grid(1)
            if i < o.size:
                o[i] = a[i] + b[i]

        @cuda.jit
        def fused_expr(x, o):
            start, stride = cuda.grid(1), cuda.gridsize(1)
            for i in range(start, o.size, stride):
                v = x[i]
                o[i] = math.sqrt(v * v + math.sin(v) * math.exp(-v))

        @cuda.jit
        def mandelbrot(width, height, counts):
            col, row = cuda.grid(2)
            if col < width and row < height:
                cr, ci = -2.0 + col * (3.0 / width), -1.5 + row * (3.0 / height)
                zr = zi = 0.0
                count = 256
                for k in range(256):
                    zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                    if zr * zr + zi * zi > 4.0:
                        count = k
                        break
                counts[row, col] = count

        @cuda.jit
        def mc_pi(states, per_thread, inside):
            # As JitDsl's check: a generator per thread, each drawing per_thread samples.
            i = cuda.grid(1)
            count = 0
            for _ in range(per_thread):
                x = xoroshiro128p_uniform_float64(states, i)
                y = xoroshiro128p_uniform_float64(states, i)
                if x * x + y * y <= 1.0:
                    count += 1
            cuda.atomic.add(inside, 0, count)

        def median(launch, runs=10):
            launch(); cuda.synchronize()
            times = []
            for _ in range(runs):
                t = time.perf_counter(); launch(); cuda.synchronize(); times.append((time.perf_counter() - t) * 1e3)
            return sorted(times)[len(times) // 2]

        rng = np.random.default_rng(1)
        a, b = cuda.to_device(rng.random(n)), cuda.to_device(rng.random(n))
        o = cuda.device_array(n)
        blocks = (n + 255) // 256
        ms = median(lambda: vector_add[blocks, 256](a, b, o))
        print(f"  numba vector_add n={n:,}: {ms:.3f} ms, {3 * 8 * n / ms / 1e6:.0f} GB/s")
        ms = median(lambda: fused_expr[min(blocks, 65535), 256](a, o))
        print(f"  numba fused_expr n={n:,}: {ms:.3f} ms")
        counts = cuda.device_array((side, side), dtype=np.int32)
        grid = ((side + 15) // 16, (side + 15) // 16)
        ms = median(lambda: mandelbrot[grid, (16, 16)](side, side, counts), runs=5)
        print(f"  numba mandelbrot {side}x{side}: {ms:.2f} ms, sum count {int(counts.copy_to_host().sum())}")
        generators = 65536
        per_thread = (1_000_000 if n < 100_000_000 else 10_000_000) // generators
        states = create_xoroshiro128p_states(generators, seed=2024)
        inside = cuda.to_device(np.zeros(1, dtype=np.int64))
        ms = median(lambda: mc_pi[generators // 256, 256](states, per_thread, inside), runs=5)
        print(f"  numba mc_pi {generators * per_thread:,} samples: {ms:.2f} ms")
        """;

    public static void Run(int n, int side)
    {
        var path = Path.Combine(Path.GetTempPath(), "jitdsl_numba_cuda.py");
        File.WriteAllText(path, Script.Replace("\r", "", StringComparison.Ordinal));
        var probe = Start("-c \"from numba import cuda; import sys; sys.exit(0 if cuda.is_available() else 3)\"");
        if (probe != 0)
        {
            Console.WriteLine("numba.cuda: not available here (python3 with numba and a CUDA GPU: apt-get install python3-numba)");
            return;
        }
        Console.WriteLine("numba.cuda, the same workloads:");
        var run = Start($"{path} {n} {side}", echo: true);
        if (run != 0)
            Console.WriteLine($"  numba.cuda run failed (exit {run?.ToString() ?? "none: no python3"})");
    }

    /// <summary>python3 with these arguments; its exit code, or null without python3.</summary>
    private static int? Start(string arguments, bool echo = false)
    {
        try
        {
            var info = new ProcessStartInfo("python3", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(info);
            if (process is null)
                return null;
            // Both streams at once: a child that fills one pipe while the other is read would wait for ever.
            var outputRead = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEnd();
            var output = outputRead.Result;
            process.WaitForExit();
            if (echo)
                Console.Write(output + errors);
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
