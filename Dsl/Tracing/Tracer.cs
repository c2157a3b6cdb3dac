using System.Reflection;
using System.Runtime.ExceptionServices;
using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Tracing;

/// <summary>
/// Records a kernel by running its C# lambda once over symbolic handles. Operators and DSL calls made
/// by the lambda land here; expressions stay lazy trees, statements are appended to the innermost block.
/// When tracing ends, <see cref="Materialization"/> decides which values must be computed where the user
/// wrote them (see there), and <see cref="ScopeCheck"/> rejects values used outside their block.
/// </summary>
internal sealed class Tracer
{
    [ThreadStatic]
    private static Tracer? current;

    private readonly Stack<PendingBlock> blocks = new();
    private readonly List<LoopFrame> loops = [];
    private readonly List<LoopFrame> allLoops = [];
    private readonly Dictionary<Expr, NodeSite> sites = new(ReferenceEqualityComparer.Instance);
    private readonly List<Mutation> mutations = [];
    private readonly Dictionary<string, int> nameUses = [];
    private readonly string kernelName;
    private int nextSeq;
    private int nextLocalId;

    private Tracer(string kernelName) => this.kernelName = kernelName;

    /// <summary>The tracer of the kernel whose lambda is running on this thread.</summary>
    public static Tracer Current => current ?? throw new TypingException(ErrorCodes.OutsideKernel,
        "JitDsl values and statements can only be used inside the body of a kernel being defined with Jit.Kernel",
        CallerLocation.Capture());

    private PendingBlock Top => blocks.Peek();

    /// <summary>Runs <paramref name="body"/> over fresh handles and returns the kernel it describes.</summary>
    public static KernelTree Trace(string name, Delegate body, SourceLoc loc)
    {
        var method = body.Method;
        var parameterInfos = method.GetParameters();
        var parameters = parameterInfos.Select(p => Handles.DescribeParameter(p, loc)).ToArray();
        Handles.CheckReturnType(method.ReturnType, loc);

        var tracer = new Tracer(name);
        foreach (var parameter in parameters)
            tracer.nameUses[parameter.Name] = 1; // locals named like a parameter get a suffix
        var root = new PendingBlock();
        tracer.blocks.Push(root);
        var outer = current;
        current = tracer;
        try
        {
            var args = parameters
                .Select((p, k) => Handles.ForParameter(tracer, parameterInfos[k].ParameterType, new ParamRef(k, p.Name) { Loc = loc }))
                .ToArray();
            var result = Invoke(method, body.Target, args);
            if (method.ReturnType != typeof(void))
            {
                var value = Handles.Result(result)
                    ?? throw new TypingException(ErrorCodes.KernelLambdaType, "the kernel's lambda returned null; return a value or declare no result", loc);
                tracer.Append(new Return(tracer.Use(value)) { Loc = loc });
            }
        }
        finally
        {
            current = outer;
        }
        try
        {
            var block = Materialization.Run(root, tracer.sites, tracer.mutations, tracer.allLoops,
                node => tracer.NewLocal(tracer.NameAt(node.Loc, "t"), LocalKind.Temporary));
            ScopeCheck.Run(block);
            return new KernelTree(name, parameters, block, loc);
        }
        catch (InsufficientExecutionStackException)
        {
            throw TypingException.ExpressionTooDeep(loc);
        }
    }

    private static object? Invoke(MethodInfo method, object? target, object?[] args)
    {
        try
        {
            return method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, args, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    // ---- Expressions

    /// <summary>The expression behind a handle, after checking that it belongs to this kernel.</summary>
    public Expr Use(Val value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!ReferenceEquals(value.Tracer, this))
            throw new TypingException(ErrorCodes.ForeignValue,
                "this value belongs to another kernel; pass it as an argument or call that kernel instead", CallerLocation.Capture());
        return value.Node;
    }

    /// <summary>Registers a node built by the user so that <see cref="Materialization"/> knows where it was built.</summary>
    public Expr Record(Expr node, State? reads = null)
    {
        if (node is not (Const or ParamRef) || reads is not null)
            sites[node] = new NodeSite(Top, Top.Items.Count, nextSeq, sites.Count, reads);
        return node;
    }

    public Val Wrap(Expr node) => new(this, Record(node));

    /// <summary>
    /// An operation on <paramref name="operands"/>. With an array among them it is elementwise and reads the
    /// array's elements: a later write to arrays must not change the value it was given where it was built.
    /// </summary>
    public Val Operation(Expr node, params Val[] operands) =>
        new(this, Record(node, operands.Any(o => o is Arr || kernelResults.Contains(o.Node)) ? State.ArrayElements : null));

    // The results of kernel calls: Val handles, but often arrays (whose elements the operations on them read).
    private readonly HashSet<Expr> kernelResults = new(ReferenceEqualityComparer.Instance);

    public Val Binary(BinaryOp op, Val a, Val b, SourceLoc loc)
    {
        var (left, right) = (Use(a), Use(b));
        return Operation(new Binary(op, left, right) { Loc = loc }, a, b);
    }

    public Expr ReadVariable(Local local, SourceLoc loc) => Record(new LocalRef(local) { Loc = loc }, new State(local));

    public Val Load(Arr array, Val[] indices, SourceLoc loc) =>
        new(this, Record(new Load(Use(array), indices.Select(Use).ToArray()) { Loc = loc }, State.ArrayElements));

    /// <summary>A value computed exactly once, here: a call, a random draw, an allocation.</summary>
    public Expr BindTemporary(Expr value, string name, SourceLoc loc)
    {
        var local = NewLocal(NameAt(loc, name), LocalKind.Temporary);
        Append(new Declare(local, value) { Loc = loc });
        return new LocalRef(local) { Loc = loc };
    }

    /// <summary>A ufunc's call: the scalar kernel on every element of the arguments, pure, so not bound to a temporary.</summary>
    public Val Map(KernelTree callee, IReadOnlyList<Typing.DeclaredSignature>? signatures, Val[] args, SourceLoc loc) =>
        Operation(new MapCall(callee, args.Select(Use).ToArray()) { Loc = loc, Signatures = signatures }, args);

    public Val Call(KernelTree callee, Val[] args, SourceLoc loc)
    {
        var call = new KernelCall(callee, args.Select(Use).ToArray()) { Loc = loc };
        // The callee may write to any array it is given: the statement that binds its result is a write.
        mutations.Add(new Mutation(State.ArrayElements, nextSeq, [.. loops]));
        var result = BindTemporary(call, $"{callee.Name}_result", loc);
        kernelResults.Add(result);
        return new Val(this, result);
    }

    // ---- Statements

    public Var DeclareVariable(Val init, string? name, SourceLoc loc)
    {
        var value = Use(init);
        var local = NewLocal(name ?? NameAt(loc, "v"), LocalKind.Variable);
        Append(new Declare(local, value) { Loc = loc });
        return new Var(this, local);
    }

    public void Assign(Local local, Val value, SourceLoc loc)
    {
        var seq = Append(new Assign(local, Use(value)) { Loc = loc });
        mutations.Add(new Mutation(new State(local), seq, [.. loops]));
    }

    public void Store(Arr array, Val[] indices, Val value, SourceLoc loc)
    {
        var target = Use(array);
        var index = indices.Select(Use).ToArray();
        var seq = Append(new Store(target, index, Use(value)) { Loc = loc });
        mutations.Add(new Mutation(State.ArrayElements, seq, [.. loops]));
    }

    public void Fill(Arr array, Val value, SourceLoc loc)
    {
        var seq = Append(new Fill(Use(array), Use(value)) { Loc = loc });
        mutations.Add(new Mutation(State.ArrayElements, seq, [.. loops]));
    }

    /// <summary>A reduction of arrays; it reads every element, so a later write to them must not move it.</summary>
    public Val Reduce(ReduceOp op, Val[] operands, SourceLoc loc, int? axis = null, bool keepDims = false) =>
        new(this, Record(new Reduction(op, operands.Select(Use).ToArray()) { Loc = loc, Axis = axis, KeepDims = keepDims }, State.ArrayElements));

    public void SeedRandom(Val seed, SourceLoc loc) => Append(new SeedRandom(Use(seed)) { Loc = loc });

    /// <summary>A CUDA atomic operation: a write of an array element, whose old value it gives.</summary>
    public Val Atomic(GpuAtomicOp op, Arr array, Val[] operands, SourceLoc loc)
    {
        var node = new GpuAtomic(op, [Use(array), .. operands.Select(Use)]) { Loc = loc };
        mutations.Add(new Mutation(State.ArrayElements, nextSeq, [.. loops]));
        return new Val(this, BindTemporary(node, "old", loc));
    }

    /// <summary>A draw from a CUDA thread's generator, which it advances: a write of the states array.</summary>
    public Val GpuUniform(Arr states, Val index, SourceLoc loc)
    {
        var node = new GpuUniform(Use(states), Use(index)) { Loc = loc };
        mutations.Add(new Mutation(State.ArrayElements, nextSeq, [.. loops]));
        return new Val(this, BindTemporary(node, "u", loc));
    }

    /// <summary>A CUDA barrier: other threads' writes land here, so no read of array elements may move across it.</summary>
    public void Barrier(SourceLoc loc)
    {
        var seq = Append(new Evaluate(new GpuIntrinsic(GpuQuantity.Barrier, 0) { Loc = loc }) { Loc = loc });
        mutations.Add(new Mutation(State.ArrayElements, seq, [.. loops]));
    }

    public void Return(Val? value, SourceLoc loc) => Append(new Return(value is null ? null : Use(value)) { Loc = loc });

    public void Jump(bool isBreak, SourceLoc loc)
    {
        if (loops.Count == 0)
            throw new TypingException(ErrorCodes.MisplacedStatement,
                $"{(isBreak ? "Break" : "Continue")} must be inside a For or While loop", loc);
        Append(isBreak ? new Break { Loc = loc } : new Continue { Loc = loc });
    }

    public IfChain If(Val condition, Action then, SourceLoc loc)
    {
        var test = Use(condition);
        var statement = new PendingIf(nextSeq++, test, TraceBlock(then), loc);
        Top.Items.Add(statement);
        return new IfChain(this, Top, statement, statement);
    }

    /// <summary>
    /// Attaches <c>ElseIf</c> to the last If of a chain. Evaluating <paramref name="condition"/> may have
    /// bound temporaries after the chain; they belong to the else branch and move there.
    /// </summary>
    public PendingIf ElseIf(PendingBlock parent, PendingIf root, PendingIf last, Val condition, Action then, SourceLoc loc)
    {
        var test = Use(condition);
        var elseBlock = MoveTrailingIntoElse(parent, root, last, "ElseIf", loc, conditionMayBindTemporaries: true);
        var nested = new PendingIf(nextSeq++, test, TraceBlock(then), loc);
        elseBlock.Items.Add(nested);
        return nested;
    }

    public void Else(PendingBlock parent, PendingIf root, PendingIf last, Action body, SourceLoc loc)
    {
        var elseBlock = MoveTrailingIntoElse(parent, root, last, "Else", loc, conditionMayBindTemporaries: false);
        blocks.Push(elseBlock);
        try
        {
            body();
        }
        finally
        {
            blocks.Pop();
        }
    }

    private PendingBlock MoveTrailingIntoElse(
        PendingBlock parent, PendingIf root, PendingIf last, string what, SourceLoc loc, bool conditionMayBindTemporaries)
    {
        if (last.Else is not null)
            throw new TypingException(ErrorCodes.MisplacedStatement, $"{what} follows an If that already has an Else", loc);
        var rootIndex = parent.Items.IndexOf(root);
        var trailing = parent.Items.Skip(rootIndex + 1).ToList();
        var boundByCondition = conditionMayBindTemporaries
            && trailing.All(s => s is PendingSimple { Stmt: Declare { Local.Kind: LocalKind.Temporary } });
        if (!ReferenceEquals(Top, parent) || (trailing.Count > 0 && !boundByCondition))
            throw new TypingException(ErrorCodes.MisplacedStatement,
                $"{what} must follow its If directly, in the same block (chain it: If(...).{what}(...))", loc);

        var elseBlock = new PendingBlock();
        elseBlock.Items.AddRange(trailing);
        parent.Items.RemoveRange(rootIndex + 1, trailing.Count);
        foreach (var site in sites.Values.Where(s => ReferenceEquals(s.Block, parent) && s.Position > rootIndex))
        {
            site.Block = elseBlock;
            site.Position -= rootIndex + 1;
        }
        last.Else = elseBlock;
        return elseBlock;
    }

    public void For(Val start, Val stop, Val step, Action<Val> body, SourceLoc loc, bool parallel = false)
    {
        var (from, to, by) = (Use(start), Use(stop), Use(step));
        var seq = nextSeq++;
        var index = NewLocal(body.Method.GetParameters()[0].Name ?? "i", LocalKind.LoopIndex);
        var frame = OpenLoop(seq);
        var block = TraceBlock(() => body(new Val(this, new LocalRef(index) { Loc = loc })));
        frame.End = nextSeq - 1;
        loops.Remove(frame);
        Top.Items.Add(new PendingFor(seq, index, from, to, by, block, loc, parallel));
    }

    public void While(Func<Val> condition, Action body, SourceLoc loc)
    {
        var frame = OpenLoop(nextSeq++);
        Expr? test = null;
        var prelude = TraceBlock(() => test = Use(condition()));
        var conditionSeq = nextSeq++;
        var block = TraceBlock(body);
        frame.End = nextSeq - 1;
        loops.Remove(frame);
        Top.Items.Add(new PendingWhile(frame.Start, prelude, test!, conditionSeq, block, loc));
    }

    private LoopFrame OpenLoop(int seq)
    {
        var frame = new LoopFrame(seq);
        loops.Add(frame);
        allLoops.Add(frame);
        return frame;
    }

    private PendingBlock TraceBlock(Action body)
    {
        var block = new PendingBlock();
        blocks.Push(block);
        try
        {
            body();
        }
        finally
        {
            blocks.Pop();
        }
        return block;
    }

    private int Append(Stmt statement)
    {
        var seq = nextSeq++;
        Top.Items.Add(new PendingSimple(seq, statement));
        return seq;
    }

    /// <summary>
    /// The name the user's line gives a value (<c>var total = ...</c>), unless that is the kernel's own name,
    /// as on a one-line kernel (<c>var f = Jit.Kernel(x =&gt; ...)</c>).
    /// </summary>
    private string NameAt(SourceLoc loc, string fallback) =>
        SourceNames.AssignedName(loc) is { } name && name != kernelName ? name : fallback;

    private Local NewLocal(string name, LocalKind kind)
    {
        var uses = nameUses.GetValueOrDefault(name);
        nameUses[name] = uses + 1;
        return new Local(nextLocalId++, uses == 0 ? name : $"{name}_{uses}", kind);
    }
}
