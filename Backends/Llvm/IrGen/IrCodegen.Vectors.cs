using System.Globalization;
using System.Linq.Expressions;
using JitDsl.Lowering.Runtime;

namespace JitDsl.Backends.Llvm.IrGen;

/// <summary>
/// The SIMD loops lowering gives fused elementwise loops (LinqLowering.Vectors), in LLVM vectors of the same
/// width: loads and stores at an index, non-temporal stores for results larger than the caches (LLVM's own
/// vectoriser leaves loops with non-temporal stores scalar), and .NET's vector math as LLVM intrinsics or
/// libmvec's vector functions.
/// </summary>
internal sealed partial class IrCodegen
{
    /// <summary>Lowering/Runtime/VectorMemory: the arrays are pinned for the whole call already.</summary>
    private IrValue VectorMemoryCall(MethodCallExpression call)
    {
        var args = call.Arguments.Select(Lower).ToArray();
        var name = call.Method.Name;
        switch (name)
        {
            case nameof(VectorMemory.Pin):
                return Extract(args[0], 0, "ptr");
            case nameof(VectorMemory.AddressOf):
                return f.Emit("i64", $"ptrtoint {args[0]} to i64");
            case nameof(VectorMemory.Unpin):
                return Void;
            case nameof(VectorMemory.StoreFence):
                f.Line("fence seq_cst");
                return Void;
            case nameof(VectorMemory.FirstAligned):
            {
                var (index, elementSize, alignment) = (Convert(args[1], "i64"), Convert(args[2], "i64"), Convert(args[3], "i64"));
                var offset = f.Emit("i64", $"mul i64 {index.Ref}, {elementSize.Ref}");
                var address = f.Emit("i64", $"add i64 {args[0].Ref}, {offset.Ref}");
                var mask = f.Emit("i64", $"sub i64 {alignment.Ref}, 1");
                var misalignment = f.Emit("i64", $"and i64 {address.Ref}, {mask.Ref}");
                var gap = f.Emit("i64", $"sub i64 {alignment.Ref}, {misalignment.Ref}");
                var bytes = f.Emit("i64", $"and i64 {gap.Ref}, {mask.Ref}");
                var ahead = f.Emit("i64", $"udiv i64 {bytes.Ref}, {elementSize.Ref}");
                return Convert(f.Emit("i64", $"add i64 {index.Ref}, {ahead.Ref}"), "i32");
            }
        }
        var element = IrType.InMemory(call.Method.GetGenericArguments()[0]);
        if (name.StartsWith("Load", StringComparison.Ordinal))
        {
            var vector = IrType.Of(call.Type);
            var at = f.Emit("ptr", $"getelementptr {element}, ptr {Extract(args[0], 0, "ptr").Ref}, {args[1]}");
            return f.Emit(vector, $"load {vector}, ptr {at.Ref}, align {ElementBytes(element)}");
        }
        if (name.StartsWith("StoreNonTemporal", StringComparison.Ordinal))
        {
            var data = f.Emit("ptr", $"inttoptr {args[1]} to ptr");
            var at = f.Emit("ptr", $"getelementptr {element}, ptr {data.Ref}, {args[2]}");
            var bytes = int.Parse(name["StoreNonTemporal".Length..], CultureInfo.InvariantCulture) / 8;
            f.Line($"store {args[0]}, ptr {at.Ref}, align {bytes}, !nontemporal !{{i32 1}}");
            return Void;
        }
        if (name.StartsWith("Store", StringComparison.Ordinal))
        {
            var at = f.Emit("ptr", $"getelementptr {element}, ptr {Extract(args[1], 0, "ptr").Ref}, {args[2]}");
            f.Line($"store {args[0]}, ptr {at.Ref}, align {ElementBytes(element)}");
            return Void;
        }
        throw Unsupported(call);
    }

    /// <summary>.NET's Vector512/256/128 methods the SIMD loops call.</summary>
    private IrValue VectorCall(MethodCallExpression call)
    {
        var vector = IrType.Of(call.Type);
        var lanes = int.Parse(vector[1..vector.IndexOf(' ')], CultureInfo.InvariantCulture);
        var element = vector[(vector.LastIndexOf(' ') + 1)..^1];
        var x = Lower(call.Arguments[0]);
        var integers = IrType.MaskOf(vector);
        switch (call.Method.Name)
        {
            case "LessThan" or "LessThanOrEqual" or "GreaterThan" or "GreaterThanOrEqual" or "Equals":
            {
                // .NET's masks: every bit of a lane set where the comparison holds, in the elements' type.
                var predicate = call.Method.Name switch { "LessThan" => "olt", "LessThanOrEqual" => "ole", "GreaterThan" => "ogt", "GreaterThanOrEqual" => "oge", _ => "oeq" };
                var holds = f.Emit($"<{lanes} x i1>", $"fcmp {predicate} {x}, {Lower(call.Arguments[1]).Ref}");
                var bits = f.Emit(integers, $"sext {holds} to {integers}");
                return f.Emit(vector, $"bitcast {bits} to {vector}");
            }
            case "ConditionalSelect":
            {
                var bits = f.Emit(integers, $"bitcast {x} to {integers}");
                var chosen = f.Emit($"<{lanes} x i1>", $"icmp ne {bits}, zeroinitializer");
                return f.Emit(vector, $"select {chosen}, {Lower(call.Arguments[1])}, {Lower(call.Arguments[2])}");
            }
            case "Create":
            {
                var first = f.Emit(vector, $"insertelement {vector} poison, {x}, i64 0");
                return f.Emit(vector, $"shufflevector {first}, {vector} poison, <{lanes} x i32> zeroinitializer");
            }
            case "Sqrt" or "Abs" or "Floor" or "Ceiling" or "Round":
            {
                var intrinsic = call.Method.Name switch { "Sqrt" => "sqrt", "Abs" => "fabs", "Floor" => "floor", "Ceiling" => "ceil", _ => "roundeven" };
                var name = $"llvm.{intrinsic}.v{lanes}{(element == "double" ? "f64" : "f32")}";
                declarations.Intrinsic($"{vector} @{name}({vector})");
                return f.Emit(vector, $"call {vector} @{name}({x})");
            }
            case "Exp" or "Log" or "Sin" or "Cos":
            {
                var scalar = call.Method.Name.ToLowerInvariant();
                if (declarations.VectorFunction(scalar, element, lanes) is { } function)
                    return f.Emit(vector, $"call {vector} @{function}({x})");
                // No libmvec for this width: lane by lane through libm.
                var result = new IrValue("poison", vector);
                for (var lane = 0; lane < lanes; lane++)
                {
                    var value = f.Emit(element, $"extractelement {x}, i64 {lane}");
                    var computed = f.Emit(element, declarations.LibmCall(scalar, element, "", [value]));
                    result = f.Emit(vector, $"insertelement {result}, {computed}, i64 {lane}");
                }
                return result;
            }
            default:
                throw Unsupported(call);
        }
    }

    private static int ElementBytes(string element) => element == "double" ? 8 : 4;
}
