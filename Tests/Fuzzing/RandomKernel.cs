using System.Globalization;
using System.Text;
using CsCheck;
using JitDsl.Dsl;

namespace JitDsl.Tests.Fuzzing;

/// <summary>
/// A random well-typed kernel <c>(Arr x, Arr y, Arr o, Val s) => …</c>, kept as a small tree of its own so that it can
/// be traced through the DSL (<see cref="Define"/>), printed as the DSL code a regression test would hold
/// (<see cref="ToString"/>) and counted for shrinking. Every expression is generated for a dtype it must have, so
/// typing accepts it: a variable is declared with a cast to its dtype and every assignment casts again; indices are
/// int64; bitwise operators meet integers and bools; a parallel loop's body writes only <c>o[i]</c>, its own
/// locals and reductions <c>v = v op e</c> it never reads. The data arrays hold edge values (zeros, extremes,
/// NaN, infinities), and some indices are left unreduced, so errors are generated too.
/// </summary>
internal sealed class RandomKernel
{
    public required DType X { get; init; }
    public required DType Y { get; init; }
    public required DType O { get; init; }
    public required DType S { get; init; }
    public required int Elements { get; init; }
    public required IReadOnlyList<Node> Body { get; init; }
    public required Expr Result { get; init; }
    public required IReadOnlyList<Helper> Helpers { get; init; }
    public required ulong Seed { get; init; }

    /// <summary>How many nodes: what shrinking makes smaller.</summary>
    public int Size => Body.Sum(n => n.Size) + Result.Size + Helpers.Sum(h => h.Body.Sum(n => n.Size) + h.Result.Size);

    /// <summary>Whether a result may differ from the oracle's in the last places: a math function other than the exact ones.</summary>
    public bool Approximate => ToString().Contains("/*~*/", StringComparison.Ordinal);

    public bool HasParallelLoop => ToString().Contains("PRange(", StringComparison.Ordinal);

    /// <summary>Whether it uses complex numbers (which CUDA kernels refuse).</summary>
    public bool UsesComplex => ToString().Contains("Complex", StringComparison.Ordinal);

    // The kernel never changes once built: its text is made once, for printing and for the questions above.
    private string? text;

    /// <summary>The kernel, traced; <paramref name="inserted"/> (an ill-typed statement, say) is traced before body statement <paramref name="at"/>.</summary>
    public Kernel Define(JitOptions options, Action<Arr, Arr, Arr, Val>? inserted = null, int at = 0) =>
        Jit.Kernel((Arr x, Arr y, Arr o, Val s) =>
            new Emitter(this, x, y, o, s, Helpers.Select(h => h.Define(options)).ToArray()).Kernel(inserted is null ? null : (at, () => inserted(x, y, o, s))),
            options, name: "fuzz");

    /// <summary>The same kernel for the GPU: one thread runs the body and stores the result in <c>r[0]</c>.</summary>
    public CudaKernel DefineForGpu() =>
        JitDsl.Cuda.Kernel((Arr x, Arr y, Arr o, Val s, Arr r) =>
        {
            r[0] = new Emitter(this, x, y, o, s, Helpers.Select(h => h.Define(new JitOptions())).ToArray()).Kernel(null);
        }, name: "fuzz_gpu");

    /// <summary>The arguments, fresh each time (kernels write <c>o</c>).</summary>
    public object[] Arguments() => [Data(X, Seed, Elements), Data(Y, Seed + 1, Elements), Data(O, Seed + 2, Elements), Scalar(S, Seed + 3)];

    public override string ToString() => text ??= Print();

    private string Print()
    {
        var text = new StringBuilder();
        foreach (var (helper, k) in Helpers.Select((h, k) => (h, k)))
            text.Append(CultureInfo.InvariantCulture, $"var h{k} = Jit.Kernel((Val a, Val b) => {{ {string.Concat(helper.Body.Select(n => n + " "))}return {helper.Result}; }}); // a: {helper.A}, b: {helper.B}\n");
        text.Append(CultureInfo.InvariantCulture, $"// x: {X}[{Elements}], y: {Y}[{Elements}], o: {O}[{Elements}], s: {S}, seed {Seed}\n");
        text.Append("(Arr x, Arr y, Arr o, Val s) => { ");
        foreach (var node in Body)
            text.Append(node).Append(' ');
        return text.Append("return ").Append(Result).Append("; }").ToString();
    }

    // ---- Data

    private static readonly object[] EdgeInts = [0, 1, -1, 2, 3, -7, 31, 64, int.MaxValue, int.MinValue];
    private static readonly double[] EdgeReals = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e-300, 1e300, double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    private static Array Data(DType dtype, ulong seed, int length)
    {
        var random = new Random((int)seed);
        var values = Enumerable.Range(0, length).Select(_ => Scalar(dtype, (ulong)random.Next())).ToArray();
        var array = Array.CreateInstance(dtype.ClrType(), length);
        for (var k = 0; k < length; k++)
            array.SetValue(values[k], k);
        return array;
    }

    private static object Scalar(DType dtype, ulong seed)
    {
        var random = new Random((int)(seed % int.MaxValue));
        var edge = random.Next(3) == 0;
        return dtype switch
        {
            DType.Bool => random.Next(2) == 1,
            DType.Int32 => edge ? (int)EdgeInts[random.Next(EdgeInts.Length)] : random.Next(-100, 100),
            DType.Int64 => edge ? (random.Next(4) == 0 ? long.MinValue : (long)(int)EdgeInts[random.Next(EdgeInts.Length)] * 4_000_000_000L) : random.Next(-100, 100),
            DType.Float32 => (float)(edge ? EdgeReals[random.Next(EdgeReals.Length)] : Math.Round(random.NextDouble() * 20 - 10, 2)),
            _ => edge ? EdgeReals[random.Next(EdgeReals.Length)] : Math.Round(random.NextDouble() * 20 - 10, 3),
        };
    }

    // ---- The tree

    /// <summary>A node: prints as DSL code, emits through the DSL, and knows its size.</summary>
    internal abstract record Node
    {
        public abstract int Size { get; }

        public bool Contains(string text) => ToString().Contains(text, StringComparison.Ordinal);
    }

    /// <summary>An expression of a known dtype.</summary>
    internal abstract record Expr(DType T) : Node;

    internal sealed record Literal(object Value, DType T) : Expr(T)
    {
        public override int Size => 1;

        public override string ToString() => Value switch
        {
            bool b => b ? "true" : "false",
            int i => $"Int32({i}L)",
            long l => $"{l}L",
            float f => float.IsNaN(f) ? "float.NaN" : float.IsPositiveInfinity(f) ? "float.PositiveInfinity" : f.ToString("R", CultureInfo.InvariantCulture) + "f",
            double d => $"Float64({(double.IsNaN(d) ? "double.NaN" : double.IsInfinity(d) ? (d > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity") : d.ToString("0.0##############E+0", CultureInfo.InvariantCulture))})",
            _ => throw new InvalidOperationException(Value.GetType().Name),
        };
    }

    /// <summary>A C# <c>int</c> or <c>double</c> literal, weak: it takes the other operand's dtype.</summary>
    internal sealed record Weak(object Value, DType T) : Expr(T)
    {
        public override int Size => 1;

        public override string ToString() => Value is double d ? d.ToString("0.0##", CultureInfo.InvariantCulture) : Value.ToString()!;
    }

    internal sealed record Name(string Text, DType T) : Expr(T)
    {
        public override int Size => 1;

        public override string ToString() => Text;
    }

    internal sealed record Read(string Array, Expr Index, DType T) : Expr(T)
    {
        public override int Size => 1 + Index.Size;

        public override string ToString() => $"{Array}[{Index}]";
    }

    internal sealed record Length(string Array) : Expr(DType.Int64)
    {
        public override int Size => 1;

        public override string ToString() => $"{Array}.Length";
    }

    internal sealed record Op(string Symbol, Expr Left, Expr Right, DType T) : Expr(T)
    {
        public override int Size => 1 + Left.Size + Right.Size;

        public override string ToString() =>
            Symbol == "Pow" && T is DType.Float32 or DType.Float64 ? $"Pow({Left}, {Right})/*~*/"
            : Symbol.All(char.IsLetter) ? $"{Symbol}({Left}, {Right})" : $"({Left} {Symbol} {Right})";
    }

    internal sealed record Prefix(string Symbol, Expr Operand, DType T) : Expr(T)
    {
        public override int Size => 1 + Operand.Size;

        public override string ToString() => $"{Symbol}({Operand})";
    }

    /// <summary>A math function or cast by name; <see cref="Inexact"/> functions print a <c>~</c> comment.</summary>
    internal sealed record Call(string Function, Expr[] Args, DType T) : Expr(T)
    {
        // A complex Abs is a hypot, which the LLVM backend computes with Borges' correction, .NET its own way.
        public bool Inexact => Function is "Exp" or "Log" or "Log1p" or "Sin" or "Cos" or "Tan" or "Asin" or "Acos" or "Atan" or "Sinh"
            or "Cosh" or "Tanh" or "Atan2" or "Hypot" || (Function == "Abs" && Args[0].T == DType.Complex128);

        public override int Size => 1 + Args.Sum(a => a.Size);

        public override string ToString() => $"{Function}({string.Join(", ", Args.Select(a => a.ToString()))}){(Inexact ? "/*~*/" : "")}";
    }

    internal sealed record Choose(Expr Condition, Expr IfTrue, Expr IfFalse, DType T) : Expr(T)
    {
        public override int Size => 1 + Condition.Size + IfTrue.Size + IfFalse.Size;

        public override string ToString() => $"Where({Condition}, {IfTrue}, {IfFalse})";
    }

    internal sealed record HelperCall(int Helper, Expr A, Expr B, DType T) : Expr(T)
    {
        public override int Size => 1 + A.Size + B.Size;

        public override string ToString() => $"h{Helper}.Call({A}, {B})";
    }

    internal sealed record Declare(string Variable, Expr Init) : Node
    {
        public override int Size => 1 + Init.Size;

        public override string ToString() => $"var {Variable} = Var({Init.T}({Init}));";
    }

    internal sealed record Assign(string Variable, DType T, Expr Value) : Node
    {
        public override int Size => 1 + Value.Size;

        public override string ToString() => $"{Variable}.Value = {T}({Value});";
    }

    /// <summary>A parallel loop's reduction <c>v = v op e</c>, without a cast (it would hide the pattern).</summary>
    internal sealed record Update(string Variable, Expr Value) : Node
    {
        public override int Size => 1 + Value.Size;

        public override string ToString() => $"{Variable}.Value = {Value};";
    }

    /// <summary>Statements in the enclosing block (a parallel loop with the declarations before it and the stores after).</summary>
    internal sealed record Group(IReadOnlyList<Node> Statements) : Node
    {
        public override int Size => Statements.Sum(n => n.Size);

        public override string ToString() => string.Join(" ", Statements.Select(n => n.ToString()));
    }

    internal sealed record Store(Expr Index, Expr Value) : Node
    {
        public override int Size => 1 + Index.Size + Value.Size;

        public override string ToString() => $"o[{Index}] = {Value};";
    }

    internal sealed record Branch(Expr Condition, IReadOnlyList<Node> Then, IReadOnlyList<Node> Else) : Node
    {
        public override int Size => 1 + Condition.Size + Then.Sum(n => n.Size) + Else.Sum(n => n.Size);

        public override string ToString() =>
            $"If({Condition}, () => {{ {string.Concat(Then.Select(n => n + " "))}}})" + (Else.Count == 0 ? ";" : $".Else(() => {{ {string.Concat(Else.Select(n => n + " "))}}});");
    }

    internal sealed record Loop(string Index, Expr Start, Expr Stop, long Step, bool Parallel, IReadOnlyList<Node> Body) : Node
    {
        public override int Size => 1 + Start.Size + Stop.Size + Body.Sum(n => n.Size);

        public override string ToString() =>
            $"{(Parallel ? "PRange" : "For")}({Start}, {Stop}, {Step}, {Index} => {{ {string.Concat(Body.Select(n => n + " "))}}});";
    }

    internal sealed record Counted(string Counter, long Limit, IReadOnlyList<Node> Body) : Node
    {
        public override int Size => 1 + Body.Sum(n => n.Size);

        public override string ToString() =>
            $"var {Counter} = Var(0L); While(() => {Counter} < {Limit}, () => {{ {Counter}.Value = {Counter} + 1; {string.Concat(Body.Select(n => n + " "))}}});";
    }

    internal sealed record Jump(bool Break) : Node
    {
        public override int Size => 1;

        public override string ToString() => Break ? "Break();" : "Continue();";
    }

    internal sealed record Early(Expr Value) : Node
    {
        public override int Size => 1 + Value.Size;

        public override string ToString() => $"Return({Value});";
    }

    /// <summary>A device function <c>(Val a, Val b) => …</c> for arguments of dtypes <see cref="A"/> and <see cref="B"/>.</summary>
    internal sealed record Helper(DType A, DType B, IReadOnlyList<Node> Body, Expr Result)
    {
        public Kernel Define(JitOptions options) =>
            Jit.Kernel((Val a, Val b) => new Emitter(null, a, b, null, null, []).Helper(this), options, name: "helper");
    }

    // ---- Generation

    /// <summary>CsCheck's generator: the PCG drives every choice; the size is the number of nodes.</summary>
    public static readonly Gen<RandomKernel> Gen = new Generator();

    private sealed class Generator : Gen<RandomKernel>
    {
        public override RandomKernel Generate(PCG pcg, Size? min, out Size size)
        {
            var kernel = new Builder(pcg).Kernel();
            size = new Size((ulong)kernel.Size);
            return kernel;
        }
    }

    /// <summary>Makes one kernel from a PCG stream.</summary>
    private sealed class Builder(PCG pcg)
    {
        private static readonly DType[] Reals = [DType.Bool, DType.Int32, DType.Int64, DType.Float32, DType.Float64];

        /// <summary>A variable's or a result's dtype: complex128 now and then (arrays stay real).</summary>
        private DType Scalar() => Chance(5) ? DType.Complex128 : Pick(Reals);
        private readonly List<Helper> helpers = [];
        private int names;
        private DType x, y, o, s;

        private int Next(int max) => (int)pcg.Next((uint)max);

        private bool Chance(int percent) => Next(100) < percent;

        private T Pick<T>(params T[] items) => items[Next(items.Length)];

        public RandomKernel Kernel()
        {
            (x, y, o, s) = (Pick(Reals), Pick(Reals), Pick(Reals), Pick(Reals));
            var scope = new Scope([new Name("s", s)], Loop: false, Parallel: false, Reductions: [], Helper: false);
            var body = Statements(scope, depth: 2, count: 1 + Next(4));
            var result = Expression(Scalar(), scope, depth: 3);
            return new RandomKernel
            {
                X = x, Y = y, O = o, S = s, Elements = Pick(0, 1, 2, 3, 5, 8, 8, 8, 8, 8), Body = body, Result = result, Helpers = helpers.ToArray(),
                Seed = pcg.Next(),
            };
        }

        /// <summary>What statements and expressions may use where they are generated.</summary>
        private sealed record Scope(List<Name> Names, bool Loop, bool Parallel, List<(string Name, DType T, string Op)> Reductions, bool Helper)
        {
            /// <summary>A block inside this one: it sees this one's names; what it declares stays in it.</summary>
            public Scope Inner(bool? loop = null) => this with { Names = [.. Names], Assignable = [.. Assignable], Loop = loop ?? Loop };

            /// <summary>Variables a statement may assign: declared here, not a parallel loop's outside ones, not loop indices.</summary>
            public List<Name> Assignable { get; init; } = [];
        }

        private List<Node> Statements(Scope scope, int depth, int count)
        {
            var statements = new List<Node>();
            for (var k = 0; k < count; k++)
                statements.Add(Statement(scope, depth));
            return statements;
        }

        private Node Statement(Scope scope, int depth)
        {
            var choice = Next(depth > 0 ? 10 : 6);
            switch (choice)
            {
                case 2 when scope.Assignable.Count > 0:
                {
                    var target = Pick(scope.Assignable.ToArray());
                    // A complex value cast to a real variable would be JD0019: a complex variable takes any value.
                    return new Assign(target.Text, target.T, Expression(target.T == DType.Complex128 ? Scalar() : Pick(Reals), scope, 2));
                }
                case 2 or 3 when scope.Parallel && scope.Reductions.Count > 0:
                {
                    var (name, t, op) = Pick(scope.Reductions.ToArray());
                    var value = Expression(t == DType.Int64 && Chance(30) ? DType.Int32 : t == DType.Float64 && Chance(30) ? DType.Float32 : t, scope, 2);
                    return new Update(name, op is "Min" or "Max" ? new Call(op, [new Name(name, t), value], t) : new Op(op, new Name(name, t), value, t));
                }
                case 3 when !scope.Helper:
                    return new Store(scope.Parallel ? scope.Names.First(n => n.Text.StartsWith('i')) : Index("o", scope), Expression(o, scope, 2));
                case 4 when scope.Loop && !scope.Parallel:
                    return new Branch(Expression(DType.Bool, scope, 2), [new Jump(Chance(50))], []);
                case 5 when scope.Helper:
                    return new Branch(Expression(DType.Bool, scope, 2), [new Early(Expression(DType.Float64, scope, 2))], []);
                case 6 or 7:
                    return new Branch(Expression(DType.Bool, scope, 2), Statements(scope.Inner(), depth - 1, 1 + Next(2)),
                        Chance(50) ? Statements(scope.Inner(), depth - 1, 1 + Next(2)) : []);
                case 8 when !scope.Parallel && !scope.Helper:
                    return Chance(40) && !scope.Loop ? Parallel(scope, depth) : Loop(scope, depth);
                case 5 when !scope.Helper && x != DType.Bool:
                {
                    // A whole-array reduction, kept in a variable: inside a Where or right of & it would be JD0023.
                    var t = Reduced(x);
                    return Variable(scope, t, new Call(t == x ? Pick("Sum", "Min", "Max") : "Sum", [new Name("x", x)], t));
                }
                case 9 when !scope.Parallel:
                {
                    var counter = $"w{names++}";
                    var inner = scope.Inner(loop: true);
                    inner.Names.Add(new Name(counter, DType.Int64));
                    // The counter steps first: a Continue cannot skip it.
                    return new Counted(counter, 1 + Next(4), Statements(inner, depth - 1, 1 + Next(3)));
                }
                default: // 0, 1, and the cases that do not fit here: a new variable
                {
                    var t = scope.Parallel ? Pick(Reals) : Scalar();
                    return Variable(scope, t, Expression(t, scope, 2));
                }
            }
        }

        /// <summary>A new variable declared with <paramref name="init"/> (made before the variable is in scope), assignable from here on.</summary>
        private Declare Variable(Scope scope, DType t, Expr init)
        {
            var name = new Name($"v{names++}", t);
            scope.Names.Add(name);
            scope.Assignable.Add(name);
            return new Declare(name.Text, init);
        }

        private Node Loop(Scope scope, int depth)
        {
            var index = $"i{names++}";
            var step = Pick(1L, 1L, 2L, -1L, 3L);
            Expr start = step > 0 ? new Weak((long)Next(3), DType.Int64) : new Op("-", new Length(Pick("x", "y", "o")), new Weak(1L, DType.Int64), DType.Int64);
            Expr stop = step > 0 ? (Chance(70) ? new Length(Pick("x", "y", "o")) : new Weak((long)Next(6), DType.Int64)) : new Weak(-1L, DType.Int64);
            var inner = scope.Inner(loop: true);
            inner.Names.Add(new Name(index, DType.Int64));
            return new Loop(index, start, stop, step, false, Statements(inner, depth - 1, 1 + Next(3)));
        }

        /// <summary>PRange(o.Length): o[i] written at the index alone, reductions into new variables declared before it.</summary>
        private Node Parallel(Scope scope, int depth)
        {
            var index = $"i{names++}";
            var reductions = new List<(string, DType, string)>();
            var declarations = new List<Node>();
            for (var k = Next(3); k > 0; k--)
            {
                var t = Pick(DType.Int32, DType.Int64, DType.Float64);
                var op = t == DType.Float64 ? Pick("Min", "Max") : Pick("+", "-", "*", "Min", "Max");
                var name = $"r{names++}";
                declarations.Add(new Declare(name, Expression(t, scope, 1)));
                reductions.Add((name, t, op));
            }
            var inner = new Scope([.. scope.Names, new Name(index, DType.Int64)], Loop: true, Parallel: true, reductions, Helper: false);
            var loop = new Loop(index, new Weak(0L, DType.Int64), new Length("o"), 1, true, Statements(inner, depth - 1, 1 + Next(3)));
            foreach (var (name, t, _) in reductions)
            {
                scope.Names.Add(new Name(name, t));
                scope.Assignable.Add(new Name(name, t));
            }
            return new Group([.. declarations, loop, .. reductions.Select(r => new Store(Index("o", scope), new Name(r.Item1, r.Item2)))]);
        }

        /// <summary>An int64 index of <paramref name="array"/>: mostly reduced modulo its length (in range, or a division by zero when empty).</summary>
        private Expr Index(string array, Scope scope)
        {
            if (Chance(10))
                return Expression(DType.Int64, scope, 1);
            if (Chance(10))
                return new Weak(-1L, DType.Int64);
            return new Op("%", Expression(Pick(DType.Int32, DType.Int64), scope, 1), new Length(array), DType.Int64);
        }

        private Expr Expression(DType t, Scope scope, int depth)
        {
            if (depth <= 0 || Chance(25))
                return Leaf(t, scope);
            switch (Next(12))
            {
                case 0:
                    return new Call(t.ToString(), [Expression(Pick(Reals), scope, depth - 1)], t);
                case 1:
                    return new Choose(Expression(DType.Bool, scope, depth - 1), Expression(t, scope, depth - 1), Expression(t, scope, depth - 1), t);
                case 2 when !scope.Helper && helpers.Count < 3:
                    return Call(t, scope, depth);
            }
            return t switch
            {
                DType.Bool => Bool(scope, depth),
                DType.Int32 or DType.Int64 => Integer(t, scope, depth),
                DType.Complex128 => Complex(scope, depth),
                _ => Real(t, scope, depth),
            };
        }

        /// <summary>complex128: made from two float64s or cast from a real, combined as System.Numerics.Complex.</summary>
        private Expr Complex(Scope scope, int depth)
        {
            Expr Operand() => Expression(DType.Complex128, scope, depth - 1);
            switch (Next(5))
            {
                case 0 or 1:
                    return new Op(Pick("+", "-", "*", "/"), Operand(), Chance(30) ? Expression(DType.Float64, scope, depth - 1) : Operand(), DType.Complex128);
                case 2:
                    return new Call("Complex128", [Expression(DType.Float64, scope, depth - 1), Expression(DType.Float64, scope, depth - 1)], DType.Complex128);
                case 3:
                    return new Prefix("-", Operand(), DType.Complex128);
                default:
                    return new Call(Pick("Conj", "Sqrt", "Exp", "Log", "Sin", "Cos"), [Operand()], DType.Complex128);
            }
        }

        /// <summary>Sum's dtype for an array of <paramref name="element"/> (int64 for bool and int32, as NumPy's default integer).</summary>
        private static DType Reduced(DType element) => element is DType.Bool or DType.Int32 ? DType.Int64 : element;

        private Expr Call(DType t, Scope scope, int depth)
        {
            var (a, b) = (Pick(Reals), Pick(Reals));
            var helperScope = new Scope([new Name("a", a), new Name("b", b)], Loop: false, Parallel: false, [], Helper: true);
            var body = Chance(60) ? Statements(helperScope, 1, 1 + Next(2)) : [];
            // Every Return gives float64 and the final value is cast to it: the helper's result is float64.
            helpers.Add(new Helper(a, b, body, new Call("Float64", [Expression(Pick(Reals), helperScope, 2)], DType.Float64)));
            var call = new HelperCall(helpers.Count - 1, Expression(a, scope, depth - 1), Expression(b, scope, depth - 1), DType.Float64);
            return t == DType.Float64 ? call : new Call(t.ToString(), [call], t);
        }

        private Expr Leaf(DType t, Scope scope)
        {
            var names = scope.Names.Where(n => n.T == t && !scope.Reductions.Any(r => r.Name == n.Text)).ToArray();
            var arrays = scope.Helper ? [] : new[] { ("x", x), ("y", y), ("o", o) }.Where(a => a.Item2 == t).ToArray();
            switch (Next(4))
            {
                case 0 when names.Length > 0:
                    return Pick(names);
                case 1 when arrays.Length > 0:
                {
                    var array = Pick(arrays).Item1;
                    var loopIndex = scope.Names.Where(n => n.Text.StartsWith('i')).ToArray();
                    // In a parallel loop o is read where this iteration writes it, and nowhere else.
                    var atLoopIndex = array == "o" && loopIndex.Length > 0 && (scope.Parallel || Chance(50));
                    return new Read(array, atLoopIndex ? loopIndex[^1] : Index(array, scope), t);
                }
                case 2 when t == DType.Int64 && !scope.Helper:
                    return new Length(Pick("x", "y", "o"));
            }
            return Constant(t);
        }

        private Expr Constant(DType t) => t switch
        {
            DType.Complex128 => new Call("Complex128", [Constant(DType.Float64)], t),
            DType.Bool => new Literal(Chance(50), t),
            DType.Int32 => new Literal(Pick(0, 1, -1, 2, 3, 5, 31, 32, -7, int.MaxValue, int.MinValue), t),
            DType.Int64 => Chance(50) ? new Weak((long)Pick(0, 1, -1, 2, 3, 7, 63, 64), t) : new Literal(Pick(0L, -1L, 5_000_000_000L, long.MaxValue, long.MinValue), t),
            DType.Float32 => new Literal(Pick(0f, -0f, 1f, -1.5f, 0.25f, 3e38f, float.NaN, float.PositiveInfinity), t),
            _ => Chance(50) ? new Weak(Pick(0.0, 1.0, -0.5, 2.5, 0.1), t) : new Literal(Pick(-0.0, 1e300, double.NaN, double.NegativeInfinity, 7.0), t),
        };

        private Expr Bool(Scope scope, int depth)
        {
            switch (Next(5))
            {
                case 0 or 1:
                {
                    var t = Pick(Reals);
                    return new Op(Pick("==", "!=", "<", "<=", ">", ">="), Expression(t, scope, depth - 1), Expression(t, scope, depth - 1), DType.Bool);
                }
                case 2:
                    return new Op(Pick("&", "|", "^"), Expression(DType.Bool, scope, depth - 1), Expression(DType.Bool, scope, depth - 1), DType.Bool);
                case 3:
                    return new Prefix(Pick("!", "~"), Expression(DType.Bool, scope, depth - 1), DType.Bool);
                case 4 when Chance(10):
                    return Chance(50)
                        ? new Op(Pick("==", "!="), Expression(DType.Complex128, scope, depth - 1), Expression(DType.Complex128, scope, depth - 1), DType.Bool)
                        : new Call(Pick("IsNaN", "IsInf"), [Expression(DType.Complex128, scope, depth - 1)], DType.Bool);
                default:
                    return new Call(Pick("IsNaN", "IsInf"), [Expression(Pick(DType.Float32, DType.Float64), scope, depth - 1)], DType.Bool);
            }
        }

        private Expr Integer(DType t, Scope scope, int depth)
        {
            // An int64 operation may take an int32 operand (promoted); a weak literal takes the other operand's dtype.
            Expr Operand() => t == DType.Int64 && Chance(25) ? Expression(DType.Int32, scope, depth - 1) : Expression(t, scope, depth - 1);
            Expr Right() => Chance(30) ? new Weak((long)Pick(0, 1, 2, 3, -1, 7, 31, 33), t) : Operand();
            switch (Next(6))
            {
                case 0 or 1:
                    return new Op(Pick("+", "-", "*", "FloorDiv", "%"), Operand(), Right(), t);
                case 2:
                    return new Op(Pick("&", "|", "^", "<<", ">>"), Operand(), Right(), t);
                case 3:
                    return new Prefix(Pick("-", "~"), Operand(), t);
                case 4:
                    return new Call(Pick("Min", "Max"), [Operand(), Operand()], t);
                default:
                    return Chance(50) ? new Call("Abs", [Operand()], t) : new Op("Pow", Operand(), new Weak((long)Pick(0, 1, 2, 3, 5, -1), t), t);
            }
        }

        private Expr Real(DType t, Scope scope, int depth)
        {
            Expr Operand() => t == DType.Float64 && Chance(20) ? Expression(DType.Float32, scope, depth - 1) : Expression(t, scope, depth - 1);
            Expr Right() => Chance(25) ? new Weak(Pick(0.0, 1.0, 2.0, -0.5, 3.0), t) : Operand();
            switch (Next(7))
            {
                case 0 or 1:
                    return new Op(Pick("+", "-", "*", "/", "FloorDiv", "%"), Operand(), Right(), t);
                case 2 when t == DType.Float64:
                    // Integers divide to float64.
                    var integer = Pick(DType.Int32, DType.Int64);
                    return new Op("/", Expression(integer, scope, depth - 1), Expression(integer, scope, depth - 1), t);
                case 3:
                    return new Prefix("-", Operand(), t);
                case 4:
                {
                    var f = Pick("Sqrt", "Abs", "Floor", "Ceil", "Round", "Min", "Max");
                    return new Call(f, f is "Min" or "Max" ? [Operand(), Operand()] : [Operand()], t);
                }
                case 5 when Chance(15): // rare: one inexact function makes the whole kernel's floats compare with a tolerance
                {
                    var f = Pick("Exp", "Log", "Log1p", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Tanh", "Atan2", "Hypot", "Pow");
                    return f == "Pow" ? new Op(f, Operand(), Right(), t) : new Call(f, f is "Atan2" or "Hypot" ? [Operand(), Operand()] : [Operand()], t);
                }
                case 6 when t == DType.Float64 && Chance(15):
                    return new Call(Pick("Real", "Imag", "Abs"), [Expression(DType.Complex128, scope, depth - 1)], t);
                default:
                    return new Op(Pick("+", "*"), Operand(), Right(), t);
            }
        }
    }

    // ---- Emission through the DSL

    /// <summary>Traces a <see cref="RandomKernel"/>'s tree with the DSL's handles, as a user's lambda would.</summary>
    private sealed class Emitter(RandomKernel? kernel, Val x, Val y, Val? o, Val? s, Kernel[] helpers)
    {
        private readonly Dictionary<string, Val> names = [];

        public Val Kernel((int At, Action Statement)? inserted)
        {
            names["s"] = s!;
            (names["x"], names["y"], names["o"]) = (x, y, o!);
            for (var k = 0; k <= kernel!.Body.Count; k++)
            {
                if (inserted is var (at, statement) && at % (kernel.Body.Count + 1) == k)
                    statement();
                if (k < kernel.Body.Count)
                    Statement(kernel.Body[k]);
            }
            return Expression(kernel.Result);
        }

        public Val Helper(Helper helper)
        {
            (names["a"], names["b"]) = (x, y);
            Statements(helper.Body);
            return Expression(helper.Result);
        }

        private Arr Array(string name) => (Arr)names[name];

        private void Statements(IEnumerable<Node> nodes)
        {
            foreach (var node in nodes)
                Statement(node);
        }

        private void Statement(Node node)
        {
            switch (node)
            {
                case Declare d:
                    names[d.Variable] = Ops.Var(Ops.Cast(Expression(d.Init), d.Init.T));
                    break;
                case Assign a:
                    ((Var)names[a.Variable]).Value = Ops.Cast(Expression(a.Value), a.T);
                    break;
                case Update u:
                    ((Var)names[u.Variable]).Value = Expression(u.Value);
                    break;
                case Group g:
                    Statements(g.Statements);
                    break;
                case Store st:
                    Array("o")[Expression(st.Index)] = Expression(st.Value);
                    break;
                case Branch b when b.Else.Count == 0:
                    Ops.If(Expression(b.Condition), () => Statements(b.Then));
                    break;
                case Branch b:
                    Ops.If(Expression(b.Condition), () => Statements(b.Then)).Else(() => Statements(b.Else));
                    break;
                case Loop l:
                    void Body(Val i)
                    {
                        names[l.Index] = i;
                        Statements(l.Body);
                    }
                    if (l.Parallel)
                        Ops.PRange(Expression(l.Start), Expression(l.Stop), l.Step, Body);
                    else
                        Ops.For(Expression(l.Start), Expression(l.Stop), l.Step, Body);
                    break;
                case Counted c:
                    var counter = Ops.Var(0L);
                    names[c.Counter] = counter;
                    Ops.While(() => counter < c.Limit, () =>
                    {
                        counter.Value = counter + 1;
                        Statements(c.Body);
                    });
                    break;
                case Jump j when j.Break:
                    Ops.Break();
                    break;
                case Jump:
                    Ops.Continue();
                    break;
                case Early e:
                    Ops.Return(Expression(e.Value));
                    break;
                default:
                    throw new InvalidOperationException(node.GetType().Name);
            }
        }

        private Val Expression(Expr e) => e switch
        {
            Literal { Value: bool b } => b,
            Literal { Value: int i, T: DType.Int32 } => Ops.Int32((long)i),
            Literal { Value: long l } => l,
            Literal { Value: float f } => f,
            Literal { Value: double d } => Ops.Float64(d),
            Weak { Value: long l } => (int)l,
            Weak { Value: double d } => d,
            Name n => names[n.Text],
            Read r => Array(r.Array)[Expression(r.Index)],
            Length l => Array(l.Array).Length,
            Op op => Binary(op.Symbol, Expression(op.Left), Expression(op.Right)),
            Prefix p => p.Symbol switch { "-" => -Expression(p.Operand), "!" => !Expression(p.Operand), _ => ~Expression(p.Operand) },
            Choose c => Ops.Where(Expression(c.Condition), Expression(c.IfTrue), Expression(c.IfFalse)),
            HelperCall h => helpers[h.Helper].Call(Expression(h.A), Expression(h.B)),
            Call c => Function(c.Function, c.Args.Select(Expression).ToArray()),
            _ => throw new InvalidOperationException(e.GetType().Name),
        };

        private static Val Binary(string symbol, Val a, Val b) => symbol switch
        {
            "+" => a + b, "-" => a - b, "*" => a * b, "/" => a / b, "%" => a % b, "FloorDiv" => Ops.FloorDiv(a, b), "Pow" => Ops.Pow(a, b),
            "&" => a & b, "|" => a | b, "^" => a ^ b, "<<" => a << b, ">>" => a >> b,
            "==" => a == b, "!=" => a != b, "<" => a < b, "<=" => a <= b, ">" => a > b, ">=" => a >= b,
            _ => throw new InvalidOperationException(symbol),
        };

        private static Val Function(string name, Val[] args) => name switch
        {
            "Bool" => Ops.Bool(args[0]), "Int32" => Ops.Int32(args[0]), "Int64" => Ops.Int64(args[0]),
            "Float32" => Ops.Float32(args[0]), "Float64" => Ops.Float64(args[0]),
            "Complex128" when args.Length == 2 => Ops.Complex128(args[0], args[1]), "Complex128" => Ops.Complex128(args[0]),
            "Real" => Ops.Real(args[0]), "Imag" => Ops.Imag(args[0]), "Conj" => Ops.Conj(args[0]),
            "Sqrt" => Ops.Sqrt(args[0]), "Abs" => Ops.Abs(args[0]), "Floor" => Ops.Floor(args[0]), "Ceil" => Ops.Ceil(args[0]),
            "Round" => Ops.Round(args[0]), "Exp" => Ops.Exp(args[0]), "Log" => Ops.Log(args[0]), "Log1p" => Ops.Log1p(args[0]),
            "Sin" => Ops.Sin(args[0]), "Cos" => Ops.Cos(args[0]), "Tan" => Ops.Tan(args[0]), "Asin" => Ops.Asin(args[0]),
            "Acos" => Ops.Acos(args[0]), "Atan" => Ops.Atan(args[0]), "Sinh" => Ops.Sinh(args[0]), "Cosh" => Ops.Cosh(args[0]),
            "Tanh" => Ops.Tanh(args[0]), "IsNaN" => Ops.IsNaN(args[0]), "IsInf" => Ops.IsInf(args[0]),
            "Min" when args.Length == 2 => Ops.Min(args[0], args[1]), "Max" when args.Length == 2 => Ops.Max(args[0], args[1]),
            "Atan2" => Ops.Atan2(args[0], args[1]), "Hypot" => Ops.Hypot(args[0], args[1]),
            "Sum" => Ops.Sum(args[0]), "Min" => Ops.Min(args[0]), "Max" => Ops.Max(args[0]), "Mean" => Ops.Mean(args[0]),
            "Any" => Ops.Any(args[0]), "All" => Ops.All(args[0]),
            _ => throw new InvalidOperationException(name),
        };
    }
}
