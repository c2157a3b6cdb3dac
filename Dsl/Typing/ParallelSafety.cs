using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Typing;

/// <summary>
/// What makes a loop's iterations safe to run on several threads in any order: its body may write variables
/// declared inside it freely, arrays at will (as in Numba, each iteration should write its own elements), and a
/// variable from outside only as a reduction, <c>v = v op e</c> with op + − * Min Max and <c>e</c> not reading
/// <c>v</c>, never reading <c>v</c> otherwise; and nothing leaves the loop early. Anything else would make the
/// result depend on which thread ran when, the silent wrong answers of Numba's issues #4922, #7344 and #8515.
/// </summary>
internal static class ParallelSafety
{
    /// <summary>The reductions of a <c>PRange</c> body; a <see cref="TypingException"/> naming the line if it is not parallel.</summary>
    public static NodeList<ParallelReduction> Reductions(For loop, IReadOnlyDictionary<Local, JitType> localTypes)
    {
        var analysis = new Analysis(loop, localTypes);
        return analysis.Problem is { } problem ? throw problem : analysis.Reductions;
    }

    /// <summary>The reductions of a loop fusion made, or null when it must stay serial.</summary>
    public static NodeList<ParallelReduction>? TryReductions(For loop, IReadOnlyDictionary<Local, JitType> localTypes)
    {
        var analysis = new Analysis(loop, localTypes);
        return analysis.Problem is null ? analysis.Reductions : (NodeList<ParallelReduction>?)null;
    }

    private sealed class Analysis
    {
        private readonly IReadOnlyDictionary<Local, JitType> localTypes;
        private readonly HashSet<Local> declared = [];
        private readonly Dictionary<Local, (ReductionOperator Op, SourceLoc Loc)> reductions = [];
        private readonly Dictionary<Local, SourceLoc> reads = [];

        public Analysis(For loop, IReadOnlyDictionary<Local, JitType> localTypes)
        {
            this.localTypes = localTypes;
            declared.Add(loop.Index);
            Declarations(loop.Body);
            Walk(loop.Body, loopDepth: 0);
            foreach (var (variable, (_, loc)) in reductions)
            {
                if (Problem is null && reads.TryGetValue(variable, out var read))
                {
                    Problem = new TypingException(ErrorCodes.ParallelReductionUse,
                        $"`{variable.Name}` is a reduction of the PRange loop (updated at {loc}) and is also read here: each thread " +
                        "sees only its own partial value until the loop ends; read it after the loop", read);
                }
            }
            Reductions = reductions.Select(r => new ParallelReduction(r.Key, r.Value.Op)).OrderBy(r => r.Variable.Id).ToArray();
        }

        public NodeList<ParallelReduction> Reductions { get; }

        public TypingException? Problem { get; private set; }

        private void Declarations(Block block)
        {
            foreach (var statement in block.Statements)
            {
                if (statement is Declare d)
                    declared.Add(d.Local);
                if (statement is For f)
                    declared.Add(f.Index);
                foreach (var nested in TreeWalk.Blocks(statement))
                    Declarations(nested);
            }
        }

        private void Walk(Block block, int loopDepth)
        {
            foreach (var statement in block.Statements)
            {
                switch (statement)
                {
                    case Assign a when !declared.Contains(a.Local):
                        Update(a);
                        continue;
                    case Break when loopDepth == 0:
                        Fail(ErrorCodes.ParallelExit, "`Break` would leave a PRange loop, whose iterations run in no fixed order; use a serial `For`", statement.Loc);
                        continue;
                    case Return:
                        Fail(ErrorCodes.ParallelExit, "`Return` inside a PRange loop, whose iterations run in no fixed order; use a serial `For`", statement.Loc);
                        continue;
                }
                foreach (var e in TreeWalk.Expressions(statement))
                    Read(e, statement.Loc);
                // A Break inside a nested loop leaves only that loop.
                var depth = statement is For or While ? loopDepth + 1 : loopDepth;
                foreach (var nested in TreeWalk.Blocks(statement))
                    Walk(nested, depth);
            }
        }

        /// <summary>A write of a variable from outside the loop: it must be a reduction, always with the same operation.</summary>
        private void Update(Assign assign)
        {
            var variable = assign.Local;
            if (Reduction(variable, assign.Value) is not var (op, operand))
            {
                Fail(ErrorCodes.ParallelWrite,
                    $"`{variable.Name}` is declared outside the PRange loop and written inside it: its value after the loop would depend " +
                    $"on which thread wrote last. Declare it inside the body, or update it only as `{variable.Name} = {variable.Name} op e` " +
                    "(op + - * Min Max) to make it a reduction", assign.Loc);
                return;
            }
            Read(operand, assign.Loc);
            if (reductions.TryGetValue(variable, out var earlier) && earlier.Op != op)
            {
                Fail(ErrorCodes.ParallelReductionUse,
                    $"`{variable.Name}` is reduced with {Describe(earlier.Op)} at {earlier.Loc} and with {Describe(op)} here: a PRange reduction takes one operation",
                    assign.Loc);
                return;
            }
            reductions.TryAdd(variable, (op, assign.Loc));
        }

        /// <summary><c>v op e</c> or <c>e op v</c> (for commutative ops), <c>v</c> possibly widened and the result narrowed back.</summary>
        /// <remarks>
        /// + − * may run in a wider type than the variable (int32 + int64 wraps back to int32; float32 + float64
        /// rounds back): chunks then change only what reordering changes. A float operation on an integer variable
        /// truncates at every step, which no regrouping preserves, and so does a bool's; not reductions.
        /// </remarks>
        private (ReductionOperator Op, Expr Operand)? Reduction(Local variable, Expr value)
        {
            var type = localTypes[variable].DType;
            var operation = value is Cast c ? c.Operand : value;
            if (type == DType.Bool || !Promotion.CanCastSafely(type, operation.T.DType) || (!type.IsFloat() && type != DType.Complex128 && operation.T.DType.IsFloat()))
                return null;
            // Narrowing back after a wider min or max is not monotone across wrapping: only in the variable's own type.
            return Arithmetic(variable, operation, type, minMax: type != DType.Complex128) is var (op, operand)
                && (op is not (ReductionOperator.Min or ReductionOperator.Max) || operation.T.DType == type)
                ? (op, operand) : null;
        }

        private static (ReductionOperator Op, Expr Operand)? Arithmetic(Local variable, Expr value, DType type, bool minMax)
        {
            // The variable itself, or widened.
            bool Is(Expr e) => e is LocalRef r ? r.Local == variable : e is Cast c && Promotion.CanCastSafely(type, c.To) && Is(c.Operand);
            (ReductionOperator, Expr)? Either(ReductionOperator op, Expr left, Expr right) =>
                Is(left) ? (op, right) : Is(right) ? (op, left) : null;
            return value switch
            {
                Binary { Op: BinaryOp.Add } b => Either(ReductionOperator.Add, b.Left, b.Right),
                Binary { Op: BinaryOp.Multiply } b => Either(ReductionOperator.Multiply, b.Left, b.Right),
                Binary { Op: BinaryOp.Subtract } b when Is(b.Left) => (ReductionOperator.Subtract, b.Right),
                MathCall { Function: MathFunction.Min, Args: [var a, var b] } when minMax => Either(ReductionOperator.Min, a, b),
                MathCall { Function: MathFunction.Max, Args: [var a, var b] } when minMax => Either(ReductionOperator.Max, a, b),
                _ => null,
            } is var (op, operand) && !Reads(operand, variable) ? (op, operand) : null;
        }

        private static bool Reads(Expr e, Local variable) =>
            e is LocalRef r ? r.Local == variable : TreeWalk.Children(e).Any(child => Reads(child, variable));

        private void Read(Expr e, SourceLoc loc)
        {
            if (e is LocalRef r)
                reads.TryAdd(r.Local, e.Loc.IsKnown ? e.Loc : loc);
            foreach (var child in TreeWalk.Children(e))
                Read(child, loc);
        }

        private void Fail(string code, string problem, SourceLoc loc) => Problem ??= new TypingException(code, problem, loc);

        private static string Describe(ReductionOperator op) => op switch
        {
            ReductionOperator.Add => "+",
            ReductionOperator.Subtract => "-",
            ReductionOperator.Multiply => "*",
            _ => op.ToString(),
        };
    }
}
