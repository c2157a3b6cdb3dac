using System.Text;

namespace JitDsl.Backends.Llvm.IrGen;

/// <summary>
/// One IR function being written: allocas gathered in the entry block (mem2reg turns them into registers),
/// basic blocks in order, fresh names. Code after a terminator starts a fresh, unreachable block, so the
/// generator can follow the tree without tracking reachability.
/// </summary>
internal sealed class IrFunction
{
    private readonly List<string> allocas = [];
    private readonly List<(string Label, List<string> Lines)> blocks = [];
    private List<string> current;
    private bool terminated;
    private int next;

    public IrFunction()
    {
        current = [];
        blocks.Add(("body", current));
    }

    public string Temp() => $"%t{next++}";

    public string Label(string hint) => $"{hint}.{next++}";

    /// <summary>A stack slot of the given type, in the entry block.</summary>
    public string Alloca(string type, string hint)
    {
        var name = $"%{Identifier(hint)}.{next++}";
        allocas.Add($"  {name} = alloca {type}");
        return name;
    }

    /// <summary>Emits an instruction that defines a value and returns its name.</summary>
    public IrValue Emit(string type, string instruction)
    {
        var name = Temp();
        Line($"{name} = {instruction}");
        return new IrValue(name, type);
    }

    /// <summary>Emits an instruction without a result (store, call of a void function).</summary>
    public void Line(string instruction)
    {
        if (terminated)
            Start(Label("dead"));
        current.Add("  " + instruction);
    }

    /// <summary>Ends the current block with a branch or return.</summary>
    public void Terminate(string instruction)
    {
        Line(instruction);
        terminated = true;
    }

    public void Branch(string label) => Terminate($"br label %{label}");

    public void Branch(IrValue condition, string ifTrue, string ifFalse) =>
        Terminate($"br i1 {condition.Ref}, label %{ifTrue}, label %{ifFalse}");

    /// <summary>Starts a block, falling through into it from an unterminated one.</summary>
    public void Start(string label)
    {
        if (!terminated)
            current.Add($"  br label %{label}");
        current = [];
        blocks.Add((label, current));
        terminated = false;
    }

    public void WriteTo(StringBuilder text)
    {
        text.Append("entry:\n");
        foreach (var alloca in allocas)
            text.Append(alloca).Append('\n');
        text.Append("  br label %body\n");
        foreach (var (label, lines) in blocks)
        {
            text.Append(label).Append(":\n");
            foreach (var line in lines)
                text.Append(line).Append('\n');
            if (lines.Count == 0 || !IsTerminator(lines[^1]))
                text.Append("  unreachable\n");
        }
    }

    private static bool IsTerminator(string line) =>
        line.TrimStart().StartsWith("br ", StringComparison.Ordinal) || line.TrimStart().StartsWith("ret ", StringComparison.Ordinal)
        || line.TrimStart() == "unreachable";

    /// <summary>The text with every character but ASCII letters, digits and '_' made '_': a name IR and C both accept.</summary>
    public static string Identifier(string text) =>
        new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray());
}
