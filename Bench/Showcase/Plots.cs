using ScottPlot;

namespace JitDsl.Bench.Showcase;

/// <summary>
/// The showcase's pictures, drawn with ScottPlot (headless, PNG): the Mandelbrot set the chapter's kernel
/// computes, the compile pipeline's stages, and parallel scaling. Each takes plain numbers, so tests can draw
/// them from small fixed results.
/// </summary>
internal static class Plots
{
    /// <summary>The iteration counts as an image, one pixel per point (rows down); points that never escape are the colormap's top.</summary>
    public static void Mandelbrot(int[,] counts, string path)
    {
        var (rows, columns) = (counts.GetLength(0), counts.GetLength(1));
        var values = new double[rows, columns];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < columns; c++)
                values[r, c] = counts[r, c];
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = MandelbrotColors;
        plot.Layout.Frameless();
        plot.Axes.Margins(0, 0);
        plot.SavePng(path, columns, rows);
    }

    /// <summary>The colormap of <see cref="Mandelbrot"/>: its top colour marks the points inside the set.</summary>
    public static IColormap MandelbrotColors { get; } = new ScottPlot.Colormaps.Turbo();

    /// <summary>Nanoseconds per element against the array's length, log–log, one line per way of computing it.</summary>
    public static void SpeedUp(string workload, IReadOnlyList<(string Series, IReadOnlyList<(long N, double NanosecondsPerElement)> Points)> series, string path)
    {
        var plot = new Plot();
        foreach (var (name, points) in series)
        {
            var line = plot.Add.Scatter(points.Select(p => Math.Log10(p.N)).ToArray(), points.Select(p => Math.Log10(p.NanosecondsPerElement)).ToArray());
            line.LegendText = name;
        }
        foreach (var axis in new ScottPlot.IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = power => Math.Pow(10, power).ToString(power >= 0 ? "N0" : "G3", System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        plot.Title($"{workload}: time per element");
        plot.XLabel("elements");
        plot.YLabel("nanoseconds per element");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 900, 560);
    }

    /// <summary>Milliseconds per compile stage, as horizontal bars in pipeline order (one path after another).</summary>
    public static void Pipeline(string kernel, IReadOnlyList<(string Stage, double Milliseconds)> stages, string path)
    {
        var plot = new Plot();
        var bars = plot.Add.Bars(stages.Select(s => s.Milliseconds).Reverse().ToArray());
        bars.Horizontal = true;
        var positions = Enumerable.Range(0, stages.Count).Select(k => (double)k).ToArray();
        plot.Axes.Left.SetTicks(positions, stages.Select(s => s.Stage).Reverse().ToArray());
        plot.Title($"Compiling {kernel}, stage by stage");
        plot.XLabel("milliseconds");
        plot.SavePng(path, 800, 60 + 40 * stages.Count);
    }

    /// <summary>Speed-up over the serial compile against the thread count, one line per array size.</summary>
    public static void Scaling(IReadOnlyList<(string Series, IReadOnlyList<(int Threads, double SpeedUp)> Points)> series, string path)
    {
        var plot = new Plot();
        foreach (var (name, points) in series)
        {
            var line = plot.Add.Scatter(points.Select(p => (double)p.Threads).ToArray(), points.Select(p => p.SpeedUp).ToArray());
            line.LegendText = name;
        }
        var most = series.SelectMany(s => s.Points).Select(p => p.Threads).DefaultIfEmpty(1).Max();
        var ideal = plot.Add.Line(1, 1, most, most);
        ideal.LegendText = "ideal";
        ideal.LinePattern = LinePattern.Dashed;
        plot.Title("Parallel scaling");
        plot.XLabel("threads");
        plot.YLabel("speed-up over the serial kernel");
        plot.ShowLegend();
        plot.SavePng(path, 800, 500);
    }
}
