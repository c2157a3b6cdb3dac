using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using JitDsl.Dsl.Typing;

namespace JitDsl.Dsl.Tree;

/// <summary>
/// Prints kernel trees as Python-like text, the way Numba users read IR dumps: one statement a line,
/// each with the user's line number; typed trees also show every local's type and every cast.
/// </summary>
internal sealed class TreePrinter
{
    private readonly StringBuilder text = new();
    private readonly IReadOnlyDictionary<Local, JitType>? localTypes;

    private TreePrinter(IReadOnlyDictionary<Local, JitType>? localTypes) => this.localTypes = localTypes;

    public static string Print(KernelTree kernel)
    {
        var printer = new TreePrinter(null);
        var parameters = string.Join(", ", kernel.Parameters.Select(p => p.PinnedDType is null && !p.MustBeArray ? p.Name : $"{p.Name}: {p.Describe()}"));
        printer.Line(0, $"def {kernel.Name}({parameters}):", kernel.Loc);
        printer.PrintBlock(kernel.Body, 1);
        return printer.text.ToString();
    }

    public static string Print(TypedKernel kernel)
    {
        var printer = new TreePrinter(kernel.LocalTypes);
        var parameters = string.Join(", ", kernel.Source.Parameters.Select((p, k) => $"{p.Name}: {kernel.Signature.Parameters[k]}"));
        printer.Line(0, $"def {kernel.Name}({parameters}) -> {kernel.ReturnType?.ToString() ?? "none"}:", kernel.Source.Loc);
        printer.PrintBlock(kernel.Body, 1);
        return printer.text.ToString();
    }

    private void PrintBlock(Block block, int depth)
    {
        if (block.Statements.Count == 0)
            Line(depth, "pass", SourceLoc.Unknown);
        foreach (var statement in block.Statements)
            PrintStatement(statement, depth);
    }

    private void PrintStatement(Stmt statement, int depth)
    {
        switch (statement)
        {
            case Declare d:
                var type = localTypes is not null && localTypes.TryGetValue(d.Local, out var t) ? $": {t}" : "";
                Line(depth, $"{d.Local.Name}{type} = {Expr(d.Init)}", d.Loc);
                break;
            case Assign a:
                Line(depth, $"{a.Local.Name} = {Expr(a.Value)}", a.Loc);
                break;
            case Store s:
                Line(depth, $"{Expr(s.Array, Precedence.Postfix)}[{List(s.Indices)}] = {Expr(s.Value)}", s.Loc);
                break;
            case Fill f:
                Line(depth, $"{Expr(f.Array, Precedence.Postfix)}[...] = {Expr(f.Value)}", f.Loc);
                break;
            case If i:
                Line(depth, $"if {Expr(i.Condition)}:", i.Loc);
                PrintBlock(i.Then, depth + 1);
                if (i.Else.Statements.Count > 0)
                {
                    Line(depth, "else:", SourceLoc.Unknown);
                    PrintBlock(i.Else, depth + 1);
                }
                break;
            case For f:
                var reductions = f.Reductions.Count == 0 ? "" : $"  # reductions: {string.Join(", ", f.Reductions.Select(r => $"{r.Variable.Name} ({r.Op.ToString().ToLowerInvariant()})"))}";
                Line(depth, $"for {f.Index.Name} in {(f.Parallel ? "prange" : "range")}({Expr(f.Start)}, {Expr(f.Stop)}, {Expr(f.Step)}):{reductions}", f.Loc);
                PrintBlock(f.Body, depth + 1);
                break;
            case While w:
                if (w.Prelude.Statements.Count == 0)
                {
                    Line(depth, $"while {Expr(w.Condition)}:", w.Loc);
                }
                else
                {
                    Line(depth, "while True:", w.Loc);
                    PrintBlock(w.Prelude, depth + 1);
                    Line(depth + 1, $"if not ({Expr(w.Condition)}): break", w.Loc);
                }
                PrintBlock(w.Body, depth + 1);
                break;
            case Break:
                Line(depth, "break", statement.Loc);
                break;
            case Continue:
                Line(depth, "continue", statement.Loc);
                break;
            case Return r:
                Line(depth, r.Value is null ? "return" : $"return {Expr(r.Value)}", r.Loc);
                break;
            case Evaluate e:
                Line(depth, Expr(e.Value), e.Loc);
                break;
            case SeedRandom s:
                Line(depth, $"random.seed({Expr(s.Seed)})", s.Loc);
                break;
            default:
                throw new JitInternalException($"{nameof(TreePrinter)} does not know {statement.GetType().Name}");
        }
    }

    private void Line(int depth, string code, SourceLoc loc)
    {
        var line = new string(' ', depth * 4) + code;
        text.Append(loc.IsKnown ? $"{line,-60}  # {loc}" : line).Append('\n');
    }

    private enum Precedence
    {
        Conditional = 1, Or, And, Not, Comparison, BitOr, BitXor, BitAnd, Shift, Additive, Multiplicative, Unary, Power, Postfix, Atom,
    }

    private string List(IEnumerable<Expr> items) => string.Join(", ", items.Select(e => Expr(e)));

    private string Expr(Expr e, Precedence context = Precedence.Conditional)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var (code, precedence) = Format(e);
        return precedence < context ? $"({code})" : code;
    }

    private (string, Precedence) Format(Expr e) => e switch
    {
        Const c => (Literal(c.Value), Precedence.Atom),
        ParamRef p => (p.Name, Precedence.Atom),
        LocalRef r => (r.Local.Name, Precedence.Atom),
        Unary u => u.Op == UnaryOp.Not
            ? ($"not {Expr(u.Operand, Precedence.Not)}", Precedence.Not)
            : ($"{u.Op.Symbol()}{Expr(u.Operand, Precedence.Unary)}", Precedence.Unary),
        Binary b => FormatBinary(b),
        MathCall m => ($"{m.Function.Name()}({List(m.Args)})", Precedence.Postfix),
        Cast c => ($"{c.To.Name()}({Expr(c.Operand)})", Precedence.Postfix),
        Select s => ($"{Expr(s.IfTrue, Precedence.Or)} if {Expr(s.Condition, Precedence.Or)} else {Expr(s.IfFalse)}", Precedence.Conditional),
        ArrayShape s => ($"{Expr(s.Array, Precedence.Postfix)}.shape[{s.Axis}]", Precedence.Postfix),
        ArraySize s => ($"{Expr(s.Array, Precedence.Postfix)}.size", Precedence.Postfix),
        Load l => ($"{Expr(l.Array, Precedence.Postfix)}[{List(l.Indices)}]", Precedence.Postfix),
        KernelCall k => ($"{k.Callee.Name}({List(k.Args)})", Precedence.Postfix),
        MapCall m => ($"np.vectorize({m.Callee.Name})({List(m.Args)})", Precedence.Postfix),
        RandomUniform => ("random.random()", Precedence.Postfix),
        GpuUniform u => ($"cuda.random.xoroshiro128p_uniform_float64({Expr(u.States)}, {Expr(u.Index)})", Precedence.Postfix),
        GpuAtomic a => ($"cuda.atomic.{a.Op.ToString().ToLowerInvariant()}({string.Join(", ", a.Operands.Select(o => Expr(o)))})", Precedence.Postfix),
        GpuIntrinsic { Quantity: GpuQuantity.Barrier } => ("cuda.syncthreads()", Precedence.Postfix),
        GpuIntrinsic g => ($"cuda.{g.Quantity switch { GpuQuantity.ThreadIndex => "threadIdx", GpuQuantity.BlockIndex => "blockIdx", GpuQuantity.BlockSize => "blockDim", _ => "gridDim" }}.{"xyz"[g.Axis]}", Precedence.Postfix),
        Alloc a => ($"np.{(a.Zeroed ? "zeros" : "empty")}(({List(a.Shape)},), {a.Element.Name()})", Precedence.Postfix),
        AllocLike a => ($"np.{(a.Zeroed ? "zeros" : "empty")}_like({Expr(a.Source)})", Precedence.Postfix),
        Reduction { Ufunc: { } u } r => ($"{u.Callee.Name}.{(r.Op == ReduceOp.Fold ? "reduce" : "accumulate")}({List(r.Operands)})", Precedence.Postfix),
        Reduction r => ($"np.{r.Op.Name()}({List(r.Operands)})", Precedence.Postfix),
        ShapeCheck c => ($"check_{c.Rule.ToString().ToLowerInvariant()}({List(c.Lengths)})", Precedence.Postfix),
        _ => throw new JitInternalException($"{nameof(TreePrinter)} does not know {e.GetType().Name}"),
    };

    private (string, Precedence) FormatBinary(Binary b)
    {
        var precedence = b.Op switch
        {
            BinaryOp.Add or BinaryOp.Subtract => Precedence.Additive,
            BinaryOp.Multiply or BinaryOp.TrueDivide or BinaryOp.FloorDivide or BinaryOp.Modulo
                or BinaryOp.TruncatedDivide or BinaryOp.Remainder => Precedence.Multiplicative,
            BinaryOp.Power => Precedence.Power,
            BinaryOp.BitAnd => Precedence.BitAnd,
            BinaryOp.BitOr => Precedence.BitOr,
            BinaryOp.BitXor => Precedence.BitXor,
            BinaryOp.ShiftLeft or BinaryOp.ShiftRight => Precedence.Shift,
            _ => Precedence.Comparison,
        };
        // Left-associative: the right operand needs parentheses at equal precedence (a - (b - c)); ** is the opposite.
        var (leftContext, rightContext) = b.Op == BinaryOp.Power ? (precedence + 1, precedence) : (precedence, precedence + 1);
        return ($"{Expr(b.Left, leftContext)} {b.Op.Symbol()} {Expr(b.Right, rightContext)}", precedence);
    }

    /// <summary>An expression as it reads in messages: a parameter's or a local's name, otherwise its text.</summary>
    public static string Inline(Expr e) => new TreePrinter(null).Expr(e);

    private static string Literal(object value) => value switch
    {
        bool b => b ? "True" : "False",
        double d => FormatReal(d),
        float f => FormatReal(f) + "f",
        Complex z => $"complex({FormatReal(z.Real)}, {FormatReal(z.Imaginary)})",
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "?",
    };

    /// <summary>A finite real as the shortest text that reads back to it, with a ".0" where it would look like an integer.</summary>
    internal static string FormatReal(double d)
    {
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(d) && !s.Contains('.') && !s.Contains('E') ? s + ".0" : s;
    }
}
