using System.Globalization;
using System.Linq.Expressions;
using System.Numerics;
using System.Text;

namespace JitDsl.Backends.Llvm.IrGen;

/// <summary>
/// Translates a lowered <see cref="LambdaExpression"/> (the form every backend consumes) into an LLVM IR
/// module with one entry point in the <see cref="NativeAbi"/> convention. Variables become stack slots that
/// LLVM promotes to registers; jumps become branches; device functions (nested lambdas) are inlined, as the
/// expression compiler does; calls the lowering makes to its runtime helpers become their IR equivalents,
/// and the checks among them store an error in the context and return instead of throwing.
/// </summary>
internal sealed partial class IrCodegen
{
    private static readonly IrValue Void = new("", "void");

    // The function being written: the entry point, or a parallel loop's chunk function (IrCodegen.Parallel).
    private IrFunction f = new();
    private readonly IrDeclarations declarations;
    private readonly string fastMath;
    private readonly List<string> sites = [];
    private Stack<Scope> scopes = new();

    private IrCodegen(IrDeclarations declarations, FastMath fastMath)
    {
        this.declarations = declarations;
        this.fastMath = fastMath.IrFlags();
    }

    /// <summary>A lambda being translated: its variables' stack slots and its jump targets.</summary>
    private sealed class Scope
    {
        public Dictionary<ParameterExpression, string> Variables { get; } = [];

        public Dictionary<LabelTarget, (string Block, string? Result)> Labels { get; } = [];
    }

    public static NativeModule Generate(LambdaExpression kernel, string symbol, FastMath fastMath, LlvmTarget target, int llvmVersion, bool vectorMath)
    {
        var declarations = new IrDeclarations(llvmVersion, target.Cpu, target.Features, vectorMath);
        var codegen = new IrCodegen(declarations, fastMath);
        codegen.Entry(kernel);

        var text = new StringBuilder();
        text.Append($"; JitDsl kernel {string.Concat(kernel.Name?.Select(c => char.IsControl(c) ? ' ' : c) ?? [])}\n");
        text.Append($"target triple = \"{target.Triple}\"\n");
        text.Append($"target datalayout = \"{target.DataLayout}\"\n\n");
        var entry = new StringBuilder();
        entry.Append($"define i32 @{symbol}(ptr noalias %ctx, ptr noalias readonly %argv, ptr noalias %ret) #{IrDeclarations.KernelAttributes} {{\n");
        codegen.f.WriteTo(entry);
        entry.Append("}\n\n");
        foreach (var chunk in codegen.chunkFunctions)
            entry.Append(chunk).Append("\n\n");
        var entryText = entry.ToString();
        IrPrelude.WriteUsed(text, entryText);
        text.Append(entryText);
        declarations.WriteTo(text);
        return new NativeModule(symbol, text.ToString(), codegen.sites, Key: "");
    }

    /// <summary>Unpacks the argument slots into the kernel's parameters, runs its body, stores its result.</summary>
    private void Entry(LambdaExpression kernel)
    {
        scopes.Push(new Scope());
        var slot = 0;
        foreach (var parameter in kernel.Parameters)
        {
            var value = Unpack(parameter.Type, slot);
            slot += IrType.Slots(parameter.Type);
            Store(Declare(parameter), value);
        }
        var result = Lower(kernel.Body);
        if (kernel.ReturnType != typeof(void))
        {
            var stored = kernel.ReturnType.IsArray ? Extract(result, 0, "ptr") : result;
            f.Line($"store {stored}, ptr %ret");
        }
        f.Terminate("ret i32 0");
        scopes.Pop();
    }

    private IrValue Unpack(Type type, int slot)
    {
        if (type.IsArray)
        {
            var array = Aggregate(IrType.ArrayOf(type.GetArrayRank()),
                [Load("ptr", Slot(slot)), .. Enumerable.Range(1, type.GetArrayRank()).Select(k => Load("i64", Slot(slot + k)))]);
            return array;
        }
        if (type == typeof(Complex))
            return Aggregate(IrType.Complex, [Load("double", Slot(slot)), Load("double", Slot(slot + 1))]);
        if (Lowering.Runtime.Strided.IsView(type))
            return Aggregate(IrType.View, [Load("ptr", Slot(slot)), Load("i64", Slot(slot + 1)), Load("ptr", Slot(slot + 2)), Load("ptr", Slot(slot + 3))]);
        if (type == typeof(bool))
            return f.Emit("i1", $"icmp ne i8 {Load("i8", Slot(slot)).Ref}, 0");
        return Load(IrType.Of(type), Slot(slot));
    }

    private string Slot(int index) => f.Emit("ptr", $"getelementptr i64, ptr %argv, i64 {index}").Ref;

    // ---- The tree

    private IrValue Lower(Expression e)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (e)
        {
            case BlockExpression block:
                foreach (var variable in block.Variables)
                    Declare(variable);
                var last = Void;
                foreach (var expression in block.Expressions)
                    last = Lower(expression);
                return block.Type == typeof(void) ? Void : last;
            case ParameterExpression variable:
                return Load(IrType.Of(variable.Type), Lookup(variable));
            case ConstantExpression constant:
                return Constant(constant.Value, constant.Type);
            case DefaultExpression d:
                return d.Type == typeof(void) ? Void : Zero(d.Type);
            case BinaryExpression { NodeType: ExpressionType.Assign, Left: IndexExpression element } store:
            {
                // C#'s order, as on the Clr backend: the array and its indices, then the value (which may fail first otherwise).
                var array = Lower(element.Object!);
                var indices = element.Arguments.Select(Lower).ToArray();
                var value = Lower(store.Right);
                StoreElement(array, element.Object!.Type, indices, value);
                return value;
            }
            case BinaryExpression { NodeType: ExpressionType.Assign, Left: ParameterExpression variable } assign:
                return Assign(variable, Lower(assign.Right));
            case BinaryExpression { NodeType: ExpressionType.AddAssign, Left: ParameterExpression target } increment:
                return Assign(target, Arithmetic(ExpressionType.Add, Lower(target), Lower(increment.Right)));
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.OrElse } logic:
                return ShortCircuit(logic);
            case BinaryExpression binary:
                return LowerBinary(binary);
            case UnaryExpression unary:
                return LowerUnary(unary);
            case ConditionalExpression conditional:
                return LowerConditional(conditional);
            case LoopExpression loop:
                return LowerLoop(loop);
            case TryExpression { Handlers.Count: 0, Finally: { } cleanup } attempt:
                // Nothing throws in native code: the body, then the cleanup (an error returns before both end).
                Lower(attempt.Body);
                Lower(cleanup);
                return Void;
            case LabelExpression label:
                return LowerLabel(label);
            case GotoExpression jump:
                return LowerGoto(jump);
            case IndexExpression index:
                return LoadElement(Lower(index.Object!), index.Object!.Type, index.Arguments.Select(Lower).ToArray());
            case MethodCallExpression call:
                return LowerCall(call);
            case MemberExpression member:
                return LowerMember(member);
            case NewExpression { Type: var t } construct when t == typeof(Complex):
                return Aggregate(IrType.Complex, [.. construct.Arguments.Select(Lower)]);
            case NewArrayExpression { NodeType: ExpressionType.NewArrayBounds } allocation:
                return Allocate(allocation);
            case InvocationExpression { Expression: LambdaExpression device } invocation:
                return Inline(device, invocation.Arguments.Select(Lower).ToArray());
            default:
                throw Unsupported(e);
        }
    }

    private static JitInternalException Unsupported(Expression e) =>
        new($"the LLVM backend does not translate {e.NodeType} ({e.GetType().Name}: {e})");

    // ---- Variables

    private string Declare(ParameterExpression variable)
    {
        var slot = f.Alloca(IrType.Of(variable.Type), variable.Name ?? "v");
        scopes.Peek().Variables[variable] = slot;
        return slot;
    }

    private string Lookup(ParameterExpression variable)
    {
        foreach (var scope in scopes)
        {
            if (scope.Variables.TryGetValue(variable, out var slot))
                return slot;
        }
        throw new JitInternalException($"variable `{variable.Name}` used before it is declared");
    }

    private IrValue Assign(ParameterExpression variable, IrValue value)
    {
        Store(Lookup(variable), value);
        return value;
    }

    /// <summary>A device function, inlined: its parameters and labels get slots and blocks of their own.</summary>
    private IrValue Inline(LambdaExpression device, IrValue[] args)
    {
        scopes.Push(new Scope());
        for (var k = 0; k < args.Length; k++)
            Store(Declare(device.Parameters[k]), args[k]);
        var result = Lower(device.Body);
        scopes.Pop();
        return result;
    }

    // ---- Control flow

    private (string Block, string? Result) Label(LabelTarget target)
    {
        var labels = scopes.Peek().Labels;
        if (!labels.TryGetValue(target, out var label))
        {
            var result = target.Type == typeof(void) ? null : f.Alloca(IrType.Of(target.Type), "result");
            labels[target] = label = (f.Label(target.Name ?? "label"), result);
        }
        return label;
    }

    private IrValue LowerLabel(LabelExpression label)
    {
        var (block, result) = Label(label.Target);
        if (result is not null && label.DefaultValue is not null)
            Store(result, Lower(label.DefaultValue));
        f.Start(block);
        return result is null ? Void : Load(IrType.Of(label.Target.Type), result);
    }

    private IrValue LowerGoto(GotoExpression jump)
    {
        var (block, result) = Label(jump.Target);
        if (jump.Value is not null)
        {
            var value = Lower(jump.Value);
            if (result is not null)
                Store(result, value);
        }
        f.Branch(block);
        return Void;
    }

    private IrValue LowerLoop(LoopExpression loop)
    {
        var header = f.Label("loop");
        if (loop.ContinueLabel is not null)
            scopes.Peek().Labels[loop.ContinueLabel] = (header, null);
        var exit = loop.BreakLabel is not null ? Label(loop.BreakLabel).Block : f.Label("loop_exit");
        f.Start(header);
        Lower(loop.Body);
        f.Branch(header);
        f.Start(exit);
        return Void;
    }

    private IrValue LowerConditional(ConditionalExpression conditional)
    {
        var test = Lower(conditional.Test);
        var result = conditional.Type == typeof(void) ? null : f.Alloca(IrType.Of(conditional.Type), "choice");
        var (ifTrue, ifFalse, join) = (f.Label("then"), f.Label("else"), f.Label("join"));
        f.Branch(test, ifTrue, ifFalse);
        foreach (var (block, branch) in new[] { (ifTrue, conditional.IfTrue), (ifFalse, conditional.IfFalse) })
        {
            f.Start(block);
            var value = Lower(branch);
            if (result is not null)
                Store(result, value);
            f.Branch(join);
        }
        f.Start(join);
        return result is null ? Void : Load(IrType.Of(conditional.Type), result);
    }

    private IrValue ShortCircuit(BinaryExpression logic)
    {
        var result = f.Alloca("i1", logic.NodeType == ExpressionType.AndAlso ? "and" : "or");
        var left = Lower(logic.Left);
        Store(result, left);
        var (right, join) = (f.Label("rhs"), f.Label("join"));
        if (logic.NodeType == ExpressionType.AndAlso)
            f.Branch(left, right, join);
        else
            f.Branch(left, join, right);
        f.Start(right);
        Store(result, Lower(logic.Right));
        f.Branch(join);
        f.Start(join);
        return Load("i1", result);
    }

    // ---- Errors: recorded in the context, then the kernel returns; the managed side throws.

    /// <summary>Branches to an error exit when <paramref name="failed"/> holds.</summary>
    // details: more values for the message (the lengths of operands that do not broadcast), as many as fit.
    private void FailWhen(IrValue failed, NativeError error, IrValue value1, IrValue value2, string? site, IReadOnlyList<IrValue>? details = null)
    {
        var unlikely = f.Emit("i1", $"call i1 @llvm.expect.i1(i1 {failed.Ref}, i1 false)");
        var (fail, ok) = (f.Label("fail"), f.Label("ok"));
        f.Branch(unlikely, fail, ok);
        f.Start(fail);
        StoreContext(NativeAbi.ErrorOffset, new IrValue(((int)error).ToString(CultureInfo.InvariantCulture), "i64"));
        StoreContext(NativeAbi.Value1Offset, Widen(value1));
        StoreContext(NativeAbi.Value2Offset, Widen(value2));
        foreach (var (detail, k) in (details ?? []).Take(NativeAbi.DetailCount).Select((d, k) => (d, k)))
            StoreContext(NativeAbi.DetailsOffset + 8 * k, Widen(detail));
        StoreContext(NativeAbi.SiteOffset, new IrValue(SiteId(site).ToString(CultureInfo.InvariantCulture), "i64"));
        f.Terminate($"ret i32 {(int)error}");
        f.Start(ok);
    }

    private IrValue Widen(IrValue value) => value.Type switch
    {
        "i64" => value,
        "i32" => f.Emit("i64", $"sext i32 {value.Ref} to i64"),
        _ => throw new JitInternalException($"cannot report a {value.Type} in an error"),
    };

    private void StoreContext(int offset, IrValue value) =>
        f.Line($"store {value}, ptr {f.Emit("ptr", $"getelementptr i8, ptr %ctx, i64 {offset}").Ref}");

    private IrValue LoadContext(int offset, string type) =>
        Load(type, f.Emit("ptr", $"getelementptr i8, ptr %ctx, i64 {offset}").Ref);

    private int SiteId(string? site)
    {
        if (site is null)
            return -1;
        var id = sites.IndexOf(site);
        if (id < 0)
        {
            sites.Add(site);
            id = sites.Count - 1;
        }
        return id;
    }

    // ---- Small builders

    private IrValue Load(string type, string pointer) => f.Emit(type, $"load {type}, ptr {pointer}");

    private void Store(string pointer, IrValue value) => f.Line($"store {value}, ptr {pointer}");

    private IrValue Extract(IrValue aggregate, int index, string type) =>
        f.Emit(type, $"extractvalue {aggregate}, {index}");

    private IrValue Aggregate(string type, IReadOnlyList<IrValue> parts)
    {
        var value = new IrValue("undef", type);
        for (var k = 0; k < parts.Count; k++)
            value = f.Emit(type, $"insertvalue {value}, {parts[k]}, {k}");
        return value;
    }

    private static IrValue I64(long value) => new(value.ToString(CultureInfo.InvariantCulture), "i64");

    private static IrValue I32(int value) => new(value.ToString(CultureInfo.InvariantCulture), "i32");
}

/// <summary>
/// A generated module: its entry point's symbol, its IR text, the source sites its errors name, and the
/// key that identifies its object code (in this process and in the disk cache).
/// </summary>
internal sealed record NativeModule(string Symbol, string Ir, IReadOnlyList<string> Sites, string Key);
