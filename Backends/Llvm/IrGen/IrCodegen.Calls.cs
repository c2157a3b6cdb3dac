using System.Linq.Expressions;
using System.Numerics;
using JitDsl.Lowering.Runtime;

namespace JitDsl.Backends.Llvm.IrGen;

internal sealed partial class IrCodegen
{
    private IrValue LowerCall(MethodCallExpression call)
    {
        var type = call.Method.DeclaringType;
        var name = call.Method.Name;
        if (type == typeof(KernelRandom))
            return RandomCall(call);
        if (type == typeof(Strided))
            return StridedCall(call);
        if (type == typeof(VectorMemory))
            return VectorMemoryCall(call);
        if (type == typeof(ParallelLoop))
            return ParallelLoopCall(call);
        if (type == typeof(System.Runtime.Intrinsics.Vector512) || type == typeof(System.Runtime.Intrinsics.Vector256) || type == typeof(System.Runtime.Intrinsics.Vector128))
            return VectorCall(call);
        if (type == typeof(Throw) && name == nameof(Throw.BroadcastMismatch))
        {
            // The operands' lengths go into the context, for the message the managed side makes of them.
            var lengths = ((NewArrayExpression)call.Arguments[0]).Expressions.Select(Lower).ToArray();
            var what = (string)((ConstantExpression)call.Arguments[1]).Value!;
            FailWhen(new IrValue("true", "i1"), NativeError.BroadcastMismatch, I64(lengths.Length), I64(0), what, lengths);
            return I64(0);
        }
        if (call.Object is not null && typeof(Array).IsAssignableFrom(call.Object.Type) && name == nameof(Array.GetLength))
        {
            var axis = (int)((ConstantExpression)call.Arguments[0]).Value!;
            return f.Emit("i32", $"trunc i64 {Extract(Lower(call.Object), axis + 1, "i64").Ref} to i32");
        }
        var site = call.Arguments.LastOrDefault() is ConstantExpression { Value: string s } ? s : null;
        var args = call.Arguments.Where(a => a.Type != typeof(string)).Select(Lower).ToArray();
        if (type == typeof(Checks))
            return CheckCall(name, args, site);
        if (type == typeof(KernelMath))
            return KernelMathCall(name, args, site);
        if (type == typeof(Complex))
            return ComplexCall(name, args);
        if (type == typeof(Math) || type == typeof(MathF) || type == typeof(double) || type == typeof(float))
            return MathCall(name, args);
        throw Unsupported(call);
    }

    /// <summary>Lowering/Runtime/Strided on a view's slots: its storage as a 1-D array, its offset, a length or a stride.</summary>
    private IrValue StridedCall(MethodCallExpression call)
    {
        var view = Lower(call.Arguments[0]);
        switch (call.Method.Name)
        {
            case nameof(Strided.Data):
                // Indexed only at positions inside the view (checked against its shape): its length is not needed.
                return Aggregate(IrType.ArrayOf(1), [Extract(view, 0, "ptr"), I64(0)]);
            case nameof(Strided.Offset):
                return Convert(Extract(view, 1, "i64"), "i32");
            default:
            {
                // The shape and strides never change while a kernel runs: loads LLVM may hoist out of loops.
                var array = Extract(view, call.Method.Name == nameof(Strided.Length) ? 2 : 3, "ptr");
                var element = f.Emit("ptr", $"getelementptr i32, ptr {array.Ref}, i32 {Lower(call.Arguments[1]).Ref}");
                return f.Emit("i32", $"load i32, ptr {element.Ref}, !invariant.load !{{}}");
            }
        }
    }

    private IrValue LowerMember(MemberExpression member)
    {
        if (member.Member.DeclaringType == typeof(KernelRandom) && member.Member.Name == nameof(KernelRandom.ForThisThread))
            return LoadContext(NativeAbi.RandomOffset, "ptr");
        var owner = Lower(member.Expression ?? throw Unsupported(member));
        return member.Member.Name switch
        {
            nameof(Complex.Real) when owner.Type == IrType.Complex => Real(owner),
            nameof(Complex.Imaginary) when owner.Type == IrType.Complex => Imaginary(owner),
            // A multi-dimensional array's element count (more than 2^31 fit).
            nameof(Array.LongLength) when member.Expression.Type.IsArray => Product(owner, member.Expression.Type.GetArrayRank()),
            _ => throw Unsupported(member),
        };
    }

    private IrValue Product(IrValue array, int rank)
    {
        var product = Extract(array, 1, "i64");
        for (var k = 2; k <= rank; k++)
            product = f.Emit("i64", $"mul i64 {product.Ref}, {Extract(array, k, "i64").Ref}");
        return product;
    }

    private IrValue RandomCall(MethodCallExpression call)
    {
        var state = Lower(call.Object!);
        switch (call.Method.Name)
        {
            case nameof(KernelRandom.NextDouble):
                return f.Emit("double", $"call double @jd.random.next(ptr {state.Ref})");
            case nameof(KernelRandom.Seed):
                f.Line($"call void @jd.random.seed(ptr {state.Ref}, {Lower(call.Arguments[0])})");
                return Void;
            default:
                throw Unsupported(call);
        }
    }

    /// <summary>Lowering/Runtime/Checks: the index and size checks, failing into the context.</summary>
    private IrValue CheckCall(string name, IrValue[] args, string? site)
    {
        switch (name)
        {
            case nameof(Checks.Index):
            {
                // A negative index counts from the end; then it must be below the length.
                var (index, length) = (args[0], Convert(args[1], args[0].Type));
                var negative = f.Emit("i1", $"icmp slt {index}, 0");
                var shifted = f.Emit(index.Type, $"add {index}, {length.Ref}");
                var wrapped = f.Emit(index.Type, $"select i1 {negative.Ref}, {shifted}, {index}");
                FailWhen(f.Emit("i1", $"icmp uge {wrapped}, {length.Ref}"), NativeError.IndexOutOfRange, index, args[1], site);
                return Convert(wrapped, "i32");
            }
            case nameof(Checks.InRange):
            {
                var (index, length) = (args[0], Convert(args[1], args[0].Type));
                FailWhen(f.Emit("i1", $"icmp uge {index}, {length.Ref}"), NativeError.IndexOutOfRange, index, args[1], site);
                return Convert(index, "i32");
            }
            case nameof(Checks.Wrap):
            {
                // BoundsCheck off: no check at all in native code, as in C.
                var (index, length) = (args[0], Convert(args[1], args[0].Type));
                var negative = f.Emit("i1", $"icmp slt {index}, 0");
                var shifted = f.Emit(index.Type, $"add {index}, {length.Ref}");
                return Convert(f.Emit(index.Type, $"select i1 {negative.Ref}, {shifted}, {index}"), "i32");
            }
            case nameof(Checks.Dimension):
            {
                var outside = f.Emit("i1", $"icmp ugt {args[0]}, {Array.MaxLength}");
                FailWhen(outside, NativeError.BadDimension, args[0], I64(0), site);
                return Convert(args[0], "i32");
            }
            case nameof(Checks.Step):
                FailWhen(f.Emit("i1", $"icmp eq {args[0]}, 0"), NativeError.ZeroStep, I64(0), I64(0), site);
                return args[0];
            case nameof(Checks.BroadcastInto):
            {
                var (value, target) = (args[0], args[1]);
                var equal = f.Emit("i1", $"icmp eq {value}, {target.Ref}");
                var one = f.Emit("i1", $"icmp eq {value}, 1");
                var fits = f.Emit("i1", $"or i1 {equal.Ref}, {one.Ref}");
                FailWhen(f.Emit("i1", $"xor i1 {fits.Ref}, true"), NativeError.ShapeMismatch, value, target, site);
                return target;
            }
            case nameof(Checks.SameLength):
                FailWhen(f.Emit("i1", $"icmp ne {args[0]}, {args[1].Ref}"), NativeError.ShapeMismatch, args[0], args[1], site);
                return args[0];
            case nameof(Checks.NonEmpty):
                FailWhen(f.Emit("i1", $"icmp eq {args[0]}, 0"), NativeError.EmptyReduction, I64(0), I64(0), site);
                return args[0];
            case nameof(Checks.StepPassesStop):
            {
                var (index, stop, step) = (args[0], args[1], args[2]);
                var up = f.Emit("i1", $"icmp sgt {step}, 0");
                var ahead = f.Emit("i64", $"sub {stop}, {index.Ref}");
                var behind = f.Emit("i64", $"sub {index}, {stop.Ref}");
                var back = f.Emit("i64", $"sub i64 0, {step.Ref}");
                var passesUp = f.Emit("i1", $"icmp ule i64 {ahead.Ref}, {step.Ref}");
                var passesDown = f.Emit("i1", $"icmp ule i64 {behind.Ref}, {back.Ref}");
                return f.Emit("i1", $"select i1 {up.Ref}, i1 {passesUp.Ref}, i1 {passesDown.Ref}");
            }
            default:
                throw new JitInternalException($"the LLVM backend does not know Checks.{name}");
        }
    }

    /// <summary>Lowering/Runtime/KernelMath: the errors are checked here, the arithmetic is in the prelude.</summary>
    private IrValue KernelMathCall(string name, IrValue[] args, string? site)
    {
        var type = args[0].Type;
        switch (name)
        {
            case nameof(KernelMath.FloorDivide) or nameof(KernelMath.Modulo) or nameof(KernelMath.TruncatedDivide) or nameof(KernelMath.Remainder)
                when IrType.IsInteger(type):
            {
                var isModulo = name is nameof(KernelMath.Modulo) or nameof(KernelMath.Remainder);
                FailWhen(f.Emit("i1", $"icmp eq {args[1]}, 0"), NativeError.DivisionByZero, I64(isModulo ? 1 : 0), I64(0), site);
                var helper = name switch
                {
                    nameof(KernelMath.FloorDivide) => "floordiv",
                    nameof(KernelMath.Modulo) => "mod",
                    nameof(KernelMath.TruncatedDivide) => "truncdiv",
                    _ => "rem",
                };
                return f.Emit(type, $"call {type} @jd.{helper}.{type}({args[0]}, {args[1]})");
            }
            case nameof(KernelMath.FloorDivide):
                return f.Emit(type, $"call {type} @jd.floordiv.{Suffix(type)}({args[0]}, {args[1]})");
            case nameof(KernelMath.Modulo):
                return f.Emit(type, $"call {type} @jd.mod.{Suffix(type)}({args[0]}, {args[1]})");
            case nameof(KernelMath.Power):
                FailWhen(f.Emit("i1", $"icmp slt {args[1]}, 0"), NativeError.NegativePower, I64(0), I64(0), site);
                return f.Emit(type, $"call {type} @jd.pow.{type}({args[0]}, {args[1]})");
            case nameof(KernelMath.Abs):
            {
                var negative = f.Emit("i1", $"icmp slt {args[0]}, 0");
                var negated = f.Emit(type, $"sub {type} 0, {args[0].Ref}");
                return f.Emit(type, $"select i1 {negative.Ref}, {negated}, {args[0]}");
            }
            case nameof(KernelMath.Log1p):
                return Log1p(args[0]);
            case nameof(KernelMath.Min) or nameof(KernelMath.Max):
                return f.Emit(type, $"call {type} @jd.{name.ToLowerInvariant()}.{Suffix(type)}({args[0]}, {args[1]})");
            case nameof(KernelMath.IsNaN):
                return f.Emit("i1", $"fcmp uno double {Real(args[0]).Ref}, {Imaginary(args[0]).Ref}");
            case nameof(KernelMath.IsInfinity):
                return f.Emit("i1", $"or i1 {IsInfinity(Real(args[0])).Ref}, {IsInfinity(Imaginary(args[0])).Ref}");
            default:
                throw new JitInternalException($"the LLVM backend does not know KernelMath.{name}");
        }
    }

    /// <summary>
    /// KernelMath.Log1p's formula (Goldberg: log(u)·(x / (u − 1)) with u = 1 + x), so both backends give the same
    /// bits; float32 computes in double and rounds, as KernelMath does. The log still vectorises through libmvec.
    /// </summary>
    private IrValue Log1p(IrValue x)
    {
        var wide = Convert(x, "double");
        var u = f.Emit("double", $"fadd {fastMath}double 1.0, {wide.Ref}");
        var exact = f.Emit("i1", $"fcmp oeq double {u.Ref}, 1.0");
        var infinite = f.Emit("i1", $"fcmp oeq double {u.Ref}, 0x7FF0000000000000");
        var ratio = Double("fdiv", wide, Double("fsub", u, new IrValue("1.0", "double")));
        var product = Double("fmul", Libm("log", "double", [u]), ratio);
        var large = f.Emit("double", $"select i1 {infinite.Ref}, double {u.Ref}, double {product.Ref}");
        return Convert(f.Emit("double", $"select i1 {exact.Ref}, double {wide.Ref}, double {large.Ref}"), x.Type);
    }

    private IrValue IsInfinity(IrValue x) =>
        f.Emit("i1", $"fcmp oeq {x.Type} {Call(x.Type, $"llvm.fabs.{Suffix(x.Type)}", x).Ref}, 0x7FF0000000000000");

    /// <summary>Math, MathF, and double's and float's static functions.</summary>
    private IrValue MathCall(string name, IrValue[] args)
    {
        var type = args[0].Type;
        var s = Suffix(type);
        switch (name)
        {
            case nameof(Math.Sqrt):
                return Call(type, $"llvm.sqrt.{s}", args);
            case nameof(Math.Abs):
                return Call(type, $"llvm.fabs.{s}", args);
            case nameof(Math.Floor):
                return Call(type, $"llvm.floor.{s}", args);
            case nameof(Math.Ceiling):
                return Call(type, $"llvm.ceil.{s}", args);
            case nameof(Math.Round):
                return Call(type, $"llvm.roundeven.{s}", args);
            case nameof(Math.Min) or nameof(Math.Max) when IrType.IsInteger(type):
                return Call(type, $"llvm.{(name == nameof(Math.Min) ? "smin" : "smax")}.{type}", args);
            case nameof(Math.Min) or nameof(Math.Max):
                return f.Emit(type, $"call {type} @jd.{name.ToLowerInvariant()}.{s}({args[0]}, {args[1]})");
            case nameof(double.IsNaN):
                return f.Emit("i1", $"fcmp uno {args[0]}, 0.0");
            case nameof(double.IsInfinity):
                return IsInfinity(args[0]);
            case nameof(double.Hypot):
                return Hypot(args[0], args[1]);
            case nameof(Math.Exp) or nameof(Math.Log) or nameof(Math.Sin) or nameof(Math.Cos) or nameof(Math.Tan)
                or nameof(Math.Asin) or nameof(Math.Acos) or nameof(Math.Atan) or nameof(Math.Sinh) or nameof(Math.Cosh)
                or nameof(Math.Tanh) or nameof(Math.Atan2) or nameof(Math.Pow):
                return Libm(name.ToLowerInvariant(), type, args);
            default:
                throw new JitInternalException($"the LLVM backend does not know Math.{name}");
        }
    }

    private IrValue ComplexCall(string name, IrValue[] args)
    {
        switch (name)
        {
            case nameof(Complex.Abs):
                return Hypot(Real(args[0]), Imaginary(args[0]));
            case nameof(Complex.Conjugate):
                return ComplexOf(Real(args[0]), f.Emit("double", $"fneg {fastMath}double {Imaginary(args[0]).Ref}"));
            default:
                // The transcendental functions of complex numbers go back to System.Numerics.Complex.
                if (!Enum.TryParse<ComplexFunction>(name, out var function))
                    throw new JitInternalException($"the LLVM backend does not know Complex.{name}");
                var slots = args.Select(a =>
                {
                    var slot = f.Alloca(IrType.Complex, "z");
                    Store(slot, a);
                    return slot;
                }).ToArray();
                var result = f.Alloca(IrType.Complex, "w");
                var callback = LoadContext(NativeAbi.ComplexMathOffset, "ptr");
                f.Line($"call void {callback.Ref}(i32 {(int)function}, ptr {slots[0]}, ptr {(slots.Length > 1 ? slots[1] : "null")}, ptr {result})");
                return Load(IrType.Complex, result);
        }
    }

    /// <summary>The prelude's hypot (float32 computes in double and rounds: the double result is exact enough).</summary>
    private IrValue Hypot(IrValue x, IrValue y) =>
        Convert(f.Emit("double", $"call double @jd.hypot.f64({Convert(x, "double")}, {Convert(y, "double")})"), x.Type);

    private IrValue Libm(string function, string type, IrValue[] args) =>
        f.Emit(type, declarations.LibmCall(function, type, fastMath, args));

    private IrValue Call(string type, string intrinsic, params IrValue[] args)
    {
        declarations.Intrinsic($"{type} @{intrinsic}({string.Join(", ", args.Select(a => a.Type))})");
        var flags = IrType.IsFloat(type) ? fastMath : "";
        return f.Emit(type, $"call {flags}{type} @{intrinsic}({string.Join(", ", args.Select(a => a.ToString()))})");
    }
}
