using System.Text.RegularExpressions;
using JitDsl.Dsl.Tree;

namespace JitDsl.Dsl.Typing;

/// <summary>
/// Parses Numba's signature strings: <c>float64(float64[:], int64)</c>, <c>void(int32[:, :])</c>, with
/// Numba's short names (<c>f8</c>, <c>i4</c>, <c>b1</c>, <c>c16</c>, <c>intp</c>, <c>double</c>) and the
/// contiguity marks <c>[::1]</c> and <c>[:, ::1]</c>, which every .NET array satisfies.
/// </summary>
internal static partial class SignatureParser
{
    public static DeclaredSignature Parse(string text, SourceLoc loc)
    {
        var match = Whole().Match(text);
        if (!match.Success)
            throw Error(text, "expected `result(argument, ...)`, e.g. `float64(float64[:])`", loc);
        var result = match.Groups["result"].Value.Trim();
        var arguments = SplitArguments(match.Groups["args"].Value)
            .Select(a => ParseType(a, text, loc))
            .ToArray();
        return new DeclaredSignature(result is "void" or "none" ? null : ParseType(result, text, loc), new Signature(arguments));
    }

    private static IEnumerable<string> SplitArguments(string list)
    {
        var depth = 0;
        var start = 0;
        for (var k = 0; k < list.Length; k++)
        {
            depth += list[k] switch { '[' => 1, ']' => -1, _ => 0 };
            if (list[k] == ',' && depth == 0)
            {
                yield return list[start..k];
                start = k + 1;
            }
        }
        if (list[start..].Trim().Length > 0 || start > 0)
            yield return list[start..];
    }

    private static JitType ParseType(string text, string signature, SourceLoc loc)
    {
        var match = TypeName().Match(text.Trim());
        if (!match.Success)
            throw Error(signature, $"`{text.Trim()}` is not a type", loc);
        var dtype = match.Groups["dtype"].Value switch
        {
            "bool" or "boolean" or "b1" => DType.Bool,
            "int32" or "i4" => DType.Int32,
            "int64" or "i8" or "intp" or "int" => DType.Int64,
            "float32" or "f4" or "float" => DType.Float32,
            "float64" or "f8" or "double" => DType.Float64,
            "complex128" or "c16" => DType.Complex128,
            var other => throw Error(signature, $"unknown dtype `{other}`; use bool, int32, int64, float32, float64 or complex128", loc),
        };
        if (!match.Groups["dims"].Success)
            return JitType.Scalar(dtype);
        var dims = match.Groups["dims"].Value.Split(',');
        if (dims.Any(d => d.Trim() is not (":" or "::1")))
            throw Error(signature, $"`{text.Trim()}`: write each dimension as `:` (or `::1`)", loc);
        return JitType.Array(dtype, dims.Length);
    }

    private static TypingException Error(string signature, string problem, SourceLoc loc) =>
        new(ErrorCodes.SignatureSyntax, $"signature `{signature}`: {problem}", loc);

    [GeneratedRegex(@"^\s*(?<result>\w+(?:\[[^\]]*\])?)\s*\((?<args>.*)\)\s*$")]
    private static partial Regex Whole();

    [GeneratedRegex(@"^(?<dtype>\w+)(\[(?<dims>[^\]]*)\])?$")]
    private static partial Regex TypeName();
}
