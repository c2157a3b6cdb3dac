using System.Text;

namespace JitDsl.Backends.Llvm.IrGen;

/// <summary>
/// The functions a module calls: LLVM intrinsics, libm functions (pure, so that loops can vectorise them),
/// and for each libm function with a libmvec counterpart the vector variants and the call-site attribute
/// that names them. Such a function is called through a small wrapper (<c>jd.sin</c> calling <c>sin</c>) that
/// is never inlined: LLVM recognises libm's own names and vectorises them as its intrinsics, which codegen
/// then scalarises again, ignoring libmvec. (The attribute's mangled names must name the function called,
/// <c>_ZGV_LLVM_N8v_jd.sin(_ZGVeN8v_sin)</c>, or the vectoriser ignores them.) Attribute syntax follows the LLVM version (<c>memory(none)</c>
/// from 16, <c>readnone</c> before).
/// </summary>
internal sealed class IrDeclarations(int llvmVersion, string cpu, string features, bool vectorMath)
{
    private readonly SortedSet<string> declarations =
    [
        "declare i64 @llvm.fshl.i64(i64, i64, i64)",
        "declare double @llvm.copysign.f64(double, double)",
        "declare float @llvm.copysign.f32(float, float)",
        "declare double @llvm.floor.f64(double)",
        "declare i1 @llvm.expect.i1(i1, i1)",
        "declare double @llvm.fabs.f64(double)",
        "declare double @llvm.sqrt.f64(double)",
        "declare double @llvm.fma.f64(double, double, double)",
    ];

    private readonly Dictionary<string, (int Group, string Type, int Arity)> vectorAttributeGroups = [];

    public const int KernelAttributes = 0;
    private const int PureAttributes = 1;
    private const int WrapperAttributes = 2;
    private const int FirstVectorGroup = 3;

    /// <summary>Declares an intrinsic, e.g. <c>double @llvm.sqrt.f64(double)</c>.</summary>
    public void Intrinsic(string signature) => declarations.Add($"declare {signature}");

    /// <summary>
    /// The call instruction for a libm function (<c>sin</c> on double, <c>sinf</c> on float arguments), with its
    /// vector variants attached where libmvec has them.
    /// </summary>
    public string LibmCall(string scalar, string type, string fastMath, IReadOnlyList<IrValue> args)
    {
        var function = type == "float" ? scalar + "f" : scalar;
        var parameters = string.Join(", ", args.Select(a => a.Type));
        declarations.Add($"declare {type} @{function}({parameters}) #{PureAttributes}");
        var arguments = string.Join(", ", args.Select(a => a.ToString()));
        if (!vectorMath || !VectorMath.Functions.Contains(scalar))
            return $"call {fastMath}{type} @{function}({arguments})";
        var arity = args.Count;
        if (!vectorAttributeGroups.TryGetValue(function, out var known))
        {
            known = (FirstVectorGroup + vectorAttributeGroups.Count, type, arity);
            vectorAttributeGroups[function] = known;
            foreach (var (isa, lanes) in Variants(type))
            {
                var vector = $"<{lanes} x {type}>";
                var name = VectorName(isa, lanes, arity, function);
                declarations.Add($"declare {vector} @{name}({string.Join(", ", Enumerable.Repeat(vector, arity))})");
                keptAlive.Add(name);
            }
            var names = Enumerable.Range(0, arity).Select(k => $"%x{k}").ToArray();
            var typed = string.Join(", ", names.Select(n => $"{type} {n}"));
            wrappers.Add($"define internal {type} @jd.{function}({typed}) #{WrapperAttributes} {{\n  %r = call {type} @{function}({typed})\n  ret {type} %r\n}}\n");
            keptAlive.Add($"jd.{function}");
        }
        return $"call {fastMath}{type} @jd.{function}({arguments}) #{known.Group}";
    }

    private readonly List<string> wrappers = [];

    // Unused declarations are deleted before the loop vectoriser runs; llvm.compiler.used keeps the vector
    // variants alive until it has had the chance to call them (clang does the same). It also keeps the
    // wrappers on the C calling convention (the optimiser gives unused-address internal functions fastcc,
    // and a fastcc call no longer matches its vector variants).
    private readonly List<string> keptAlive = [];

    public void WriteTo(StringBuilder text)
    {
        foreach (var wrapper in wrappers)
            text.Append(wrapper).Append('\n');
        if (keptAlive.Count > 0)
            text.Append($"@llvm.compiler.used = appending global [{keptAlive.Count} x ptr] [{string.Join(", ", keptAlive.Select(n => $"ptr @{n}"))}], section \"llvm.metadata\"\n\n");
        foreach (var line in declarations)
            text.Append(line).Append('\n');
        text.Append('\n');
        var pure = llvmVersion >= 16 ? "memory(none)" : "readnone";
        text.Append($"attributes #{KernelAttributes} = {{ nounwind \"target-cpu\"=\"{cpu}\" \"target-features\"=\"{features}\" }}\n");
        text.Append($"attributes #{PureAttributes} = {{ nounwind willreturn {pure} }}\n");
        text.Append($"attributes #{WrapperAttributes} = {{ noinline nounwind willreturn {pure} }}\n");
        foreach (var (function, (group, type, arity)) in vectorAttributeGroups)
        {
            var variants = string.Join(",", Variants(type).Select(v =>
                $"_ZGV_LLVM_N{v.Lanes}{new string('v', arity)}_jd.{function}({VectorName(v.Isa, v.Lanes, arity, function)})"));
            text.Append($"attributes #{group} = {{ \"vector-function-abi-variant\"=\"{variants}\" }}\n");
        }
    }

    /// <summary>
    /// libmvec's version of a libm function for a whole vector (<c>_ZGVeN8v_sin</c> for 8 doubles), declared; null
    /// when libmvec is missing or has none for this width on this CPU.
    /// </summary>
    public string? VectorFunction(string scalar, string element, int lanes)
    {
        if (!vectorMath || !VectorMath.Functions.Contains(scalar) || !Variants(element).Any(v => v.Lanes == lanes))
            return null;
        var name = VectorName(Variants(element).First(v => v.Lanes == lanes).Isa, lanes, 1, element == "float" ? scalar + "f" : scalar);
        var vector = $"<{lanes} x {element}>";
        declarations.Add($"declare {vector} @{name}({vector})");
        return name;
    }

    private IEnumerable<(char Isa, int Lanes)> Variants(string type) =>
        VectorMath.Variants(features).Select(v => (v.Isa, type == "float" ? v.DoubleLanes * 2 : v.DoubleLanes));

    private static string VectorName(char isa, int lanes, int arity, string function) =>
        $"_ZGV{isa}N{lanes}{new string('v', arity)}_{function}";
}
