using BenchmarkDotNet.Attributes;
using JitDsl.Bench.Workloads;

namespace JitDsl.Bench.Suites;

/// <summary>
/// BenchmarkDotNet over the same workload definitions as the showcase: one case per workload and variant,
/// with memory diagnostics. Run: <c>dotnet run -c Release --project Bench -- bench</c>.
/// </summary>
[MemoryDiagnoser]
public class WorkloadBenchmarks
{
    private Func<object> call = () => 0;

    public static IEnumerable<string> Cases() =>
        ChapterWorkloads.All(n: 1, mandelbrotSide: 1).Concat(ArrayExpressionWorkloads.All(n: 1)).Concat(UfuncWorkloads.All(n: 10_000, foldSize: 1))
            .SelectMany(w => w.Variants.Select(v => $"{w.Name}/{v.Name}"));

    [ParamsSource(nameof(Cases))]
    public string Case { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var (workloadName, variantName) = (Case.Split('/')[0], Case.Split('/')[1]);
        var workload = ChapterWorkloads.All(n: 1, mandelbrotSide: 1).Any(w => w.Name == workloadName) ? ChapterWorkloads.ByName(workloadName)
            : ArrayExpressionWorkloads.All(n: 1).Any(w => w.Name == workloadName) ? ArrayExpressionWorkloads.ByName(workloadName)
            : UfuncWorkloads.ByName(workloadName);
        call = workload.Variants.First(v => v.Name == variantName).Define();
        call();
    }

    [Benchmark]
    public object Run() => call();
}
