using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using JitDsl.Bench.Showcase;
using JitDsl.Bench.Suites;

return args.FirstOrDefault() switch
{
    "showcase" => ShowcaseRunner.Run(args[1..]),
    "bench" => RunBenchmarks(args[1..]),
    "cache-probe" => CompileProbe.Run(args[1..]),
    "scaling" => ParallelProbe.Scaling(args[1..]),
    _ => Usage(),
};

static int RunBenchmarks(string[] args)
{
    var config = DefaultConfig.Instance.WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
    BenchmarkSwitcher.FromTypes([typeof(WorkloadBenchmarks)]).Run(args, config);
    return 0;
}

static int Usage()
{
    Console.WriteLine("""
        usage: dotnet run -c Release --project Bench -- <command>
          showcase [--quick] [--numba] [--json PATH] [--only a,b] [--out DIR]   the chapter's workloads, checked and timed side by side
                                             (--numba: Numba's times too, when python3 has numba);
                                             DIR (showcase-out) gets results.json, report.md and the pictures
          bench [BenchmarkDotNet options]    the same workloads under BenchmarkDotNet (e.g. --filter '*sum_squares*')
          scaling [--quick]                  parallel_sum and fused_expr: thread counts × array sizes, and a region's cost
        """);
    return 2;
}
