using System.Globalization;
using System.Linq.Expressions;
using System.Numerics;

namespace JitDsl.Backends.Llvm.IrGen;

internal sealed partial class IrCodegen
{
    // ---- Literals

    private static IrValue Constant(object? value, Type type) => value switch
    {
        bool b => new IrValue(b ? "true" : "false", "i1"),
        int i => I32(i),
        long l => I64(l),
        double d => new IrValue(Hex(d), "double"),
        float s => new IrValue(Hex(s), "float"),
        Complex z => new IrValue($"{{ double {Hex(z.Real)}, double {Hex(z.Imaginary)} }}", IrType.Complex),
        _ => throw new JitInternalException($"the LLVM backend has no literal for {type.Name} {value}"),
    };

    // IR writes floating-point literals (float ones too) as the hexadecimal bits of a double: exact.
    private static string Hex(double value) => "0x" + BitConverter.DoubleToInt64Bits(value).ToString("X16", CultureInfo.InvariantCulture);

    private static IrValue Zero(Type type)
    {
        var ir = IrType.Of(type);
        return new IrValue(ir switch
        {
            "i1" => "false",
            "double" or "float" => "0.0",
            "ptr" => "null",
            _ when IrType.IsInteger(ir) => "0",
            _ => "zeroinitializer",
        }, ir);
    }

    // ---- Operators

    private IrValue LowerUnary(UnaryExpression unary)
    {
        if (unary.NodeType == ExpressionType.ArrayLength)
            return f.Emit("i32", $"trunc i64 {Extract(Lower(unary.Operand), 1, "i64").Ref} to i32");
        var operand = Lower(unary.Operand);
        switch (unary.NodeType)
        {
            case ExpressionType.Convert:
                return Convert(operand, IrType.Of(unary.Type));
            case ExpressionType.Negate when operand.Type == IrType.Complex:
                return ComplexOf(f.Emit("double", $"fneg {fastMath}double {Real(operand).Ref}"), f.Emit("double", $"fneg {fastMath}double {Imaginary(operand).Ref}"));
            case ExpressionType.Negate when IrType.IsFloat(operand.Type):
                return f.Emit(operand.Type, $"fneg {fastMath}{operand}");
            case ExpressionType.Negate:
                return f.Emit(operand.Type, $"sub {operand.Type} 0, {operand.Ref}");
            case ExpressionType.Not:
                return f.Emit(operand.Type, $"xor {operand}, {(operand.Type == "i1" ? "true" : "-1")}");
            default:
                throw Unsupported(unary);
        }
    }

    /// <summary>Numeric conversions as .NET does them: float to integer saturates (NaN gives 0).</summary>
    private IrValue Convert(IrValue value, string to)
    {
        var from = value.Type;
        if (from == to)
            return value;
        if (IrType.IsInteger(from) && IrType.IsInteger(to))
            return f.Emit(to, $"{(IrType.Bits(from) < IrType.Bits(to) ? "sext" : "trunc")} {value} to {to}");
        if (IrType.IsInteger(from) && IrType.IsFloat(to))
            return f.Emit(to, $"sitofp {value} to {to}");
        if (IrType.IsFloat(from) && IrType.IsInteger(to))
        {
            var name = $"llvm.fptosi.sat.i{IrType.Bits(to)}.{Suffix(from)}";
            declarations.Intrinsic($"{to} @{name}({from})");
            return f.Emit(to, $"call {to} @{name}({value})");
        }
        if (from == "float" && to == "double")
            return f.Emit(to, $"fpext {value} to double");
        if (from == "double" && to == "float")
            return f.Emit(to, $"fptrunc {value} to float");
        throw new JitInternalException($"the LLVM backend cannot convert {from} to {to}");
    }

    private IrValue LowerBinary(BinaryExpression binary)
    {
        if (binary.NodeType == ExpressionType.ArrayIndex)
            return LoadElement(Lower(binary.Left), binary.Left.Type, [Lower(binary.Right)]);
        var (left, right) = (Lower(binary.Left), Lower(binary.Right));
        if (left.Type == IrType.Complex)
            return ComplexOperator(binary.NodeType, left, right);
        return binary.NodeType switch
        {
            ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
                or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual => Compare(binary.NodeType, left, right),
            _ => Arithmetic(binary.NodeType, left, right),
        };
    }

    private IrValue Arithmetic(ExpressionType op, IrValue left, IrValue right)
    {
        var type = left.Type;
        if (type.StartsWith('<') && op is ExpressionType.And or ExpressionType.Or)
        {
            // Masks of vector comparisons: the bits of the lanes.
            var integers = IrType.MaskOf(type);
            var (a, b) = (f.Emit(integers, $"bitcast {left} to {integers}"), f.Emit(integers, $"bitcast {right} to {integers}"));
            var combined = f.Emit(integers, $"{(op == ExpressionType.And ? "and" : "or")} {a}, {b.Ref}");
            return f.Emit(type, $"bitcast {combined} to {type}");
        }
        if (IrType.IsFloat(type))
        {
            var instruction = op switch
            {
                ExpressionType.Add => "fadd",
                ExpressionType.Subtract => "fsub",
                ExpressionType.Multiply => "fmul",
                ExpressionType.Divide => "fdiv",
                ExpressionType.Modulo => "frem",
                _ => throw new JitInternalException($"no {op} on {type}"),
            };
            return f.Emit(type, $"{instruction} {fastMath}{type} {left.Ref}, {right.Ref}");
        }
        switch (op)
        {
            case ExpressionType.LeftShift or ExpressionType.RightShift:
            {
                // .NET takes the count modulo the width; LLVM would give poison.
                var count = Convert(right, type);
                var masked = f.Emit(type, $"and {type} {count.Ref}, {IrType.Bits(type) - 1}");
                return f.Emit(type, $"{(op == ExpressionType.LeftShift ? "shl" : "ashr")} {type} {left.Ref}, {masked.Ref}");
            }
            default:
                var integer = op switch
                {
                    ExpressionType.Add => "add",
                    ExpressionType.Subtract => "sub",
                    ExpressionType.Multiply => "mul",
                    ExpressionType.And => "and",
                    ExpressionType.Or => "or",
                    ExpressionType.ExclusiveOr => "xor",
                    _ => throw new JitInternalException($"no {op} on {type}"),
                };
                return f.Emit(type, $"{integer} {type} {left.Ref}, {right.Ref}");
        }
    }

    private IrValue Compare(ExpressionType op, IrValue left, IrValue right)
    {
        if (IrType.IsFloat(left.Type))
        {
            // Ordered comparisons are false with a NaN; != is true (unordered or unequal), as in .NET.
            var predicate = op switch
            {
                ExpressionType.Equal => "oeq",
                ExpressionType.NotEqual => "une",
                ExpressionType.LessThan => "olt",
                ExpressionType.LessThanOrEqual => "ole",
                ExpressionType.GreaterThan => "ogt",
                _ => "oge",
            };
            return f.Emit("i1", $"fcmp {fastMath}{predicate} {left.Type} {left.Ref}, {right.Ref}");
        }
        var signed = op switch
        {
            ExpressionType.Equal => "eq",
            ExpressionType.NotEqual => "ne",
            ExpressionType.LessThan => "slt",
            ExpressionType.LessThanOrEqual => "sle",
            ExpressionType.GreaterThan => "sgt",
            _ => "sge",
        };
        return f.Emit("i1", $"icmp {signed} {left.Type} {left.Ref}, {right.Ref}");
    }

    // ---- Complex numbers, as System.Numerics.Complex computes them

    private IrValue Real(IrValue z) => Extract(z, 0, "double");

    private IrValue Imaginary(IrValue z) => Extract(z, 1, "double");

    private IrValue ComplexOf(IrValue re, IrValue im) => Aggregate(IrType.Complex, [re, im]);

    private IrValue Double(string instruction, IrValue a, IrValue b) => f.Emit("double", $"{instruction} {fastMath}double {a.Ref}, {b.Ref}");

    private IrValue ComplexOperator(ExpressionType op, IrValue left, IrValue right)
    {
        var (a, b, c, d) = (Real(left), Imaginary(left), Real(right), Imaginary(right));
        switch (op)
        {
            case ExpressionType.Add:
                return ComplexOf(Double("fadd", a, c), Double("fadd", b, d));
            case ExpressionType.Subtract:
                return ComplexOf(Double("fsub", a, c), Double("fsub", b, d));
            case ExpressionType.Multiply:
                return ComplexOf(Double("fsub", Double("fmul", a, c), Double("fmul", b, d)), Double("fadd", Double("fmul", b, c), Double("fmul", a, d)));
            case ExpressionType.Divide:
                return ComplexDivide(a, b, c, d);
            case ExpressionType.Equal:
                return f.Emit("i1", $"and i1 {Compare(op, a, c).Ref}, {Compare(op, b, d).Ref}");
            case ExpressionType.NotEqual:
                return f.Emit("i1", $"or i1 {Compare(op, a, c).Ref}, {Compare(op, b, d).Ref}");
            default:
                throw new JitInternalException($"no {op} on complex numbers");
        }
    }

    /// <summary>Smith's algorithm, as Complex.Divide does it, so both backends agree to the bit.</summary>
    private IrValue ComplexDivide(IrValue a, IrValue b, IrValue c, IrValue d)
    {
        var absC = Call("double", "llvm.fabs.f64", c);
        var absD = Call("double", "llvm.fabs.f64", d);
        var dSmaller = f.Emit("i1", $"fcmp olt double {absD.Ref}, {absC.Ref}");
        // |d| < |c|: doc = d / c; ((a + b·doc) / (c + d·doc), (b − a·doc) / (c + d·doc))
        var doc = Double("fdiv", d, c);
        var den1 = Double("fadd", c, Double("fmul", d, doc));
        var re1 = Double("fdiv", Double("fadd", a, Double("fmul", b, doc)), den1);
        var im1 = Double("fdiv", Double("fsub", b, Double("fmul", a, doc)), den1);
        // otherwise: cod = c / d; ((b + a·cod) / (d + c·cod), (−a + b·cod) / (d + c·cod))
        var cod = Double("fdiv", c, d);
        var den2 = Double("fadd", d, Double("fmul", c, cod));
        var re2 = Double("fdiv", Double("fadd", b, Double("fmul", a, cod)), den2);
        var negA = f.Emit("double", $"fneg {fastMath}double {a.Ref}");
        var im2 = Double("fdiv", Double("fadd", negA, Double("fmul", b, cod)), den2);
        var re = f.Emit("double", $"select i1 {dSmaller.Ref}, double {re1.Ref}, double {re2.Ref}");
        var im = f.Emit("double", $"select i1 {dSmaller.Ref}, double {im1.Ref}, double {im2.Ref}");
        return ComplexOf(re, im);
    }

    // ---- Arrays: { data, dim0, dim1, ... }, C order

    private IrValue ElementAddress(IrValue array, Type arrayType, IrValue[] indices)
    {
        var linear = Convert(indices[0], "i64");
        for (var k = 1; k < indices.Length; k++)
        {
            var scaled = f.Emit("i64", $"mul i64 {linear.Ref}, {Extract(array, k + 1, "i64").Ref}");
            linear = f.Emit("i64", $"add i64 {scaled.Ref}, {Convert(indices[k], "i64").Ref}");
        }
        var element = IrType.InMemory(arrayType.GetElementType()!);
        return f.Emit("ptr", $"getelementptr inbounds {element}, ptr {Extract(array, 0, "ptr").Ref}, i64 {linear.Ref}");
    }

    private IrValue LoadElement(IrValue array, Type arrayType, IrValue[] indices)
    {
        var address = ElementAddress(array, arrayType, indices).Ref;
        var element = arrayType.GetElementType()!;
        if (element == typeof(bool))
            return f.Emit("i1", $"icmp ne i8 {Load("i8", address).Ref}, 0");
        return Load(IrType.Of(element), address);
    }

    private void StoreElement(IrValue array, Type arrayType, IrValue[] indices, IrValue value)
    {
        var address = ElementAddress(array, arrayType, indices).Ref;
        var stored = arrayType.GetElementType() == typeof(bool) ? f.Emit("i8", $"zext i1 {value.Ref} to i8") : value;
        Store(address, stored);
    }

    /// <summary>A new array, from the managed allocation callback (which pins it for the call).</summary>
    private IrValue Allocate(NewArrayExpression allocation)
    {
        var dimensions = allocation.Expressions.Select(d => Convert(Lower(d), "i64")).ToArray();
        var shape = f.Alloca($"[{dimensions.Length} x i64]", "shape");
        for (var k = 0; k < dimensions.Length; k++)
            Store(f.Emit("ptr", $"getelementptr i64, ptr {shape}, i64 {k}").Ref, dimensions[k]);
        var allocate = LoadContext(NativeAbi.AllocateOffset, "ptr");
        var element = allocation.Type.GetElementType()!;
        var data = f.Emit("ptr", $"call ptr {allocate.Ref}(ptr %ctx, i32 {IrType.DTypeCode(element)}, i32 {dimensions.Length}, ptr {shape})");
        var failed = f.Emit("i1", $"icmp eq ptr {data.Ref}, null");
        FailWhen(failed, NativeError.CallbackFailed, I64(0), I64(0), site: null);
        return Aggregate(IrType.ArrayOf(dimensions.Length), [data, .. dimensions]);
    }

    private static string Suffix(string floatType) => floatType == "float" ? "f32" : "f64";
}
