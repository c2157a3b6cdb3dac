using System.Linq.Expressions;
using System.Numerics;
using System.Text;
using JitDsl.Backends.Llvm.IrGen;

namespace JitDsl.Backends.Llvm.Aot;

/// <summary>
/// The C entry point of one exported kernel: natural C parameters (a scalar by value, an array as pointer
/// and one <c>int64_t</c> per dimension, a complex number as two doubles), the result through a pointer, an
/// optional <c>jitdsl_error*</c>, and an <c>int32_t</c> status. It packs the arguments into the kernel's slots,
/// supplies the runtime's allocator and generator, calls the kernel's entry, and translates the outcome.
/// </summary>
internal static class AotWrapper
{
    private const int MaxRank = 8;

    public static (string Ir, string Declaration) Generate(string cName, LambdaExpression lowered, NativeModule module, string comment)
    {
        var cParameters = new List<string>();
        var irParameters = new List<string>();
        var packing = new StringBuilder();
        var slot = 0;
        var arrays = new List<(string Value, Type Type)>();
        foreach (var parameter in lowered.Parameters)
        {
            // The C name as the user wrote it; in IR a prefix keeps it apart from the wrapper's own values.
            var name = CName(parameter.Name ?? $"arg{slot}");
            var value = $"%p.{name}";
            var type = parameter.Type;
            if (type.IsArray)
            {
                var element = type.GetElementType()!;
                cParameters.Add($"{CType(element)}* {name}");
                irParameters.Add($"ptr {value}");
                packing.Append(Store("ptr", value, slot));
                for (var k = 0; k < type.GetArrayRank(); k++)
                {
                    cParameters.Add($"int64_t {name}_dim{k}");
                    irParameters.Add($"i64 {value}_dim{k}");
                    packing.Append(Store("i64", $"{value}_dim{k}", slot + 1 + k));
                }
                arrays.Add((value, type));
            }
            else if (type == typeof(Complex))
            {
                cParameters.Add($"double {name}_re, double {name}_im");
                irParameters.Add($"double {value}_re, double {value}_im");
                packing.Append(Store("double", $"{value}_re", slot)).Append(Store("double", $"{value}_im", slot + 1));
            }
            else if (type == typeof(bool))
            {
                cParameters.Add($"bool {name}");
                irParameters.Add($"i1 zeroext {value}");
                packing.Append($"  {value}.byte = zext i1 {value} to i8\n").Append(Store("i8", $"{value}.byte", slot));
            }
            else
            {
                cParameters.Add($"{CType(type)} {name}");
                irParameters.Add($"{IrType.Of(type)} {value}");
                packing.Append(Store(IrType.Of(type), value, slot));
            }
            slot += IrType.Slots(type);
        }

        var result = lowered.ReturnType;
        if (result != typeof(void))
        {
            cParameters.Add($"{(result.IsArray ? "jitdsl_array" : CType(result))}* result");
            irParameters.Add("ptr %result");
        }
        cParameters.Add("jitdsl_error* error");
        irParameters.Add("ptr %error");

        var ir = new StringBuilder();
        ir.Append(Sites(cName, module.Sites));
        ir.Append($"define i32 @{cName}({string.Join(", ", irParameters)}) {{\n");
        ir.Append($"entry:\n  %ctx = alloca [{NativeAbi.ContextWords} x i64], align 8\n  store [{NativeAbi.ContextWords} x i64] zeroinitializer, ptr %ctx\n");
        ir.Append($"  %argv = alloca [{Math.Max(1, slot)} x i64], align 8\n  %ret = alloca [{NativeAbi.ResultBytes / 8} x i64], align 8\n");
        ir.Append($"  %random = call ptr @{AotRuntime.RandomState}()\n");
        ir.Append(Context(NativeAbi.RandomOffset, "ptr %random"));
        ir.Append(Context(NativeAbi.AllocateOffset, $"ptr @{AotRuntime.Allocate}"));
        ir.Append(Context(NativeAbi.ComplexMathOffset, $"ptr @{AotRuntime.ComplexMath}"));
        ir.Append(packing);
        ir.Append($"  %status = call i32 @{module.Symbol}(ptr %ctx, ptr %argv, ptr %ret)\n");
        ir.Append("  %ok = icmp eq i32 %status, 0\n  br i1 %ok, label %done, label %failed\n");
        ir.Append(Failure(cName, module.Sites.Count));
        ir.Append("done:\n");
        if (result.IsArray)
            ir.Append("  %keep = load ptr, ptr %ret\n");
        ir.Append($"  call void @{AotRuntime.Release}(ptr %ctx, ptr {(result.IsArray ? "%keep" : "null")})\n");
        ir.Append(Result(result, arrays));
        ir.Append("}\n\n");
        ir.Append($"declare ptr @{AotRuntime.RandomState}()\ndeclare ptr @{AotRuntime.Allocate}(ptr, i32, i32, ptr)\n");
        ir.Append($"declare void @{AotRuntime.ComplexMath}(i32, ptr, ptr, ptr)\ndeclare void @{AotRuntime.Release}(ptr, ptr)\n");

        var declaration = $"/* {comment} */\nint32_t {cName}({string.Join(", ", cParameters)});\n";
        return (ir.ToString(), declaration);
    }

    private static string Store(string type, string value, int slot) =>
        $"  %slot{slot}.{value.TrimStart('%').Replace('.', '_')} = getelementptr i64, ptr %argv, i64 {slot}\n"
        + $"  store {type} {value}, ptr %slot{slot}.{value.TrimStart('%').Replace('.', '_')}\n";

    private static string Context(int offset, string value) =>
        $"  %ctx.{offset} = getelementptr i8, ptr %ctx, i64 {offset}\n  store {value}, ptr %ctx.{offset}\n";

    private static string Failure(string cName, int siteCount) => $$"""
        failed:
          call void @{{AotRuntime.Release}}(ptr %ctx, ptr null)
          %report = icmp ne ptr %error, null
          br i1 %report, label %copy, label %out
        copy:
          %kind = load i64, ptr %ctx
          %v1p = getelementptr i8, ptr %ctx, i64 {{NativeAbi.Value1Offset}}
          %v1 = load i64, ptr %v1p
          %v2p = getelementptr i8, ptr %ctx, i64 {{NativeAbi.Value2Offset}}
          %v2 = load i64, ptr %v2p
          %sitep = getelementptr i8, ptr %ctx, i64 {{NativeAbi.SiteOffset}}
          %site = load i64, ptr %sitep
          store i64 %kind, ptr %error
          %e1 = getelementptr i8, ptr %error, i64 8
          store i64 %v1, ptr %e1
          %e2 = getelementptr i8, ptr %error, i64 16
          store i64 %v2, ptr %e2
          %known = icmp ult i64 %site, {{siteCount}}
          br i1 %known, label %where, label %nowhere
        where:
          %wp = getelementptr [{{Math.Max(1, siteCount)}} x ptr], ptr @sites.{{cName}}, i64 0, i64 %site
          %w = load ptr, ptr %wp
          br label %located
        nowhere:
          br label %located
        located:
          %at = phi ptr [ %w, %where ], [ null, %nowhere ]
          %e3 = getelementptr i8, ptr %error, i64 24
          store ptr %at, ptr %e3
          br label %out
        out:
          ret i32 %status

        """;

    private static string Result(Type result, List<(string Value, Type Type)> arrays)
    {
        if (result == typeof(void))
            return "  ret i32 0\n";
        if (!result.IsArray)
        {
            var type = result == typeof(bool) ? "i8" : IrType.Of(result);
            return $"  %value = load {type}, ptr %ret\n  store {type} %value, ptr %result\n  ret i32 0\n";
        }
        // An array: one of the arguments (its shape is known, the caller owns it) or one the kernel
        // allocated (its shape precedes its data; the caller frees it with jitdsl_free).
        var rank = result.GetArrayRank();
        var text = new StringBuilder($"  %data = load ptr, ptr %ret\n  store ptr %data, ptr %result\n");
        text.Append($"  %rankp = getelementptr i8, ptr %result, i64 {8 + 8 * MaxRank}\n  store i32 {rank}, ptr %rankp\n");
        text.Append($"  %ownedp = getelementptr i8, ptr %result, i64 {12 + 8 * MaxRank}\n");
        var candidates = arrays.Where(a => a.Type == result).ToList();
        for (var c = 0; c < candidates.Count; c++)
        {
            var value = candidates[c].Value;
            text.Append($"  %is{c} = icmp eq ptr %data, {value}\n  br i1 %is{c}, label %arg{c}, label %next{c}\narg{c}:\n");
            for (var k = 0; k < rank; k++)
                text.Append($"  %arg{c}.s{k} = getelementptr i8, ptr %result, i64 {8 + 8 * k}\n  store i64 {value}_dim{k}, ptr %arg{c}.s{k}\n");
            text.Append($"  store i32 0, ptr %ownedp\n  ret i32 0\nnext{c}:\n");
        }
        text.Append($"  %header = getelementptr i64, ptr %data, i64 -{rank + 1}\n");
        for (var k = 0; k < rank; k++)
        {
            text.Append($"  %hp{k} = getelementptr i64, ptr %header, i64 {k}\n  %h{k} = load i64, ptr %hp{k}\n");
            text.Append($"  %rs{k} = getelementptr i8, ptr %result, i64 {8 + 8 * k}\n  store i64 %h{k}, ptr %rs{k}\n");
        }
        text.Append("  store i32 1, ptr %ownedp\n  ret i32 0\n");
        return text.ToString();
    }

    private static string Sites(string cName, IReadOnlyList<string> sites)
    {
        var text = new StringBuilder();
        for (var k = 0; k < sites.Count; k++)
        {
            var bytes = Encoding.UTF8.GetBytes(sites[k]);
            var escaped = string.Concat(bytes.Select(b => b is >= 0x20 and < 0x7F and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : $"\\{b:X2}"));
            text.Append($"@site.{cName}.{k} = private unnamed_addr constant [{bytes.Length + 1} x i8] c\"{escaped}\\00\"\n");
        }
        var entries = sites.Count == 0 ? "ptr null" : string.Join(", ", Enumerable.Range(0, sites.Count).Select(k => $"ptr @site.{cName}.{k}"));
        text.Append($"@sites.{cName} = private constant [{Math.Max(1, sites.Count)} x ptr] [{entries}]\n\n");
        return text.ToString();
    }

    public static string CType(Type type) =>
        type == typeof(bool) ? "bool"
        : type == typeof(int) ? "int32_t"
        : type == typeof(long) ? "int64_t"
        : type == typeof(float) ? "float"
        : type == typeof(double) ? "double"
        : type == typeof(Complex) ? "jitdsl_complex"
        : throw new JitInternalException($"no C type for {type.Name}");

    private static readonly HashSet<string> Reserved =
    [
        "result", "error", "auto", "char", "const", "default", "double", "enum", "extern", "float", "goto", "inline",
        "int", "long", "register", "restrict", "short", "signed", "sizeof", "static", "struct", "typedef", "union",
        "unsigned", "void", "volatile", "bool",
    ];

    /// <summary>A C identifier for a name (suffixed where it would clash with C or with the wrapper's own parameters).</summary>
    public static string CName(string name)
    {
        var identifier = IrFunction.Identifier(name);
        if (identifier.Length == 0 || char.IsAsciiDigit(identifier[0]))
            identifier = "_" + identifier;
        return Reserved.Contains(identifier) ? identifier + "_" : identifier;
    }
}
