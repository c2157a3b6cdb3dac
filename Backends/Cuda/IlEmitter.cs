using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Reflection.Emit;
using System.Text;
using ILGPU;
using JitDsl.Backends.Llvm;
using JitDsl.Dsl.Tree;
using JitDsl.Lowering.Runtime;

namespace JitDsl.Backends.Cuda;

/// <summary>
/// Writes a lowered kernel (the <see cref="LambdaExpression"/> every backend consumes) as the IL of a static method
/// that ILGPU compiles. A 1-D array parameter becomes an <see cref="ArrayView{T}"/>, indexed through its ref
/// indexer, a 2-D or 3-D one a <see cref="GpuArray{T}"/>, flattened in C order; one more parameter, an <c>ArrayView&lt;long&gt;</c> of <see cref="ErrorSlots"/>, receives the first
/// error a thread meets (a GPU thread cannot throw): the thread claims the record with a compare-exchange, fills
/// it as the LLVM backend's context is filled (<see cref="NativeError"/> codes, values, a site) and returns. Every
/// intermediate value goes through a local of its own, so the evaluation stack is empty between nodes and a
/// failing check may return from anywhere; ILGPU turns the locals into SSA values. Device functions are inlined.
/// </summary>
internal sealed class IlEmitter
{
    /// <summary>The error record: code (0: none), two values, the site's index, then the lengths of a broadcast mismatch.</summary>
    public const int ErrorSlots = 4 + NativeAbi.DetailCount;

    private readonly ILGenerator il;
    private readonly StringBuilder listing = new();
    private readonly List<string> sites = [];
    private readonly Stack<Dictionary<ParameterExpression, Slot>> scopes = new();
    // Per function body: an inlined device function's labels are its own at each call site.
    private Dictionary<LabelTarget, (Label Label, LocalBuilder? Result)> labels = [];
    private readonly short errorArgument;
    private readonly string kernelName;

    /// <summary>Where a variable lives: a parameter of the method, or a local.</summary>
    private readonly record struct Slot(short Argument, LocalBuilder? Local);

    private IlEmitter(ILGenerator il, short errorArgument, string kernelName)
    {
        this.il = il;
        this.errorArgument = errorArgument;
        this.kernelName = kernelName;
    }

    /// <summary>What a kernel parameter of <paramref name="type"/> is on the device.</summary>
    public static Type DeviceType(Type type, string kernel)
    {
        if (type.IsArray)
        {
            if (type.GetArrayRank() > 3)
                throw Unsupported(kernel, $"a {type.GetArrayRank()}-D array: CUDA kernels take arrays of 1 to 3 dimensions");
            var element = type.GetElementType()!;
            if (element != typeof(int) && element != typeof(long) && element != typeof(float) && element != typeof(double))
                throw Unsupported(kernel, $"an array of {element.Name}: CUDA kernels take arrays of int, long, float and double (for bool, int 0 and 1)");
            return (type.GetArrayRank() == 1 ? typeof(ArrayView<>) : typeof(GpuArray<>)).MakeGenericType(element);
        }
        // ILGPU takes no bool parameter: a bool travels as a byte, 0 or 1 (which IL reads as the bool it was).
        if (type == typeof(bool))
            return typeof(byte);
        if (type == typeof(int) || type == typeof(long) || type == typeof(float) || type == typeof(double))
            return type;
        throw Unsupported(kernel, $"a value of type {type.Name}");
    }

    /// <summary>Defines the kernel as a public static method of <paramref name="type"/>; returns its IL listing and the error sites by index.</summary>
    public static (string Listing, IReadOnlyList<string> Sites) Emit(TypeBuilder type, string methodName, LambdaExpression kernel)
    {
        var name = kernel.Name ?? methodName;
        if (kernel.ReturnType != typeof(void))
            throw Unsupported(name, "a result: a CUDA kernel returns nothing; write its results into an array");
        var parameters = kernel.Parameters.Select(p => DeviceType(p.Type, name)).Append(typeof(ArrayView<long>)).ToArray();
        var method = type.DefineMethod(methodName, MethodAttributes.Public | MethodAttributes.Static, typeof(void), parameters);
        for (var k = 0; k < kernel.Parameters.Count; k++)
            method.DefineParameter(k + 1, ParameterAttributes.None, kernel.Parameters[k].Name);
        method.DefineParameter(parameters.Length, ParameterAttributes.None, "errors");
        var emitter = new IlEmitter(method.GetILGenerator(), (short)kernel.Parameters.Count, name);
        emitter.scopes.Push(kernel.Parameters.Select((p, k) => (p, k)).ToDictionary(x => x.p, x => new Slot((short)x.k, null)));
        emitter.Lower(kernel.Body);
        emitter.Op(OpCodes.Ret);
        return (emitter.listing.ToString(), emitter.sites);
    }

    private static TypingException Unsupported(string kernel, string what) =>
        new(ErrorCodes.GpuOnly, $"CUDA kernel `{kernel}` uses {what}", Dsl.Tree.SourceLoc.Unknown);

    // ---- The tree

    /// <summary>Emits <paramref name="e"/>; returns the local holding its value (null for void).</summary>
    private LocalBuilder? Lower(Expression e)
    {
        System.Runtime.CompilerServices.RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (e)
        {
            case BlockExpression block:
            {
                scopes.Push(block.Variables.ToDictionary(v => v, v => new Slot(-1, NewLocal(v.Type))));
                LocalBuilder? last = null;
                foreach (var expression in block.Expressions)
                    last = Lower(expression);
                scopes.Pop();
                return block.Type == typeof(void) ? null : last;
            }
            case ParameterExpression variable:
                return Copy(variable);
            case ConstantExpression constant:
                return Constant(constant.Value, constant.Type);
            case DefaultExpression d:
                return d.Type == typeof(void) ? null : Constant(Activator.CreateInstance(d.Type), d.Type);
            case BinaryExpression { NodeType: ExpressionType.Assign, Left: IndexExpression { Object: { } array } element } store when array.Type.IsArray:
            {
                // C#'s order, as on the Clr backend: the array and its indices, then the value.
                var view = Lower(array)!;
                var indices = element.Arguments.Select(a => Lower(a)!).ToArray();
                var value = Lower(store.Right)!;
                Element(view, indices);
                Op(OpCodes.Ldloc, value);
                Op(OpCodes.Stobj, array.Type.GetElementType()!);
                return value;
            }
            case BinaryExpression { NodeType: ExpressionType.Assign, Left: ParameterExpression variable } assign:
                return Assign(variable, Lower(assign.Right)!);
            case BinaryExpression { NodeType: ExpressionType.AddAssign, Left: ParameterExpression target } increment:
                return Assign(target, Arithmetic(ExpressionType.Add, Copy(target), Lower(increment.Right)!));
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.OrElse } logic:
                return ShortCircuit(logic);
            case BinaryExpression binary:
                return Arithmetic(binary.NodeType, Lower(binary.Left)!, Lower(binary.Right)!);
            case UnaryExpression unary:
                return LowerUnary(unary);
            case ConditionalExpression conditional:
                return LowerConditional(conditional);
            case LoopExpression loop:
                return LowerLoop(loop);
            case LabelExpression label:
            {
                var (target, result) = Label(label.Target);
                if (result is not null && label.DefaultValue is not null)
                    Store(result, Lower(label.DefaultValue)!);
                Mark(target);
                return result is null ? null : Copy(result);
            }
            case GotoExpression jump:
            {
                var (target, result) = Label(jump.Target);
                if (jump.Value is not null && Lower(jump.Value) is { } value && result is not null)
                    Store(result, value);
                Op(OpCodes.Br, target);
                return null;
            }
            case IndexExpression { Object: { } array } index when array.Type.IsArray:
                return LoadElement(Lower(array)!, array.Type.GetElementType()!, index.Arguments.Select(a => Lower(a)!).ToArray());
            case MemberExpression { Member.Name: nameof(Array.LongLength), Expression: { } array } when array.Type.IsArray:
                return ElementCount(Lower(array)!);
            case MethodCallExpression call:
                return LowerCall(call);
            case InvocationExpression { Expression: LambdaExpression device } invocation:
                return Inline(device, invocation.Arguments.Select(a => Lower(a)!).ToArray());
            default:
                throw Unsupported(kernelName, $"{e.NodeType} ({e.GetType().Name})");
        }
    }

    private LocalBuilder? Inline(LambdaExpression device, LocalBuilder[] args)
    {
        var scope = new Dictionary<ParameterExpression, Slot>();
        for (var k = 0; k < args.Length; k++)
        {
            var local = NewLocal(device.Parameters[k].Type);
            Store(local, args[k]);
            scope[device.Parameters[k]] = new Slot(-1, local);
        }
        scopes.Push(scope);
        var outerLabels = labels;
        labels = [];
        var result = Lower(device.Body);
        labels = outerLabels;
        scopes.Pop();
        return result;
    }

    // ---- Variables and values

    private LocalBuilder NewLocal(Type type)
    {
        var local = il.DeclareLocal(type.IsArray ? DeviceType(type, kernelName) : type);
        listing.Append(CultureInfo.InvariantCulture, $"  .local V_{local.LocalIndex} {local.LocalType.Name}\n");
        return local;
    }

    private Slot Lookup(ParameterExpression variable)
    {
        foreach (var scope in scopes)
        {
            if (scope.TryGetValue(variable, out var slot))
                return slot;
        }
        throw new JitInternalException($"CUDA kernel `{kernelName}`: variable `{variable.Name}` used before it is declared");
    }

    private void Load(Slot slot)
    {
        if (slot.Local is { } local)
            Op(OpCodes.Ldloc, local);
        else
            Op(OpCodes.Ldarg, slot.Argument);
    }

    /// <summary>The address of an array view, for its indexer.</summary>
    private void LoadAddress(LocalBuilder view) => Op(OpCodes.Ldloca, view);

    private LocalBuilder Copy(ParameterExpression variable)
    {
        var slot = Lookup(variable);
        var copy = NewLocal(variable.Type);
        Load(slot);
        Op(OpCodes.Stloc, copy);
        return copy;
    }

    private LocalBuilder Copy(LocalBuilder value)
    {
        var copy = NewLocal(value.LocalType);
        Op(OpCodes.Ldloc, value);
        Op(OpCodes.Stloc, copy);
        return copy;
    }

    private void Store(LocalBuilder target, LocalBuilder value)
    {
        Op(OpCodes.Ldloc, value);
        Op(OpCodes.Stloc, target);
    }

    private LocalBuilder Assign(ParameterExpression variable, LocalBuilder value)
    {
        var slot = Lookup(variable);
        Op(OpCodes.Ldloc, value);
        if (slot.Local is { } local)
            Op(OpCodes.Stloc, local);
        else
            Op(OpCodes.Starg, slot.Argument);
        return value;
    }

    private LocalBuilder Constant(object? value, Type type)
    {
        var result = NewLocal(type);
        switch (value)
        {
            case bool b:
                Op(b ? OpCodes.Ldc_I4_1 : OpCodes.Ldc_I4_0);
                break;
            case int i:
                Op(OpCodes.Ldc_I4, i);
                break;
            case long l:
                Op(OpCodes.Ldc_I8, l);
                break;
            case float f:
                Op(OpCodes.Ldc_R4, f);
                break;
            case double d:
                Op(OpCodes.Ldc_R8, d);
                break;
            default:
                throw Unsupported(kernelName, $"a constant of type {type.Name}");
        }
        Op(OpCodes.Stloc, result);
        return result;
    }

    /// <summary>Leaves a reference to the element at <paramref name="indices"/> on the stack (in C order for a <see cref="GpuArray{T}"/>).</summary>
    private void Element(LocalBuilder view, params LocalBuilder[] indices)
    {
        if (view.LocalType.GetGenericTypeDefinition() == typeof(ArrayView<>))
        {
            LoadAddress(view);
            Op(OpCodes.Ldloc, indices[0]);
            Op(OpCodes.Conv_I8);
            Op(OpCodes.Call, view.LocalType.GetMethod("get_Item", [typeof(long)])!);
            return;
        }
        // (i · Length1 + j) · Length2 + k, the missing k 0.
        var flat = NewLocal(typeof(long));
        Op(OpCodes.Ldloc, indices[0]);
        Op(OpCodes.Conv_I8);
        for (var axis = 1; axis < 3; axis++)
        {
            LoadAddress(view);
            Op(OpCodes.Ldfld, view.LocalType.GetField($"Length{axis}")!);
            Op(OpCodes.Mul);
            if (axis < indices.Length)
            {
                Op(OpCodes.Ldloc, indices[axis]);
                Op(OpCodes.Conv_I8);
                Op(OpCodes.Add);
            }
        }
        Op(OpCodes.Stloc, flat);
        var data = view.LocalType.GetField(nameof(GpuArray<int>.Data))!;
        LoadAddress(view);
        Op(OpCodes.Ldflda, data);
        Op(OpCodes.Ldloc, flat);
        Op(OpCodes.Call, data.FieldType.GetMethod("get_Item", [typeof(long)])!);
    }

    /// <summary>A <see cref="GpuArray{T}"/>'s length along <paramref name="axis"/> (int64).</summary>
    private LocalBuilder LengthOf(LocalBuilder view, int axis)
    {
        var length = NewLocal(typeof(long));
        LoadAddress(view);
        Op(OpCodes.Ldfld, view.LocalType.GetField($"Length{axis}")!);
        Op(OpCodes.Stloc, length);
        return length;
    }

    private LocalBuilder ElementCount(LocalBuilder view) =>
        Arithmetic(ExpressionType.Multiply, Arithmetic(ExpressionType.Multiply, LengthOf(view, 0), LengthOf(view, 1)), LengthOf(view, 2));

    private LocalBuilder LoadElement(LocalBuilder view, Type element, LocalBuilder[] indices)
    {
        var result = NewLocal(element);
        Element(view, indices);
        Op(OpCodes.Ldobj, element);
        Op(OpCodes.Stloc, result);
        return result;
    }

    // ---- Operators

    private LocalBuilder Arithmetic(ExpressionType op, LocalBuilder left, LocalBuilder right)
    {
        var type = left.LocalType;
        var isFloat = type == typeof(float) || type == typeof(double);
        var comparison = op is ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
            or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual;
        var result = NewLocal(comparison ? typeof(bool) : type);
        Op(OpCodes.Ldloc, left);
        Op(OpCodes.Ldloc, right);
        switch (op)
        {
            case ExpressionType.Add: Op(OpCodes.Add); break;
            case ExpressionType.Subtract: Op(OpCodes.Sub); break;
            case ExpressionType.Multiply: Op(OpCodes.Mul); break;
            case ExpressionType.Divide: Op(OpCodes.Div); break;
            case ExpressionType.Modulo: Op(OpCodes.Rem); break;
            case ExpressionType.And: Op(OpCodes.And); break;
            case ExpressionType.Or: Op(OpCodes.Or); break;
            case ExpressionType.ExclusiveOr: Op(OpCodes.Xor); break;
            // As .NET masks the count (PTX would clamp it): the bits of the shifted type.
            case ExpressionType.LeftShift: MaskShift(type); Op(OpCodes.Shl); break;
            case ExpressionType.RightShift: MaskShift(type); Op(OpCodes.Shr); break;
            case ExpressionType.Equal: Op(OpCodes.Ceq); break;
            case ExpressionType.NotEqual: Op(OpCodes.Ceq); Negate(); break;
            case ExpressionType.LessThan: Op(OpCodes.Clt); break;
            case ExpressionType.GreaterThan: Op(OpCodes.Cgt); break;
            // Floats: less (greater) or equal, both ordered, so a NaN operand gives false. (C#'s negated unordered
            // opposite means the same, but ILGPU folds it wrongly for constants: −0.0 >= NaN came out true.)
            case ExpressionType.LessThanOrEqual when isFloat: Op(OpCodes.Clt); OrEqual(left, right); break;
            case ExpressionType.GreaterThanOrEqual when isFloat: Op(OpCodes.Cgt); OrEqual(left, right); break;
            case ExpressionType.LessThanOrEqual: Op(OpCodes.Cgt); Negate(); break;
            case ExpressionType.GreaterThanOrEqual: Op(OpCodes.Clt); Negate(); break;
            default: throw Unsupported(kernelName, $"the operator {op}");
        }
        Op(OpCodes.Stloc, result);
        return result;
    }

    private void OrEqual(LocalBuilder left, LocalBuilder right)
    {
        Op(OpCodes.Ldloc, left);
        Op(OpCodes.Ldloc, right);
        Op(OpCodes.Ceq);
        Op(OpCodes.Or);
    }

    private void MaskShift(Type shifted)
    {
        Op(OpCodes.Ldc_I4, shifted == typeof(long) ? 63 : 31);
        Op(OpCodes.And);
    }

    private void Negate()
    {
        Op(OpCodes.Ldc_I4_0);
        Op(OpCodes.Ceq);
    }

    private LocalBuilder ShortCircuit(BinaryExpression logic)
    {
        var result = Lower(logic.Left)!;
        var done = il.DefineLabel();
        Op(OpCodes.Ldloc, result);
        Op(logic.NodeType == ExpressionType.AndAlso ? OpCodes.Brfalse : OpCodes.Brtrue, done);
        Store(result, Lower(logic.Right)!);
        Mark(done);
        return result;
    }

    private LocalBuilder? LowerUnary(UnaryExpression unary)
    {
        if (unary.NodeType == ExpressionType.ArrayLength)
        {
            var view = Lower(unary.Operand)!;
            var length = NewLocal(typeof(int));
            LoadAddress(view);
            Op(OpCodes.Call, view.LocalType.GetProperty(nameof(ArrayView<int>.Length))!.GetMethod!);
            Op(OpCodes.Conv_I4);
            Op(OpCodes.Stloc, length);
            return length;
        }
        var operand = Lower(unary.Operand)!;
        if (unary.NodeType == ExpressionType.Convert && (operand.LocalType == typeof(double) || operand.LocalType == typeof(float))
            && (unary.Type == typeof(int) || unary.Type == typeof(long)))
        {
            var wide = operand.LocalType == typeof(double) ? operand : Converted(operand, typeof(double));
            return Call(typeof(GpuMath).GetMethod(unary.Type == typeof(int) ? nameof(GpuMath.ToInt32) : nameof(GpuMath.ToInt64))!, [wide])!;
        }
        var result = NewLocal(unary.Type);
        Op(OpCodes.Ldloc, operand);
        switch (unary.NodeType)
        {
            case ExpressionType.Negate:
                Op(OpCodes.Neg);
                break;
            case ExpressionType.Not when unary.Type == typeof(bool):
                Negate();
                break;
            case ExpressionType.Not:
                Op(OpCodes.Not);
                break;
            case ExpressionType.Convert:
                Op(unary.Type == typeof(int) ? OpCodes.Conv_I4
                    : unary.Type == typeof(long) ? OpCodes.Conv_I8
                    : unary.Type == typeof(float) ? OpCodes.Conv_R4
                    : unary.Type == typeof(double) ? OpCodes.Conv_R8
                    : throw Unsupported(kernelName, $"a conversion to {unary.Type.Name}"));
                break;
            default:
                throw Unsupported(kernelName, $"the operator {unary.NodeType}");
        }
        Op(OpCodes.Stloc, result);
        return result;
    }

    private LocalBuilder Converted(LocalBuilder value, Type to)
    {
        var result = NewLocal(to);
        Op(OpCodes.Ldloc, value);
        Op(to == typeof(double) ? OpCodes.Conv_R8 : throw Unsupported(kernelName, $"a conversion to {to.Name}"));
        Op(OpCodes.Stloc, result);
        return result;
    }

    private LocalBuilder? LowerConditional(ConditionalExpression conditional)
    {
        var test = Lower(conditional.Test)!;
        var result = conditional.Type == typeof(void) ? null : NewLocal(conditional.Type);
        var (otherwise, done) = (il.DefineLabel(), il.DefineLabel());
        Op(OpCodes.Ldloc, test);
        Op(OpCodes.Brfalse, otherwise);
        if (Lower(conditional.IfTrue) is { } ifTrue && result is not null)
            Store(result, ifTrue);
        Op(OpCodes.Br, done);
        Mark(otherwise);
        if (Lower(conditional.IfFalse) is { } ifFalse && result is not null)
            Store(result, ifFalse);
        Mark(done);
        return result;
    }

    private LocalBuilder? LowerLoop(LoopExpression loop)
    {
        var header = il.DefineLabel();
        if (loop.ContinueLabel is not null)
            labels[loop.ContinueLabel] = (header, null);
        var exit = loop.BreakLabel is not null ? Label(loop.BreakLabel).Label : il.DefineLabel();
        Mark(header);
        Lower(loop.Body);
        Op(OpCodes.Br, header);
        Mark(exit);
        return null;
    }

    private (Label Label, LocalBuilder? Result) Label(LabelTarget target)
    {
        if (!labels.TryGetValue(target, out var label))
            labels[target] = label = (il.DefineLabel(), target.Type == typeof(void) ? null : NewLocal(target.Type));
        return label;
    }

    // ---- Calls

    private LocalBuilder? LowerCall(MethodCallExpression call)
    {
        var type = call.Method.DeclaringType;
        var name = call.Method.Name;
        if (type == typeof(GpuRuntime))
            return name switch
            {
                nameof(GpuRuntime.Uniform) => Call(typeof(GpuRandom).GetMethod(nameof(GpuRandom.NextUniform))!,
                    [Lower(call.Arguments[0])!, Widened(Lower(call.Arguments[1])!)]),
                nameof(GpuRuntime.SharedArray) => SharedArray(call.Method.GetGenericArguments()[0], (int)((ConstantExpression)call.Arguments[0]).Value!),
                nameof(GpuRuntime.Atomic) => AtomicOperation((GpuAtomicOp)(int)((ConstantExpression)call.Arguments[0]).Value!, call.Method.GetGenericArguments()[0],
                    call.Arguments.Skip(1).Select(a => Lower(a)!).ToArray()),
                _ => Intrinsic((GpuQuantity)(int)((ConstantExpression)call.Arguments[0]).Value!, (int)((ConstantExpression)call.Arguments[1]).Value!),
            };
        if (type == typeof(Throw) && name == nameof(Throw.BroadcastMismatch))
        {
            // Operands that do not broadcast: every length, for the message the CPU backends make of them.
            var lengths = ((NewArrayExpression)call.Arguments[0]).Expressions.Take(NativeAbi.DetailCount).Select(d => Widened(Lower(d)!)).ToArray();
            var what = (string)((ConstantExpression)call.Arguments[1]).Value!;
            var never = Constant(0, typeof(int));
            FailUnless(OpCodes.Bne_Un, never, never, NativeError.BroadcastMismatch, Constant((long)lengths.Length, typeof(long)), Constant(0L, typeof(long)), what, lengths);
            return Constant(0L, typeof(long));
        }
        var site = call.Arguments.LastOrDefault() is ConstantExpression { Value: string s } ? s : null;
        var args = call.Arguments.Where(a => a.Type != typeof(string)).Select(a => Lower(a)!).ToArray();
        if (type == typeof(Checks))
            return CheckCall(name, args, site);
        if (type == typeof(KernelMath) && site is not null)
            return CheckedMath(name, args, site, call.Type);
        if (call.Object is { Type.IsArray: true } array && name == nameof(Array.GetLength))
            return Narrowed(LengthOf(Lower(array)!, (int)((ConstantExpression)call.Arguments[0]).Value!));
        // The math functions ILGPU compiles with another meaning than .NET's on a GPU (found by GpuCheck --ops on an H200).
        if ((type == typeof(Math) || type == typeof(MathF)) && name == nameof(Math.Round) && args.Length == 1)
            return Call(typeof(GpuMath).GetMethod(name, [call.Type])!, args);
        if ((type == typeof(double) || type == typeof(float)) && name == nameof(double.Hypot))
            return Call(typeof(GpuMath).GetMethod(nameof(GpuMath.Hypot), [type, type])!, args);
        if (call.Object is null && (type == typeof(KernelMath) || type == typeof(Math) || type == typeof(MathF) || type == typeof(double) || type == typeof(float)))
            return Call(call.Method, args);
        throw Unsupported(kernelName, $"{type?.Name}.{name}");
    }

    /// <summary>The block's shared array: ILGPU allocates it once per block, of a length it must know now.</summary>
    private LocalBuilder SharedArray(Type element, int length)
    {
        var view = NewLocal(element.MakeArrayType());
        Op(OpCodes.Ldc_I4, length);
        Op(OpCodes.Call, typeof(SharedMemory).GetMethod(nameof(SharedMemory.Allocate), 1, [typeof(int)])!.MakeGenericMethod(element));
        Op(OpCodes.Stloc, view);
        return view;
    }

    /// <summary>An atomic on <c>view[index]</c> (operands view, index, value, compare): ILGPU's, by reference to the element.</summary>
    private LocalBuilder AtomicOperation(GpuAtomicOp op, Type element, LocalBuilder[] operands)
    {
        var result = NewLocal(element);
        Element(operands[0], operands[1]);
        var byRef = element.MakeByRefType();
        if (op == GpuAtomicOp.CompareExchange)
            Op(OpCodes.Ldloc, operands[3]);
        Op(OpCodes.Ldloc, operands[2]);
        var parameters = op == GpuAtomicOp.CompareExchange ? new[] { byRef, element, element } : [byRef, element];
        Op(OpCodes.Call, typeof(ILGPU.Atomic).GetMethod(op.ToString(), parameters)
            ?? throw Unsupported(kernelName, $"an atomic {op} on {element.Name}"));
        Op(OpCodes.Stloc, result);
        return result;
    }

    private LocalBuilder? Intrinsic(GpuQuantity quantity, int axis)
    {
        if (quantity == GpuQuantity.Barrier)
        {
            Op(OpCodes.Call, typeof(Group).GetMethod(nameof(Group.Barrier), Type.EmptyTypes)!);
            return Constant(0L, typeof(long));
        }
        var (owner, prefix) = quantity switch
        {
            GpuQuantity.ThreadIndex => (typeof(Group), "Idx"),
            GpuQuantity.BlockIndex => (typeof(Grid), "Idx"),
            GpuQuantity.BlockSize => (typeof(Group), "Dim"),
            _ => (typeof(Grid), "Dim"),
        };
        var result = NewLocal(typeof(long));
        Op(OpCodes.Call, owner.GetProperty(prefix + "XYZ"[axis])!.GetMethod!);
        Op(OpCodes.Conv_I8);
        Op(OpCodes.Stloc, result);
        return result;
    }

    private LocalBuilder? Call(MethodInfo method, LocalBuilder[] args)
    {
        foreach (var arg in args)
            Op(OpCodes.Ldloc, arg);
        Op(OpCodes.Call, method);
        if (method.ReturnType == typeof(void))
            return null;
        var result = NewLocal(method.ReturnType);
        Op(OpCodes.Stloc, result);
        return result;
    }

    /// <summary>Lowering/Runtime/Checks: the index and length checks, failing into the error record.</summary>
    private LocalBuilder? CheckCall(string name, LocalBuilder[] args, string? site)
    {
        switch (name)
        {
            case nameof(Checks.Index):
            case nameof(Checks.Wrap):
            {
                // A negative index counts from the end; then (Index) it must be below the length.
                var index = Widened(args[0]);
                var length = Widened(args[1]);
                var wrapped = Copy(index);
                var positive = il.DefineLabel();
                Op(OpCodes.Ldloc, wrapped);
                Op(OpCodes.Ldc_I8, 0L);
                Op(OpCodes.Bge, positive);
                Op(OpCodes.Ldloc, wrapped);
                Op(OpCodes.Ldloc, length);
                Op(OpCodes.Add);
                Op(OpCodes.Stloc, wrapped);
                Mark(positive);
                if (name == nameof(Checks.Index))
                    FailUnless(OpCodes.Blt_Un, wrapped, length, NativeError.IndexOutOfRange, index, length, site);
                return Narrowed(wrapped);
            }
            case nameof(Checks.InRange):
            {
                var (index, length) = (Widened(args[0]), Widened(args[1]));
                FailUnless(OpCodes.Blt_Un, index, length, NativeError.IndexOutOfRange, index, length, site);
                return Narrowed(index);
            }
            case nameof(Checks.Step):
                FailUnless(OpCodes.Bne_Un, args[0], Constant(0L, typeof(long)), NativeError.ZeroStep, args[0], args[0], site);
                return args[0];
            case nameof(Checks.BroadcastInto):
            {
                // The value's length is the target's, or 1.
                var fits = NewLocal(typeof(int));
                Op(OpCodes.Ldloc, args[0]);
                Op(OpCodes.Ldloc, args[1]);
                Op(OpCodes.Ceq);
                Op(OpCodes.Ldloc, args[0]);
                Op(OpCodes.Ldc_I8, 1L);
                Op(OpCodes.Ceq);
                Op(OpCodes.Or);
                Op(OpCodes.Stloc, fits);
                FailUnless(OpCodes.Bne_Un, fits, Constant(0, typeof(int)), NativeError.ShapeMismatch, args[0], args[1], site);
                return args[1];
            }
            case nameof(Checks.SameLength):
                FailUnless(OpCodes.Beq, args[0], args[1], NativeError.ShapeMismatch, args[0], args[1], site);
                return args[0];
            case nameof(Checks.NonEmpty):
                FailUnless(OpCodes.Bne_Un, args[0], Constant(0L, typeof(long)), NativeError.EmptyReduction, args[0], args[0], site);
                return args[0];
            case nameof(Checks.StepPassesStop):
                return Call(typeof(Checks).GetMethod(name)!, args);
            default:
                throw Unsupported(kernelName, $"Checks.{name}");
        }
    }

    /// <summary>KernelMath's integer operations that can fail: the check here, then the core that cannot.</summary>
    private LocalBuilder? CheckedMath(string name, LocalBuilder[] args, string site, Type result)
    {
        var (a, b) = (Widened(args[0]), Widened(args[1]));
        var zero = Constant(0L, typeof(long));
        string core;
        if (name == nameof(KernelMath.Power))
        {
            FailUnless(OpCodes.Bge, b, zero, NativeError.NegativePower, zero, zero, site);
            core = nameof(KernelMath.PowerNonNegative);
        }
        else
        {
            var modulo = name is nameof(KernelMath.Modulo) or nameof(KernelMath.Remainder);
            FailUnless(OpCodes.Bne_Un, b, zero, NativeError.DivisionByZero, Constant(modulo ? 1L : 0L, typeof(long)), zero, site);
            core = name + "NonZero";
            return Divided(core, a, b, modulo, result);
        }
        var value = Call(typeof(KernelMath).GetMethod(core, [typeof(long), typeof(long)])!, [a, b])!;
        return result == typeof(int) ? Narrowed(value) : value;
    }

    /// <summary>
    /// <paramref name="core"/>(a, b) for b ≠ 0. ILGPU folds a division of two constants even where a branch makes it
    /// unreachable, and its folder then divides by 0 or overflows on MinValue / −1 itself (an internal compiler error):
    /// so the core divides by 1 in those two cases, and b = −1 gets its result here (−a wrapped, or 0 for a remainder).
    /// </summary>
    private LocalBuilder Divided(string core, LocalBuilder a, LocalBuilder b, bool modulo, Type result)
    {
        var minusOne = Constant(-1L, typeof(long));
        var divisor = NewLocal(typeof(long));
        var (usable, done) = (il.DefineLabel(), il.DefineLabel());
        Store(divisor, Constant(1L, typeof(long)));
        Op(OpCodes.Ldloc, b);
        Op(OpCodes.Brfalse, usable);
        Op(OpCodes.Ldloc, b);
        Op(OpCodes.Ldloc, minusOne);
        Op(OpCodes.Beq, usable);
        Store(divisor, b);
        Mark(usable);
        var value = Call(typeof(KernelMath).GetMethod(core, [typeof(long), typeof(long)])!, [a, divisor])!;
        Op(OpCodes.Ldloc, b);
        Op(OpCodes.Ldloc, minusOne);
        Op(OpCodes.Bne_Un, done);
        if (modulo)
        {
            Op(OpCodes.Ldc_I8, 0L);
        }
        else
        {
            Op(OpCodes.Ldloc, a);
            Op(OpCodes.Neg);
        }
        Op(OpCodes.Stloc, value);
        Mark(done);
        return result == typeof(int) ? Narrowed(value) : value;
    }

    private LocalBuilder Widened(LocalBuilder value)
    {
        if (value.LocalType == typeof(long))
            return value;
        var wide = NewLocal(typeof(long));
        Op(OpCodes.Ldloc, value);
        Op(OpCodes.Conv_I8);
        Op(OpCodes.Stloc, wide);
        return wide;
    }

    private LocalBuilder Narrowed(LocalBuilder value)
    {
        var narrow = NewLocal(typeof(int));
        Op(OpCodes.Ldloc, value);
        Op(OpCodes.Conv_I4);
        Op(OpCodes.Stloc, narrow);
        return narrow;
    }

    /// <summary>
    /// Goes on when <c>left branch right</c>; otherwise claims the error record (compare-exchange of its code from
    /// 0, so the first failing thread's error is the one reported), fills it, and returns from the kernel.
    /// </summary>
    private void FailUnless(OpCode branch, LocalBuilder left, LocalBuilder right, NativeError error, LocalBuilder value1, LocalBuilder value2, string? site,
        LocalBuilder[]? details = null)
    {
        var ok = il.DefineLabel();
        Op(OpCodes.Ldloc, left);
        Op(OpCodes.Ldloc, right);
        Op(branch, ok);
        var (v1, v2) = (Widened(value1), Widened(value2));
        var claimed = il.DefineLabel();
        ErrorSlot(0);
        Op(OpCodes.Ldc_I8, 0L);
        Op(OpCodes.Ldc_I8, (long)error);
        Op(OpCodes.Call, typeof(ILGPU.Atomic).GetMethod(nameof(ILGPU.Atomic.CompareExchange), [typeof(long).MakeByRefType(), typeof(long), typeof(long)])!);
        Op(OpCodes.Brtrue, claimed);
        foreach (var (slot, value) in new[] { (1, v1), (2, v2) })
        {
            ErrorSlot(slot);
            Op(OpCodes.Ldloc, value);
            Op(OpCodes.Stobj, typeof(long));
        }
        ErrorSlot(3);
        Op(OpCodes.Ldc_I8, (long)SiteId(site));
        Op(OpCodes.Stobj, typeof(long));
        foreach (var (detail, k) in (details ?? []).Select((d, k) => (d, k)))
        {
            ErrorSlot(4 + k);
            Op(OpCodes.Ldloc, detail);
            Op(OpCodes.Stobj, typeof(long));
        }
        Mark(claimed);
        Op(OpCodes.Ret);
        Mark(ok);
    }

    private void ErrorSlot(int slot)
    {
        Op(OpCodes.Ldarga, errorArgument);
        Op(OpCodes.Ldc_I8, (long)slot);
        Op(OpCodes.Call, typeof(ArrayView<long>).GetMethod("get_Item", [typeof(long)])!);
    }

    private int SiteId(string? site)
    {
        if (site is null)
            return -1;
        var id = sites.IndexOf(site);
        if (id < 0)
        {
            id = sites.Count;
            sites.Add(site);
        }
        return id;
    }

    // ---- Writing IL, with a listing for inspection

    private void Mark(Label label)
    {
        il.MarkLabel(label);
        listing.Append(CultureInfo.InvariantCulture, $"L{label.Id}:\n");
    }

    private void Op(OpCode op)
    {
        il.Emit(op);
        listing.Append(CultureInfo.InvariantCulture, $"  {op.Name}\n");
    }

    /// <summary>One instruction with its operand, whatever the operand's kind (the listing names locals and labels).</summary>
    private void Op(OpCode op, object operand)
    {
        string text;
        switch (operand)
        {
            case int i:
                il.Emit(op, i);
                text = i.ToString(CultureInfo.InvariantCulture);
                break;
            case short argument:
                il.Emit(op, argument);
                text = argument.ToString(CultureInfo.InvariantCulture);
                break;
            case long l:
                il.Emit(op, l);
                text = l.ToString(CultureInfo.InvariantCulture);
                break;
            case float f:
                il.Emit(op, f);
                text = f.ToString("R", CultureInfo.InvariantCulture);
                break;
            case double d:
                il.Emit(op, d);
                text = d.ToString("R", CultureInfo.InvariantCulture);
                break;
            case LocalBuilder local:
                il.Emit(op, local);
                text = $"V_{local.LocalIndex}";
                break;
            case Label label:
                il.Emit(op, label);
                text = $"L{label.Id}";
                break;
            case Type type:
                il.Emit(op, type);
                text = type.Name;
                break;
            case MethodInfo method:
                il.Emit(op, method);
                text = $"{method.DeclaringType?.Name}.{method.Name}";
                break;
            case FieldInfo field:
                il.Emit(op, field);
                text = $"{field.DeclaringType?.Name}.{field.Name}";
                break;
            default:
                throw new JitInternalException($"no IL operand of type {operand.GetType().Name}");
        }
        listing.Append(CultureInfo.InvariantCulture, $"  {op.Name} {text}\n");
    }
}
