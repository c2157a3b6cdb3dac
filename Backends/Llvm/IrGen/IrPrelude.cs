using System.Text;
using System.Text.RegularExpressions;

namespace JitDsl.Backends.Llvm.IrGen;

/// <summary>
/// The runtime helpers compiled kernels call, in IR: the same semantics as Lowering/Runtime's KernelMath
/// and KernelRandom (Python's floor division and modulo, .NET's Math.Min/Max, xoshiro256** seeded by
/// SplitMix64), so both backends give the same bits. Errors (a zero divisor, a negative power) are checked
/// by the caller before these run; these never fail. All are inlined and then optimised with the kernel.
/// The intrinsics they use are declared by <see cref="IrDeclarations"/>. A module carries only the helpers
/// its code calls, so that the IR <c>Inspect</c> shows is the kernel's own (all of them made every module
/// 350 lines longer; unused ones cost no measurable compile time, LLVM drops them at once).
/// </summary>
internal static partial class IrPrelude
{
    /// <summary>Every helper's definition by its name (<c>jd.floordiv.i64</c>), in the order they are written.</summary>
    private static readonly (string Name, string Definition)[] Definitions = Split(Build());

    /// <summary>Appends the helpers that <paramref name="code"/> calls, and those they call in turn.</summary>
    public static void WriteUsed(StringBuilder text, string code)
    {
        var used = new HashSet<string>();
        var pending = new Stack<string>([code]);
        while (pending.TryPop(out var caller))
            foreach (Match call in FunctionReference().Matches(caller))
                if (Array.FindIndex(Definitions, d => d.Name == call.Groups["name"].Value) is var k and >= 0 && used.Add(Definitions[k].Name))
                    pending.Push(Definitions[k].Definition);
        foreach (var (name, definition) in Definitions)
            if (used.Contains(name))
                text.Append(definition).Append("\n\n");
    }

    private static (string Name, string Definition)[] Split(string prelude) =>
        prelude.Split("define internal ", StringSplitOptions.RemoveEmptyEntries)
            .Select(part => "define internal " + part.TrimEnd())
            .Select(definition => (FunctionReference().Match(definition).Groups["name"].Value, definition))
            .ToArray();

    // Also matches functions that are not helpers (jd.sin, the libm wrappers of IrDeclarations): those are
    // not in Definitions and are skipped.
    [GeneratedRegex(@"@(?<name>jd\.[a-z0-9.]+)\(")]
    private static partial Regex FunctionReference();

    private static string Build() =>
        IntegerDivision("i64") + IntegerDivision("i32") + IntegerPower("i64") + IntegerPower("i32")
        + FloatDivision + FloatModulo("double", "f64") + FloatModulo("float", "f32")
        + MinMax("double", "f64", "i64") + MinMax("float", "f32", "i32") + Hypot + Random;

    // b != 0. b == -1 is taken apart: sdiv MIN, -1 is undefined in LLVM, while kernels wrap.
    private static string IntegerDivision(string t) => $$"""
        define internal {{t}} @jd.floordiv.{{t}}({{t}} %a, {{t}} %b) alwaysinline {
          %minus1 = icmp eq {{t}} %b, -1
          %d = select i1 %minus1, {{t}} 1, {{t}} %b
          %q = sdiv {{t}} %a, %d
          %r = srem {{t}} %a, %d
          %inexact = icmp ne {{t}} %r, 0
          %signs = xor {{t}} %a, %d
          %opposite = icmp slt {{t}} %signs, 0
          %down = and i1 %inexact, %opposite
          %q1 = sub {{t}} %q, 1
          %floor = select i1 %down, {{t}} %q1, {{t}} %q
          %negated = sub {{t}} 0, %a
          %result = select i1 %minus1, {{t}} %negated, {{t}} %floor
          ret {{t}} %result
        }

        define internal {{t}} @jd.mod.{{t}}({{t}} %a, {{t}} %b) alwaysinline {
          %minus1 = icmp eq {{t}} %b, -1
          %d = select i1 %minus1, {{t}} 1, {{t}} %b
          %r = srem {{t}} %a, %d
          %nonzero = icmp ne {{t}} %r, 0
          %signs = xor {{t}} %r, %d
          %opposite = icmp slt {{t}} %signs, 0
          %fix = and i1 %nonzero, %opposite
          %shifted = add {{t}} %r, %d
          %result = select i1 %fix, {{t}} %shifted, {{t}} %r
          ret {{t}} %result
        }

        define internal {{t}} @jd.truncdiv.{{t}}({{t}} %a, {{t}} %b) alwaysinline {
          %minus1 = icmp eq {{t}} %b, -1
          %d = select i1 %minus1, {{t}} 1, {{t}} %b
          %q = sdiv {{t}} %a, %d
          %negated = sub {{t}} 0, %a
          %result = select i1 %minus1, {{t}} %negated, {{t}} %q
          ret {{t}} %result
        }

        define internal {{t}} @jd.rem.{{t}}({{t}} %a, {{t}} %b) alwaysinline {
          %minus1 = icmp eq {{t}} %b, -1
          %d = select i1 %minus1, {{t}} 1, {{t}} %b
          %r = srem {{t}} %a, %d
          ret {{t}} %r
        }


        """;

    // n >= 0; by squaring, wrapping.
    private static string IntegerPower(string t) => $$"""
        define internal {{t}} @jd.pow.{{t}}({{t}} %x, {{t}} %n) alwaysinline {
        start:
          br label %loop
        loop:
          %r = phi {{t}} [ 1, %start ], [ %r2, %step ]
          %b = phi {{t}} [ %x, %start ], [ %b2, %step ]
          %e = phi {{t}} [ %n, %start ], [ %e2, %step ]
          %done = icmp eq {{t}} %e, 0
          br i1 %done, label %exit, label %step
        step:
          %bit = and {{t}} %e, 1
          %odd = icmp ne {{t}} %bit, 0
          %rb = mul {{t}} %r, %b
          %r2 = select i1 %odd, {{t}} %rb, {{t}} %r
          %b2 = mul {{t}} %b, %b
          %e2 = lshr {{t}} %e, 1
          br label %loop
        exit:
          ret {{t}} %r
        }


        """;

    // NumPy's floor_divide for floats (float32 computes in double and rounds, as KernelMath does).
    private const string FloatDivision = """
        define internal double @jd.floordiv.f64(double %a, double %b) alwaysinline {
          %mod = frem double %a, %b
          %diff = fsub double %a, %mod
          %div0 = fdiv double %diff, %b
          %inexact = fcmp une double %mod, 0.0
          %bneg = fcmp olt double %b, 0.0
          %mneg = fcmp olt double %mod, 0.0
          %opposite = xor i1 %bneg, %mneg
          %down = and i1 %inexact, %opposite
          %div1 = fsub double %div0, 1.0
          %div = select i1 %down, double %div1, double %div0
          %q = fdiv double %a, %b
          %zero = call double @llvm.copysign.f64(double 0.0, double %q)
          %floor = call double @llvm.floor.f64(double %div)
          %frac = fsub double %div, %floor
          %up = fcmp ogt double %frac, 0.5
          %floor1 = fadd double %floor, 1.0
          %rounded = select i1 %up, double %floor1, double %floor
          %divzero = fcmp oeq double %div, 0.0
          %nonzero = select i1 %divzero, double %zero, double %rounded
          %bzero = fcmp oeq double %b, 0.0
          %result = select i1 %bzero, double %q, double %nonzero
          ret double %result
        }

        define internal float @jd.floordiv.f32(float %a, float %b) alwaysinline {
          %a64 = fpext float %a to double
          %b64 = fpext float %b to double
          %r64 = call double @jd.floordiv.f64(double %a64, double %b64)
          %r = fptrunc double %r64 to float
          ret float %r
        }


        """;

    private static string FloatModulo(string t, string suffix) => $$"""
        define internal {{t}} @jd.mod.{{suffix}}({{t}} %a, {{t}} %b) alwaysinline {
          %mod = frem {{t}} %a, %b
          %nonzero = fcmp une {{t}} %mod, 0.0
          %bneg = fcmp olt {{t}} %b, 0.0
          %mneg = fcmp olt {{t}} %mod, 0.0
          %opposite = xor i1 %bneg, %mneg
          %shifted = fadd {{t}} %mod, %b
          %fixed = select i1 %opposite, {{t}} %shifted, {{t}} %mod
          %zero = call {{t}} @llvm.copysign.{{suffix}}({{t}} 0.0, {{t}} %b)
          %result = select i1 %nonzero, {{t}} %fixed, {{t}} %zero
          ret {{t}} %result
        }


        """;

    // .NET's Math.Min/Max (IEEE 754:2019 minimum/maximum): NaN propagates, -0 < +0.
    private static string MinMax(string t, string suffix, string bits) => $$"""
        define internal {{t}} @jd.min.{{suffix}}({{t}} %x, {{t}} %y) alwaysinline {
          %unequal = fcmp une {{t}} %x, %y
          %xnan = fcmp uno {{t}} %x, 0.0
          %less = fcmp olt {{t}} %x, %y
          %smaller = select i1 %less, {{t}} %x, {{t}} %y
          %differ = select i1 %xnan, {{t}} %x, {{t}} %smaller
          %xbits = bitcast {{t}} %x to {{bits}}
          %xneg = icmp slt {{bits}} %xbits, 0
          %same = select i1 %xneg, {{t}} %x, {{t}} %y
          %result = select i1 %unequal, {{t}} %differ, {{t}} %same
          ret {{t}} %result
        }

        define internal {{t}} @jd.max.{{suffix}}({{t}} %x, {{t}} %y) alwaysinline {
          %unequal = fcmp une {{t}} %x, %y
          %xnan = fcmp uno {{t}} %x, 0.0
          %less = fcmp olt {{t}} %y, %x
          %larger = select i1 %less, {{t}} %x, {{t}} %y
          %differ = select i1 %xnan, {{t}} %x, {{t}} %larger
          %ybits = bitcast {{t}} %y to {{bits}}
          %yneg = icmp slt {{bits}} %ybits, 0
          %same = select i1 %yneg, {{t}} %x, {{t}} %y
          %result = select i1 %unequal, {{t}} %differ, {{t}} %same
          ret {{t}} %result
        }


        """;

    // hypot without glibc's call (9 ns): Borges' fused correction (2019), one FMA-based Newton step on
    // sqrt(x² + y²); within one ulp and almost always correctly rounded (it differs from glibc on 0.3% of random
    // inputs, .NET's Hypot on 11%). Magnitudes beyond 2^±500 are scaled by 2^∓600 on a cold path, which also
    // settles NaN and infinity (an infinity wins over a NaN, as IEEE says): kept off the hot path, its selects
    // made x86 materialise comparisons in partial registers and chained each call to the one before (73 cycles
    // a Mandelbrot iteration instead of 22, by llvm-mca). Every instruction is speculatable, so the vectoriser
    // still if-converts both paths.
    private const string Hypot = """
        define internal double @jd.hypot.fused(double %x, double %y) alwaysinline {
          %yy = fmul double %y, %y
          %s = call double @llvm.fma.f64(double %x, double %x, double %yy)
          %h = call double @llvm.sqrt.f64(double %s)
          %hsq = fmul double %h, %h
          %xsq = fmul double %x, %x
          %d1 = fsub double %hsq, %xsq
          %ny = fneg double %y
          %c1 = call double @llvm.fma.f64(double %ny, double %y, double %d1)
          %nhsq = fneg double %hsq
          %c2 = call double @llvm.fma.f64(double %h, double %h, double %nhsq)
          %nxsq = fneg double %xsq
          %c3 = call double @llvm.fma.f64(double %x, double %x, double %nxsq)
          %c12 = fadd double %c1, %c2
          %c = fsub double %c12, %c3
          %twoh = fmul double %h, 2.0
          %step = fdiv double %c, %twoh
          %corrected = fsub double %h, %step
          ret double %corrected
        }

        define internal double @jd.hypot.f64(double %x, double %y) alwaysinline {
        entry:
          %ax0 = call double @llvm.fabs.f64(double %x)
          %ay0 = call double @llvm.fabs.f64(double %y)
          %swap = fcmp olt double %ax0, %ay0
          %ax = select i1 %swap, double %ay0, double %ax0
          %ay = select i1 %swap, double %ax0, double %ay0
          %notbig = fcmp ole double %ax, 0x5F30000000000000
          %notsmall = fcmp oge double %ax, 0x20B0000000000000
          %inrange = and i1 %notbig, %notsmall
          %likely = call i1 @llvm.expect.i1(i1 %inrange, i1 true)
          br i1 %likely, label %common, label %rare
        common:
          %h = call double @jd.hypot.fused(double %ax, double %ay)
          ret double %h
        rare:
          %big = fcmp ogt double %ax, 0x5F30000000000000
          %scale = select i1 %big, double 0x1A70000000000000, double 0x6570000000000000
          %unscale = select i1 %big, double 0x6570000000000000, double 0x1A70000000000000
          %sx = fmul double %ax, %scale
          %sy = fmul double %ay, %scale
          %sh = call double @jd.hypot.fused(double %sx, double %sy)
          %scaled = fmul double %sh, %unscale
          %yzero = fcmp oeq double %ay, 0.0
          %finite = select i1 %yzero, double %ax, double %scaled
          %nan = fcmp uno double %x, %y
          %withnan = select i1 %nan, double 0x7FF8000000000000, double %finite
          %xinf = fcmp oeq double %ax0, 0x7FF0000000000000
          %yinf = fcmp oeq double %ay0, 0x7FF0000000000000
          %inf = or i1 %xinf, %yinf
          %result = select i1 %inf, double 0x7FF0000000000000, double %withnan
          ret double %result
        }


        """;

    // xoshiro256** on the caller's 4-word state, and its SplitMix64 seeding: KernelRandom's exact sequence.
    private const string Random = """
        define internal double @jd.random.next(ptr %s) alwaysinline {
          %p1 = getelementptr i64, ptr %s, i64 1
          %p2 = getelementptr i64, ptr %s, i64 2
          %p3 = getelementptr i64, ptr %s, i64 3
          %s0 = load i64, ptr %s
          %s1 = load i64, ptr %p1
          %s2 = load i64, ptr %p2
          %s3 = load i64, ptr %p3
          %m5 = mul i64 %s1, 5
          %rot = call i64 @llvm.fshl.i64(i64 %m5, i64 %m5, i64 7)
          %result = mul i64 %rot, 9
          %t = shl i64 %s1, 17
          %n2 = xor i64 %s2, %s0
          %n3 = xor i64 %s3, %s1
          %n1 = xor i64 %s1, %n2
          %n0 = xor i64 %s0, %n3
          %n2b = xor i64 %n2, %t
          %n3b = call i64 @llvm.fshl.i64(i64 %n3, i64 %n3, i64 45)
          store i64 %n0, ptr %s
          store i64 %n1, ptr %p1
          store i64 %n2b, ptr %p2
          store i64 %n3b, ptr %p3
          %top = lshr i64 %result, 11
          %f = uitofp i64 %top to double
          %u = fmul double %f, 0x3CA0000000000000
          ret double %u
        }

        define internal i64 @jd.splitmix(i64 %x) alwaysinline {
          %a = lshr i64 %x, 30
          %b = xor i64 %x, %a
          %c = mul i64 %b, -4658895280553007687
          %d = lshr i64 %c, 27
          %e = xor i64 %c, %d
          %f = mul i64 %e, -7723592293110705685
          %g = lshr i64 %f, 31
          %h = xor i64 %f, %g
          ret i64 %h
        }

        define internal void @jd.random.seed(ptr %s, i64 %seed) alwaysinline {
          %x1 = add i64 %seed, -7046029254386353131
          %x2 = add i64 %x1, -7046029254386353131
          %x3 = add i64 %x2, -7046029254386353131
          %x4 = add i64 %x3, -7046029254386353131
          %z1 = call i64 @jd.splitmix(i64 %x1)
          %z2 = call i64 @jd.splitmix(i64 %x2)
          %z3 = call i64 @jd.splitmix(i64 %x3)
          %z4 = call i64 @jd.splitmix(i64 %x4)
          %p1 = getelementptr i64, ptr %s, i64 1
          %p2 = getelementptr i64, ptr %s, i64 2
          %p3 = getelementptr i64, ptr %s, i64 3
          store i64 %z1, ptr %s
          store i64 %z2, ptr %p1
          store i64 %z3, ptr %p2
          store i64 %z4, ptr %p3
          ret void
        }

        """;
}
