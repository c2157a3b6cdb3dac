namespace JitDsl.Bench.Workloads;

/// <summary>
/// One of the chapter's workloads at a given size: its variants (hand-written baselines and JitDsl), and,
/// at the size WORKLOADS.md fixes, the checksum every variant must reproduce.
/// </summary>
public sealed record Workload(string Name, long N, Expected? Expected, IReadOnlyList<Variant> Variants);

/// <summary>
/// A way to compute a workload. <see cref="Define"/> does what happens once (for JitDsl: defining the kernel)
/// and returns the call to repeat; timing the first definition-and-call measures compilation.
/// </summary>
public sealed record Variant(string Name, Func<Func<object>> Define);

/// <summary>An expected checksum with its tolerance: relative for float sums, absolute for π, zero for integer counts.</summary>
public sealed record Expected(double Value, double RelativeTolerance = 0, double AbsoluteTolerance = 0)
{
    public bool Accepts(double checksum) =>
        Math.Abs(checksum - Value) <= Math.Max(AbsoluteTolerance, RelativeTolerance * Math.Abs(Value));

    public override string ToString() =>
        AbsoluteTolerance > 0 ? $"{Value:R} ± {AbsoluteTolerance}" : RelativeTolerance > 0 ? $"{Value:R} (rel. {RelativeTolerance:0e0})" : $"{Value:R} exactly";
}
