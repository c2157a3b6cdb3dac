using System.Text;

namespace JitDsl;

/// <summary>
/// What every stage of compiling one specialization produced and how long it took: the traced tree,
/// the typed tree, the tree after bounds-check elimination, the lowered tree as C#, the backend's output.
/// </summary>
public sealed class KernelInspection
{
    internal KernelInspection(string kernel, string signature, IReadOnlyList<StageReport> stages)
    {
        Kernel = kernel;
        Signature = signature;
        Stages = stages;
    }

    /// <summary>The kernel's name.</summary>
    public string Kernel { get; }

    /// <summary>The specialization inspected, as <c>float64(float64[:])</c>.</summary>
    public string Signature { get; }

    /// <summary>The stages in pipeline order.</summary>
    public IReadOnlyList<StageReport> Stages { get; }

    /// <summary>The stage with this name (<c>trace</c>, <c>type</c>, <c>bounds checks</c>, <c>lower</c>, <c>compile</c>).</summary>
    public StageReport this[string stage] =>
        Stages.FirstOrDefault(s => s.Name == stage) ?? throw new KeyNotFoundException($"no stage `{stage}`; stages: {string.Join(", ", Stages.Select(s => s.Name))}");

    /// <summary>Every stage with its time and output.</summary>
    public override string ToString()
    {
        var text = new StringBuilder($"kernel {Kernel} {Signature}\n");
        foreach (var stage in Stages)
            text.Append($"\n=== {stage.Name} ({stage.Elapsed.TotalMilliseconds:F2} ms) ===\n").Append(stage.Output);
        return text.ToString();
    }
}

/// <summary>One stage of the pipeline: its name, the time it took, and its output as text (made on first read).</summary>
public sealed class StageReport
{
    private readonly Lazy<string> output;

    internal StageReport(string name, TimeSpan elapsed, Func<string> output)
    {
        Name = name;
        Elapsed = elapsed;
        this.output = new Lazy<string>(output);
    }

    /// <summary>The stage's name.</summary>
    public string Name { get; }

    /// <summary>The time the stage took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The stage's output: a tree printed as text, or a description of what the backend made.</summary>
    public string Output => output.Value;
}
