using System.Globalization;
using System.Runtime.CompilerServices;
using JitDsl.Lowering.Runtime;

namespace JitDsl.Backends.Llvm.Aot;

/// <summary>
/// What an exported library needs in place of the managed callbacks: allocation with calloc, C99's complex
/// functions, and a per-thread generator state (seeded like KernelRandom with 0; <c>Seed(n)</c> in a kernel
/// reseeds it). An array keeps, just before its data, the previous allocation of the same call, its shape and
/// its rank: <c>jitdsl_free</c> and the entry points find them there, and an entry point releases every
/// array of the call but the one it returns, so that scratch arrays and arrays allocated before an error do
/// not leak. Written in IR for the x86-64 System V calling convention.
/// </summary>
internal static class AotRuntime
{
    public const string Allocate = "jd_aot_allocate";
    public const string ComplexMath = "jd_aot_complex";
    public const string RandomState = "jd_aot_random_state";
    public const string Release = "jd_aot_release";

    // C99's functions in ComplexFunction's order; Pow, the last, is cpow with two arguments.
    private static readonly string[] ComplexFunctions = Enum.GetValues<ComplexFunction>()
        .Where(f => f != ComplexFunction.Pow).Select(f => "c" + f.ToString().ToLowerInvariant()).ToArray();

    public static string Ir(LlvmTarget target)
    {
        // KernelRandom's seeding with 0, so an unseeded exported kernel starts like Seed(0).
        var seed = KernelRandom.SeededState(0).Select(w => unchecked((long)w).ToString(CultureInfo.InvariantCulture));
        var dtypes = Enum.GetValues<DType>();
        var sizes = string.Join(", ", dtypes.Select(d => $"i64 {RuntimeHelpers.SizeOf(d.ClrType().TypeHandle)}"));
        var cases = string.Join("\n", ComplexFunctions.Select((f, k) => $"    i32 {k}, label %{f}"));
        var calls = string.Concat(ComplexFunctions.Select(f => $$"""
            {{f}}:
              %{{f}}.r = call { double, double } @{{f}}(double %re, double %im)
              store { double, double } %{{f}}.r, ptr %out
              ret void

            """));
        var declarations = string.Concat(ComplexFunctions.Select(f => $"declare {{ double, double }} @{f}(double, double)\n"));
        return $$"""
            target triple = "{{target.Triple}}"
            target datalayout = "{{target.DataLayout}}"

            @state = internal thread_local global [4 x i64] [{{string.Join(", ", seed.Select(w => $"i64 {w}"))}}]
            @sizes = private constant [{{dtypes.Length}} x i64] [{{sizes}}]

            define ptr @{{RandomState}}() {
              ret ptr @state
            }

            define ptr @{{Allocate}}(ptr %ctx, i32 %dtype, i32 %rank, ptr %dims) {
            entry:
              %code = sext i32 %dtype to i64
              %sizep = getelementptr [{{dtypes.Length}} x i64], ptr @sizes, i64 0, i64 %code
              %size = load i64, ptr %sizep
              %rank64 = sext i32 %rank to i64
              br label %loop
            loop:
              %k = phi i64 [ 0, %entry ], [ %k1, %body ]
              %count = phi i64 [ %size, %entry ], [ %count1, %body ]
              %more = icmp slt i64 %k, %rank64
              br i1 %more, label %body, label %sized
            body:
              %dp = getelementptr i64, ptr %dims, i64 %k
              %d = load i64, ptr %dp
              %m = call { i64, i1 } @llvm.umul.with.overflow.i64(i64 %count, i64 %d)
              %count1 = extractvalue { i64, i1 } %m, 0
              %overflow = extractvalue { i64, i1 } %m, 1
              %k1 = add i64 %k, 1
              br i1 %overflow, label %fail, label %loop
            sized:
              %words = add i64 %rank64, 2
              %header = mul i64 %words, 8
              %total = add i64 %count, %header
              %base = call ptr @calloc(i64 1, i64 %total)
              %null = icmp eq ptr %base, null
              br i1 %null, label %fail, label %fill
            fill:
              %listp = getelementptr i8, ptr %ctx, i64 {{NativeAbi.AllocationsOffset}}
              %previous = load ptr, ptr %listp
              store ptr %previous, ptr %base
              %shape = getelementptr i64, ptr %base, i64 1
              %dimbytes = mul i64 %rank64, 8
              call void @llvm.memcpy.p0.p0.i64(ptr %shape, ptr %dims, i64 %dimbytes, i1 false)
              %data = getelementptr i8, ptr %base, i64 %header
              %rankp = getelementptr i64, ptr %data, i64 -1
              store i64 %rank64, ptr %rankp
              store ptr %data, ptr %listp
              ret ptr %data
            fail:
              ret ptr null
            }

            ; The start of an array's block: its link to the previous allocation, then its shape and rank.
            define internal ptr @block(ptr %data) {
              %rankp = getelementptr i64, ptr %data, i64 -1
              %rank = load i64, ptr %rankp
              %words = add i64 %rank, 2
              %back = sub i64 0, %words
              %base = getelementptr i64, ptr %data, i64 %back
              ret ptr %base
            }

            define void @jitdsl_free(ptr %data) {
            entry:
              %null = icmp eq ptr %data, null
              br i1 %null, label %done, label %release
            release:
              %base = call ptr @block(ptr %data)
              call void @free(ptr %base)
              br label %done
            done:
              ret void
            }

            define void @{{Release}}(ptr %ctx, ptr %keep) {
            entry:
              %listp = getelementptr i8, ptr %ctx, i64 {{NativeAbi.AllocationsOffset}}
              %first = load ptr, ptr %listp
              br label %loop
            loop:
              %data = phi ptr [ %first, %entry ], [ %next, %advance ]
              %end = icmp eq ptr %data, null
              br i1 %end, label %done, label %visit
            visit:
              %base = call ptr @block(ptr %data)
              %next = load ptr, ptr %base
              %kept = icmp eq ptr %data, %keep
              br i1 %kept, label %advance, label %free
            free:
              call void @free(ptr %base)
              br label %advance
            advance:
              br label %loop
            done:
              ret void
            }

            define void @{{ComplexMath}}(i32 %function, ptr %a, ptr %b, ptr %out) {
            entry:
              %z = load { double, double }, ptr %a
              %re = extractvalue { double, double } %z, 0
              %im = extractvalue { double, double } %z, 1
              switch i32 %function, label %pow [
            {{cases}}
              ]
            {{calls}}pow:
              %w = load { double, double }, ptr %b
              %wre = extractvalue { double, double } %w, 0
              %wim = extractvalue { double, double } %w, 1
              %p = call { double, double } @cpow(double %re, double %im, double %wre, double %wim)
              store { double, double } %p, ptr %out
              ret void
            }

            {{declarations}}declare { double, double } @cpow(double, double, double, double)
            declare ptr @calloc(i64, i64)
            declare void @free(ptr)
            declare { i64, i1 } @llvm.umul.with.overflow.i64(i64, i64)
            declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)

            """;
    }

}
