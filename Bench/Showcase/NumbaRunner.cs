using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace JitDsl.Bench.Showcase;

/// <summary>
/// <c>showcase --numba</c>: the same workloads, on the same inputs (WORKLOADS.md's generator, in NumPy), through
/// Numba in a Python process: each workload's first call (compile and run) and its median call, and the checksum
/// of its result, which the showcase checks as it checks its own.
/// </summary>
internal static class NumbaRunner
{
    /// <summary>Python interpreters tried in turn (Debian's python3-numba installs into the system one).</summary>
    private static readonly string[] Pythons = ["python3", "/usr/bin/python3"];

    public static string Missing => "Numba: not found (tried python3 and /usr/bin/python3): apt-get install python3-numba";

    /// <summary>The results by workload name, or null when no Python with numba and numpy is found.</summary>
    public static Dictionary<string, VariantResult>? Run(int n, int side, int foldSize, double budgetSeconds)
    {
        var python = Pythons.FirstOrDefault(p => RunPython(p, ["-c", "import numba, numpy"], out _) == 0);
        if (python is null)
            return null;
        var script = Path.Combine(Path.GetTempPath(), $"jitdsl_numba_{Environment.ProcessId}.py");
        File.WriteAllText(script, Script);
        try
        {
            if (RunPython(python, [script, $"{n}", $"{side}", $"{foldSize}", budgetSeconds.ToString(CultureInfo.InvariantCulture)], out var output) != 0)
                throw new InvalidOperationException($"the Numba run failed: {output}");
            Dictionary<string, NumbaResult> results;
            try
            {
                results = JsonSerializer.Deserialize<Dictionary<string, NumbaResult>>(output.Trim().Split('\n')[^1])!;
            }
            catch (JsonException e)
            {
                throw new InvalidOperationException($"the Numba run printed no results ({e.Message}): {output}", e);
            }
            var name = $"numba ({Version(python)})";
            // Python's allocations are not .NET's to count: -1, shown as such; only the median came back.
            return results.ToDictionary(r => r.Key, r => new VariantResult(name, r.Value.first_call_ms, r.Value.median_ms, [r.Value.median_ms], -1, r.Value.checksum));
        }
        finally
        {
            File.Delete(script);
        }
    }

    private sealed record NumbaResult(double first_call_ms, double median_ms, double checksum);

    private static string Version(string python) =>
        RunPython(python, ["-c", "import numba; print(numba.__version__)"], out var version) == 0 ? version.Trim() : "?";

    private static int RunPython(string python, string[] arguments, out string output)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(python, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            output = process.ExitCode == 0 ? stdout.Result : stdout.Result + stderr;
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            output = "";
            return -1;
        }
    }

    private const string Script = """
        import json, math, sys, time
        import numpy as np
        from numba import njit, vectorize

        n, side, fold, budget = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])

        def u(seed, count):
            # WORKLOADS.md's counter-based SplitMix64, wrapping uint64 arithmetic.
            with np.errstate(over="ignore"):
                z = np.uint64(seed) + (np.arange(1, count + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
                z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
                z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
                z = z ^ (z >> np.uint64(31))
            return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53

        def checksum(r):
            return float(math.fsum(np.asarray(r, dtype=np.float64).ravel())) if np.ndim(r) else float(r)

        def measure(define):
            t = time.perf_counter(); call = define(); result = call(); first = (time.perf_counter() - t) * 1e3
            times, spent = [], time.perf_counter()
            while len(times) < 5 or (len(times) < 30 and time.perf_counter() - spent < budget):
                t = time.perf_counter(); call(); times.append((time.perf_counter() - t) * 1e3)
            return {"first_call_ms": first, "median_ms": float(np.median(times)), "checksum": checksum(result)}

        x1, x2, x3, x4 = u(1, n), 2 * u(2, n) - 1, 2 * u(3, n) - 1, 10 * u(4, n)
        a, b = (2 * u(5, n // 10000) - 1).reshape(-1, 1), (2 * u(6, 10000) - 1).reshape(1, -1)
        m = 2 * u(7, fold) - 1
        results = {}

        def sum_squares():
            @njit
            def f(a):
                total = 0.0
                for i in range(a.size):
                    total += a[i] * a[i]
                return total
            return lambda: f(x1)
        results["sum_squares"] = measure(sum_squares)

        def clip_add_arrays():
            @njit
            def clip(x, y):
                s = x + y
                return 1.0 if s > 1.0 else (-1.0 if s < -1.0 else s)
            @njit
            def f(x, y):
                out = np.empty_like(x)
                for i in range(x.size):
                    out[i] = clip(x[i], y[i])
                return out
            return lambda: f(x2, x3)
        results["clip_add"] = measure(clip_add_arrays)

        def mc_pi():
            @njit
            def f(samples, seed):
                np.random.seed(seed)
                inside = 0
                for _ in range(samples):
                    x, y = np.random.random(), np.random.random()
                    if x * x + y * y <= 1.0:
                        inside += 1
                return 4.0 * inside / samples
            return lambda: f(n, 2024)
        results["mc_pi"] = measure(mc_pi)

        def mandelbrot():
            @njit
            def pixel(c, limit):
                z = 0j
                for k in range(limit):
                    z = z * z + c
                    if abs(z) > 2.0:
                        return k
                return limit
            @njit
            def f(width, height, limit):
                counts = np.empty((height, width), dtype=np.int32)
                dx, dy = 3.0 / width, 3.0 / height
                for row in range(height):
                    for col in range(width):
                        counts[row, col] = pixel(complex(-2.0 + col * dx, -1.5 + row * dy), limit)
                return counts
            return lambda: f(side, side, 256)
        results["mandelbrot"] = measure(mandelbrot)

        def fused_expr():
            @njit
            def f(x):
                out = np.empty_like(x)
                for i in range(x.size):
                    v = x[i]
                    out[i] = math.sqrt(v * v + math.sin(v) * math.exp(-v))
                return out
            return lambda: f(x4)
        results["fused_expr"] = measure(fused_expr)

        def clip_ufunc():
            @vectorize(["float64(float64, float64)"])
            def clip_add(x, y):
                s = x + y
                return 1.0 if s > 1.0 else (-1.0 if s < -1.0 else s)
            return clip_add
        results["clip_add_ufunc"] = measure(lambda: (lambda f: lambda: f(x2, x3))(clip_ufunc()))
        results["clip_add_broadcast"] = measure(lambda: (lambda f: lambda: f(a, b))(clip_ufunc()))
        results["clip_add_reduce"] = measure(lambda: (lambda f: lambda: f.reduce(m))(clip_ufunc()))
        results["clip_add_accumulate"] = measure(lambda: (lambda f: lambda: f.accumulate(m))(clip_ufunc()))
        print(json.dumps(results))
        """;
}
