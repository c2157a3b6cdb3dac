using System.Diagnostics;
using System.Globalization;
using JitDsl;
using static JitDsl.Dsl.Ops;

// dotnet run -c Release --project Bench/GpuCheck [-- --quick | --ops | --fuzz N [seconds]]; on a GPU machine, scripts/gpu-check.sh publishes it.
if (args is ["--fuzz", var kernels, .. var rest])
{
    var seconds = rest is [var limit] ? int.Parse(limit, CultureInfo.InvariantCulture) : 240;
    return GpuFuzz.Run(int.Parse(kernels, CultureInfo.InvariantCulture), seed: 20261127, budget: TimeSpan.FromSeconds(seconds)) == 0 ? 0 : 1;
}
if (args is ["--ops"])
    return GpuOperators.Run() == 0 ? 0 : 1;
var quick = args.Contains("--quick");
var (n, side) = quick ? (1 << 16, 256) : (100_000_000, 4000);
Console.WriteLine($"JitDsl GPU check on {Cuda.Device}{(quick ? " (quick sizes)" : "")}, {DateTime.UtcNow:yyyy-MM-dd}");
var failures = 0;
// ILGPU's CPU accelerator allows 16 threads per block.
var onCpu = Cuda.MemoryBandwidth is null;
var (threads, tile) = onCpu ? (16, 4) : (256, 16);

void Check(string name, bool ok, string detail)
{
    failures += ok ? 0 : 1;
    Console.WriteLine($"  {(ok ? "ok  " : "FAIL")} {name}: {detail}");
}

double[] Uniform(int count, int seed, double scale = 1, double offset = 0)
{
    var random = new Random(seed);
    var values = new double[count];
    for (var k = 0; k < count; k++)
        values[k] = random.NextDouble() * scale + offset;
    return values;
}

// ---- The kernels
var vectorAdd = Cuda.Kernel((Arr a, Arr b, Arr o) =>
{
    var i = Cuda.Grid(1);
    If(i < o.Length, () => o[i] = a[i] + b[i]);
});
var fusedExpr = Cuda.Kernel((Arr x, Arr o) =>
{
    var start = Cuda.Grid(1);
    For(start, o.Length, Cuda.GridSize(1), i =>
    {
        var v = x[i];
        o[i] = Sqrt(v * v + Sin(v) * Exp(-v));
    });
});
var mandelbrot = Cuda.Kernel((Val width, Val height, Arr<int> counts) =>
{
    var (col, row) = Cuda.Grid2D();
    If((col < width) & (row < height), () =>
    {
        var (cr, ci) = (-2.0 + col * (3.0 / width), -1.5 + row * (3.0 / height));
        var (zr, zi) = (Var(0.0), Var(0.0));
        var count = Var(256);
        For(256, k =>
        {
            var next = zr * zr - zi * zi + cr;
            zi.Value = 2.0 * zr * zi + ci;
            zr.Value = next;
            If(zr * zr + zi * zi > 4.0, () =>
            {
                count.Value = k;
                Break();
            });
        });
        counts[row, col] = count;
    });
});
var mcPi = Cuda.Kernel((Arr<long> states, Val samples, Arr<long> inside) =>
{
    var i = Cuda.Grid(1);
    var count = Var(0L);
    For(samples, _ =>
    {
        var x = Cuda.Uniform(states, i);
        var y = Cuda.Uniform(states, i);
        If(x * x + y * y <= 1.0, () => count.Value += 1);
    });
    Cuda.AtomicAdd(inside, 0, count);
});
var blockSums = Cuda.Kernel((Arr a, Arr sums) =>
{
    var slice = Cuda.SharedArray(DType.Float64, threads);
    var t = Cuda.ThreadIdx(0);
    var i = Cuda.Grid(1);
    slice[t] = Where(i < a.Length, a[Min(i, a.Length - 1)], 0.0);
    Cuda.SyncThreads();
    If(t == 0, () =>
    {
        var total = Var(0.0);
        For(threads, k => total.Value += slice[k]);
        Cuda.AtomicAdd(sums, 0, total);
    });
});

// ---- Correctness, against plain C#
Console.WriteLine("checks (against C# on the host):");
{
    var (a, b) = (Uniform(1 << 16, 1), Uniform(1 << 16, 2));
    var o = new double[a.Length];
    vectorAdd[(a.Length + threads - 1) / threads, threads](a, b, o);
    Check("vector_add", o.Select((v, k) => v == a[k] + b[k]).All(x => x), $"{a.Length} elements");
    var x = Uniform(1 << 16, 4, scale: 10);
    fusedExpr[64, threads](x, o);
    var worst = o.Select((v, k) => Math.Abs(v - Math.Sqrt(x[k] * x[k] + Math.Sin(x[k]) * Math.Exp(-x[k])))).Max();
    Check("fused_expr", worst <= 1e-12, $"largest difference {worst:G3}");
    var sums = new double[1];
    blockSums[(x.Length + threads - 1) / threads, threads](x, sums);
    Check("shared memory and atomics", Math.Abs(sums[0] - x.Sum()) <= 1e-9 * Math.Abs(x.Sum()), $"{sums[0]:R} vs {x.Sum():R}");
    const int small = 200;
    var counts = new int[small, small];
    mandelbrot[((small + tile - 1) / tile, (small + tile - 1) / tile), (tile, tile)](small, small, counts);
    var expected = new int[small * small];
    for (var row = 0; row < small; row++)
    {
        for (var col = 0; col < small; col++)
        {
            double zr = 0, zi = 0, cr = -2.0 + col * (3.0 / small), ci = -1.5 + row * (3.0 / small);
            var count = 256;
            for (var k = 0; k < 256; k++)
            {
                var next = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = next;
                if (zr * zr + zi * zi > 4.0)
                {
                    count = k;
                    break;
                }
            }
            expected[row * small + col] = count;
        }
    }
    Check("mandelbrot", counts.Cast<int>().SequenceEqual(expected), $"{small}×{small}, Σ {counts.Cast<int>().Sum()} (host {expected.Sum()})");
}

// ---- Timings, on device arrays (median of repeated launches after one warm-up)
Console.WriteLine("timings:");
double Median(Action launch, int runs = 10)
{
    launch();
    var times = new List<double>();
    for (var k = 0; k < runs; k++)
    {
        var clock = Stopwatch.StartNew();
        launch();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times[times.Count / 2];
}
{
    using var a = Cuda.ToDevice(Uniform(n, 1));
    using var b = Cuda.ToDevice(Uniform(n, 2));
    using var o = new DeviceArray<double>(n);
    var add = Median(() => vectorAdd[(n + threads - 1) / threads, threads](a, b, o));
    var gbs = 3.0 * 8 * n / add / 1e6;
    var peak = Cuda.MemoryBandwidth is { } bandwidth ? $", {100 * gbs / bandwidth:F0}% of the device's {bandwidth:F0} GB/s" : "";
    Console.WriteLine($"  vector_add n={n:N0}: {add:F3} ms, {gbs:F0} GB/s{peak}");
    var fused = Median(() => fusedExpr[Math.Min((n + threads - 1) / threads, 65_535), threads](a, o));
    Console.WriteLine($"  fused_expr n={n:N0}: {fused:F3} ms, {2.0 * 8 * n / fused / 1e6:F0} GB/s");
    using var counts = new DeviceArray<int>(side, side);
    var mandel = Median(() => mandelbrot[((side + tile - 1) / tile, (side + tile - 1) / tile), (tile, tile)](side, side, counts), runs: 5);
    Console.WriteLine($"  mandelbrot {side}×{side}: {mandel:F2} ms, Σ count {counts.CopyToHost().Sum(c => (long)c)}");
    // mc_pi: 10 million samples (the chapter's n), a generator per thread of 65,536 (as many as a GPU keeps busy).
    var generators = onCpu ? 64 : 65_536;
    var perThread = (quick ? 1_000_000 : 10_000_000) / generators;
    using var states = Cuda.RandomStates(generators, seed: 2024);
    using var inside = new DeviceArray<long>(1);
    var pi = Median(() => mcPi[generators / threads, threads](states, (long)perThread, inside), runs: 5);
    var estimate = 4.0 * inside.CopyToHost()[0] / 6 / ((long)generators * perThread);
    Console.WriteLine($"  mc_pi {(long)generators * perThread:N0} samples: {pi:F2} ms, π ≈ {estimate:F4} (6 launches counted)");
    Check("mc_pi", Math.Abs(estimate - Math.PI) < 0.01, $"π ≈ {estimate:F5}");
}

NumbaCuda.Run(n, side);
Console.WriteLine(failures == 0 ? "all checks passed" : $"{failures} check(s) FAILED");
return failures == 0 ? 0 : 1;
