namespace JitDsl.Bench.Workloads;

/// <summary>The checksum WORKLOADS.md defines: the (compensated) sum of a workload's output.</summary>
public static class Checksum
{
    /// <summary>The sum of a result: a scalar itself, or every element of an array, summed with Neumaier's compensation.</summary>
    public static double Of(object result) => result switch
    {
        double d => d,
        long l => l,
        int i => i,
        double[] a => Sum(a),
        Array a => Sum(a.Cast<object>().Select(System.Convert.ToDouble)),
        _ => throw new ArgumentException($"no checksum for {result.GetType().Name}"),
    };

    private static double Sum(IEnumerable<double> values)
    {
        double sum = 0, compensation = 0;
        foreach (var v in values)
        {
            var t = sum + v;
            compensation += Math.Abs(sum) >= Math.Abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }
        return sum + compensation;
    }
}
