using System.Linq.Expressions;
using System.Numerics.Tensors;

namespace JitDsl.Bench.Workloads;

/// <summary>
/// The chapter's clip_add as a ufunc (WORKLOADS.md): called elementwise, broadcast ((1000, 1) with (1, 10000)),
/// reduced and accumulated — the left fold, which a non-associative function must not split — against the
/// C# a programmer would write for each.
/// </summary>
public static class UfuncWorkloads
{
    public const int FoldSize = 1_000_000;

    /// <summary>clip_add as a C# expression lambda, the form <c>@vectorize</c> takes.</summary>
    public static readonly Expression<Func<double, double, double>> ClipAddLambda =
        (x, y) => x + y > 1.0 ? 1.0 : x + y < -1.0 ? -1.0 : x + y;

    public static IReadOnlyList<Workload> All(int n = ChapterWorkloads.StandardSize, int foldSize = FoldSize) =>
        [ClipAdd(n), Broadcast(n), Reduce(foldSize), Accumulate(foldSize)];

    public static Workload ByName(string name) => name switch
    {
        "clip_add_ufunc" => ClipAdd(),
        "clip_add_broadcast" => Broadcast(),
        "clip_add_reduce" => Reduce(),
        "clip_add_accumulate" => Accumulate(),
        _ => throw new ArgumentException($"no ufunc workload `{name}`", nameof(name)),
    };

    public static Workload ClipAdd(int n = ChapterWorkloads.StandardSize)
    {
        var x = Inputs.Uniform(2, n, scale: 2, offset: -1);
        var y = Inputs.Uniform(3, n, scale: 2, offset: -1);
        return new Workload("clip_add_ufunc", n, n == ChapterWorkloads.StandardSize ? new Expected(-5821.925388748855, RelativeTolerance: 1e-9) : null,
        [
            new Variant("csharp_loop", () => () => Baselines.ClipAddLoop(x, y)),
            new Variant("csharp_minmax", () => () =>
            {
                var result = new double[n];
                for (var i = 0; i < n; i++)
                    result[i] = Math.Min(Math.Max(x[i] + y[i], -1.0), 1.0);
                return result;
            }),
            new Variant("csharp_tensorprimitives", () => () =>
            {
                var result = new double[n];
                TensorPrimitives.Add(x, y, result);
                TensorPrimitives.Max(result, -1.0, result);
                TensorPrimitives.Min(result, 1.0, result);
                return result;
            }),
            .. Ufunc(clipAdd => () => clipAdd.Invoke(x, y)!),
        ]);
    }

    public static Workload Broadcast(int n = ChapterWorkloads.StandardSize)
    {
        var (rows, columns) = (n / 10_000, 10_000);
        var a = Column(Inputs.Uniform(5, rows, scale: 2, offset: -1));
        var b = Row(Inputs.Uniform(6, columns, scale: 2, offset: -1));
        return new Workload("clip_add_broadcast", n, n == ChapterWorkloads.StandardSize ? new Expected(-25672.581626734154, RelativeTolerance: 1e-9) : null,
        [
            new Variant("csharp_loop", () => () =>
            {
                var result = new double[rows, columns];
                for (var i = 0; i < rows; i++)
                {
                    for (var j = 0; j < columns; j++)
                    {
                        var s = a[i, 0] + b[0, j];
                        result[i, j] = s > 1.0 ? 1.0 : s < -1.0 ? -1.0 : s;
                    }
                }
                return result;
            }),
            .. Ufunc(clipAdd => () => clipAdd.Invoke(a, b)!),
        ]);
    }

    public static Workload Reduce(int n = FoldSize)
    {
        var m = Inputs.Uniform(7, n, scale: 2, offset: -1);
        return new Workload("clip_add_reduce", n, n == FoldSize ? new Expected(-0.5050223121687629, RelativeTolerance: 1e-9) : null,
        [
            new Variant("csharp_loop", () => () =>
            {
                var r = m[0];
                for (var i = 1; i < n; i++)
                {
                    var s = r + m[i];
                    r = s > 1.0 ? 1.0 : s < -1.0 ? -1.0 : s;
                }
                return r;
            }),
            .. Ufunc(clipAdd => () => clipAdd.Reduce(m)!),
        ]);
    }

    public static Workload Accumulate(int n = FoldSize)
    {
        var m = Inputs.Uniform(7, n, scale: 2, offset: -1);
        return new Workload("clip_add_accumulate", n, n == FoldSize ? new Expected(392.7039006826119, RelativeTolerance: 1e-9) : null,
        [
            new Variant("csharp_loop", () => () =>
            {
                var result = new double[n];
                var r = result[0] = m[0];
                for (var i = 1; i < n; i++)
                {
                    var s = r + m[i];
                    result[i] = r = s > 1.0 ? 1.0 : s < -1.0 ? -1.0 : s;
                }
                return result;
            }),
            .. Ufunc(clipAdd => () => clipAdd.Accumulate(m)!),
        ]);
    }

    /// <summary>The ufunc on each backend, on one thread and with <c>Parallel</c> (a fold along one axis stays in order: the same time).</summary>
    private static IEnumerable<Variant> Ufunc(Func<UniversalFunction, Func<object>> define)
    {
        var backends = Jit.IsAvailable(Backend.Llvm) ? new[] { Backend.Clr, Backend.Llvm } : [Backend.Clr];
        foreach (var backend in backends)
        {
            foreach (var parallel in new[] { false, true })
            {
                var options = new JitOptions { Backend = backend, Parallel = parallel };
                yield return new Variant($"jitdsl_ufunc_{backend.ToString().ToLowerInvariant()}{(parallel ? "_parallel" : "")}",
                    () => define(JitDsl.Ufunc.Vectorize(ClipAddLambda, options: options, name: "clip_add")));
            }
        }
    }

    private static double[,] Column(double[] values)
    {
        var column = new double[values.Length, 1];
        for (var i = 0; i < values.Length; i++)
            column[i, 0] = values[i];
        return column;
    }

    private static double[,] Row(double[] values)
    {
        var row = new double[1, values.Length];
        for (var j = 0; j < values.Length; j++)
            row[0, j] = values[j];
        return row;
    }
}
