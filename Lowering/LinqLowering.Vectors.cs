using System.Reflection;
using System.Runtime.Intrinsics;
using JitDsl.Dsl.Tree;
using JitDsl.Lowering.Runtime;
using Linq = System.Linq.Expressions;
using L = System.Linq.Expressions.Expression;

namespace JitDsl.Lowering;

/// <summary>
/// A fused elementwise loop (<see cref="For.Elementwise"/>) of float64 or float32 runs on a whole vector of
/// elements at a time (<see cref="Vector512"/>, else <see cref="Vector256"/>, else <see cref="Vector128"/>: the
/// widest the CPU accelerates) while a whole vector remains; the scalar loop does the rest. The .NET JIT does
/// not vectorise loops itself; the LLVM backend translates this loop too (IrCodegen.Vectors), because its own
/// vectoriser will not stream stores. .NET's vector <c>Exp</c>, <c>Log</c>, <c>Sin</c>, <c>Cos</c> are within
/// 4 ulp of <c>Math</c>'s (docs/SEMANTICS.md).
/// </summary>
internal sealed partial class LinqLowering
{
    private static readonly (Type Vector, Type Statics, int Bytes)? Widest =
        Vector512.IsHardwareAccelerated ? (typeof(Vector512<>), typeof(Vector512), 64)
        : Vector256.IsHardwareAccelerated ? (typeof(Vector256<>), typeof(Vector256), 32)
        : Vector128.IsHardwareAccelerated ? (typeof(Vector128<>), typeof(Vector128), 16)
        : null;

    /// <summary>
    /// The loop that runs <paramref name="f"/>'s body a vector at a time from <paramref name="index"/> while a whole
    /// vector remains before <paramref name="stop"/>; null when vectors cannot do something the body does.
    /// </summary>
    private L? VectorLoop(For f, Linq.ParameterExpression index, L stop)
    {
        var statements = f.Body.Statements.ToArray();
        if (!vectorize || !f.Elementwise || Widest is not { } width || statements is not [.. var temporaries, Store store]
            || store.Array.T.DType is not (DType.Float64 or DType.Float32) || store.Array.T.Strided || !temporaries.All(s => s is Declare))
            return null;
        var element = store.Array.T.DType.ClrType();
        var vectors = new VectorTranslator(this, f.Index, index, element, width.Vector.MakeGenericType(element), width.Statics, width.Bytes);
        var body = new List<L>();
        foreach (var temporary in temporaries.Cast<Declare>())
        {
            if (!vectors.Define(temporary.Local, temporary.Init, body))
                return null;
        }
        if (vectors.Translate(store.Value) is not { } value)
            return null;
        var target = LowerExpr(store.Array);
        var elementSize = element == typeof(double) ? 8 : 4;
        var count = L.Constant(width.Bytes / elementSize);
        L Loop(L storeVector)
        {
            var exit = L.Label("vectors_done");
            return L.Loop(
                L.Block(L.IfThen(L.Not(L.LessThanOrEqual(index, L.Subtract(stop, count))), L.Break(exit)), L.Block(vectors.Variables, [.. body, storeVector]), L.AddAssign(index, count)),
                exit);
        }
        var cached = Loop(L.Call(VectorMethod("Store", width.Bytes, element), value, target, index));

        // A result larger than the caches is written with non-temporal stores, which do not read each line
        // first (a quarter less memory traffic for y = a·x + b), from its first vector-aligned element on. The
        // elements before it and after the last whole vector are vectors too, overlapping their neighbours (the
        // same values again): every element goes through the same vector functions wherever the GC put the
        // array (which lanes share a vector does move with it: docs/SEMANTICS.md says what that changes). A
        // smaller result stays in the cache for its reader.
        var pin = L.Variable(typeof(System.Runtime.InteropServices.GCHandle), "pin");
        var address = L.Variable(typeof(nint), "address");
        var cachedStore = L.Call(VectorMethod("Store", width.Bytes, element), value, target, index);
        var streamed = L.Block([pin, address],
            L.Assign(pin, L.Call(typeof(VectorMemory).GetMethod(nameof(VectorMemory.Pin))!, target)),
            L.TryFinally(
                L.Block(
                    L.Assign(address, L.Call(typeof(VectorMemory).GetMethod(nameof(VectorMemory.AddressOf))!, pin)),
                    L.Block(vectors.Variables, [.. body, cachedStore]),
                    L.Assign(index, L.Call(typeof(VectorMemory).GetMethod(nameof(VectorMemory.FirstAligned))!, address, index, L.Constant(elementSize), L.Constant(width.Bytes))),
                    Loop(L.Call(VectorMethod("StoreNonTemporal", width.Bytes, element), value, address, index)),
                    L.Call(typeof(VectorMemory).GetMethod(nameof(VectorMemory.StoreFence))!),
                    L.IfThen(L.LessThan(index, stop), L.Block(
                        L.Assign(index, L.Subtract(stop, count)),
                        L.Block(vectors.Variables, [.. body, cachedStore]),
                        L.Assign(index, stop)))),
                L.Call(typeof(VectorMemory).GetMethod(nameof(VectorMemory.Unpin))!, pin)));
        // (From the index on: a parallel loop's chunk starts part way.)
        var large = L.GreaterThanOrEqual(L.Convert(L.Subtract(stop, index), typeof(long)), L.Constant(VectorMemory.NonTemporalBytes / elementSize));
        return L.Block(vectors.Broadcasts.Select(b => b.Variable),
            [.. vectors.Broadcasts.Select(b => L.Assign(b.Variable, b.Value)), L.IfThenElse(large, streamed, cached)]);
    }

    /// <summary><see cref="VectorMemory"/>'s Load512, Store256 … for a vector width in bytes.</summary>
    private static MethodInfo VectorMethod(string name, int bytes, Type element) =>
        typeof(VectorMemory).GetMethod(name + bytes * 8, BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(element);

    /// <summary>The body's expressions as vector expressions: one lane per element.</summary>
    private sealed class VectorTranslator(
        LinqLowering lowering, Local scalarIndex, Linq.ParameterExpression index, Type element, Type vector, Type statics, int bytes)
    {
        private readonly Dictionary<Local, Linq.ParameterExpression> temporaries = [];
        private readonly Dictionary<Local, Linq.ParameterExpression> broadcast = [];

        public List<Linq.ParameterExpression> Variables { get; } = [];

        /// <summary>Loop-invariant scalars as vectors, made once before the loop.</summary>
        public List<(Linq.ParameterExpression Variable, L Value)> Broadcasts { get; } = [];

        public bool Define(Local local, Expr value, List<L> body)
        {
            if (Translate(value) is not { } translated)
                return false;
            var variable = L.Variable(vector, local.Name);
            Variables.Add(variable);
            temporaries[local] = variable;
            body.Add(L.Assign(variable, translated));
            return true;
        }

        public L? Translate(Expr e)
        {
            if (e.T.ClrType() != element)
                return null;
            switch (e)
            {
                case Const c:
                    return Splat(L.Constant(c.Value, element));
                case LocalRef { Local: var local } when temporaries.TryGetValue(local, out var variable):
                    return variable;
                case LocalRef { Local: var local } when local != scalarIndex:
                    if (!broadcast.TryGetValue(local, out var splat))
                    {
                        broadcast[local] = splat = L.Variable(vector, $"{local.Name}_lanes");
                        Broadcasts.Add((splat, Splat(lowering.LowerExpr(e))));
                    }
                    return splat;
                case Load { Array: var array, Indices: [LocalRef { Local: var i }] } when i == scalarIndex && !array.T.Strided:
                    return L.Call(VectorMethod("Load", bytes, element), lowering.LowerExpr(array), index);
                case Binary b when Translate(b.Left) is { } left && Translate(b.Right) is { } right:
                    return b.Op switch
                    {
                        BinaryOp.Add => L.Add(left, right),
                        BinaryOp.Subtract => L.Subtract(left, right),
                        BinaryOp.Multiply => L.Multiply(left, right),
                        BinaryOp.TrueDivide => L.Divide(left, right),
                        _ => null,
                    };
                case Unary { Op: UnaryOp.Negate } u when Translate(u.Operand) is { } operand:
                    return L.Negate(operand);
                case Select s when Mask(s.Condition) is { } mask && Translate(s.IfTrue) is { } ifTrue && Translate(s.IfFalse) is { } ifFalse:
                    return L.Call(Generic(nameof(Vector512.ConditionalSelect)), mask, ifTrue, ifFalse);
                case MathCall { Args: [var argument] } m when Translate(argument) is { } x:
                    return m.Function switch
                    {
                        MathFunction.Sqrt or MathFunction.Abs => L.Call(statics.GetMethod(m.Function.ToString())!.MakeGenericMethod(element), x),
                        MathFunction.Exp or MathFunction.Log or MathFunction.Sin or MathFunction.Cos or MathFunction.Floor or MathFunction.Round =>
                            L.Call(statics.GetMethod(m.Function.ToString(), [vector])!, x),
                        MathFunction.Ceil => L.Call(statics.GetMethod(nameof(Vector512.Ceiling), [vector])!, x),
                        _ => null,
                    };
                default:
                    return null;
            }
        }

        /// <summary>A condition on elements as a vector mask (all bits set in the lanes where it holds), or null.</summary>
        private L? Mask(Expr condition)
        {
            switch (condition)
            {
                case Binary { Op: BinaryOp.BitAnd or BinaryOp.BitOr } logic when Mask(logic.Left) is { } left && Mask(logic.Right) is { } right:
                    return logic.Op == BinaryOp.BitAnd ? L.And(left, right) : L.Or(left, right);
                case Binary b when Translate(b.Left) is { } left && Translate(b.Right) is { } right:
                    var name = b.Op switch
                    {
                        BinaryOp.Less => nameof(Vector512.LessThan),
                        BinaryOp.LessEqual => nameof(Vector512.LessThanOrEqual),
                        BinaryOp.Greater => nameof(Vector512.GreaterThan),
                        BinaryOp.GreaterEqual => nameof(Vector512.GreaterThanOrEqual),
                        BinaryOp.Equal => nameof(Vector512.Equals),
                        _ => null,
                    };
                    return name is null ? null : L.Call(Generic(name), left, right);
                default:
                    return null;
            }
        }

        private MethodInfo Generic(string name) =>
            statics.GetMethods().Single(m => m.Name == name && m.IsGenericMethodDefinition && m.GetParameters().Length == (name == nameof(Vector512.ConditionalSelect) ? 3 : 2))
                .MakeGenericMethod(element);

        private L Splat(L scalar) => L.Call(statics.GetMethod("Create", [element])!, scalar);
    }
}
