using System.Collections.Concurrent;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;

namespace JitDsl.Backends.Dispatch;

/// <summary>
/// Finds or compiles the specialization for a call. Lazy kernels compile one per argument signature at its
/// first call, like <c>@njit</c>; kernels with declared signatures compile them all up front and accept
/// arguments that cast safely to one of them, like <c>@njit('f8(f8[:])')</c>. Each specialization is compiled
/// exactly once, however many threads make its first call together; a failed compilation is not kept.
/// </summary>
internal sealed class Dispatcher
{
    private readonly KernelTree kernel;
    private readonly JitOptions options;
    private readonly IReadOnlyList<DeclaredSignature> declared;
    private readonly ConcurrentDictionary<(Signature, DeclaredSignature?), Lazy<Specialization>> specializations = new();
    private volatile Specialization? last;
    private int compilations;

    public Dispatcher(KernelTree kernel, JitOptions options, IReadOnlyList<DeclaredSignature> declared)
    {
        this.kernel = kernel;
        this.options = options;
        this.declared = declared;
        foreach (var signature in declared)
        {
            Arguments.CheckDeclared(kernel, signature);
            Specialize(signature.Arguments, signature);
        }
    }

    /// <summary>How many specializations have been compiled (tests check that concurrent first calls compile once).</summary>
    public int Compilations => compilations;

    public IEnumerable<Specialization> Compiled =>
        specializations.Values.Where(l => l.IsValueCreated).Select(l => l.Value);

    /// <summary>The specialization for these arguments, and the arguments as it takes them.</summary>
    public (Specialization Specialization, object?[] Arguments) Resolve(object?[] args)
    {
        var cached = last;
        if (cached is not null && Matches(cached, args))
            return (cached, args);
        var actual = Arguments.TypesOf(kernel, args);
        if (declared.Count == 0)
        {
            Arguments.CheckAccepted(kernel, actual);
            return (last = Specialize(actual, null), args);
        }
        var match = declared.FirstOrDefault(d => d.Arguments.Parameters.Zip(actual.Parameters).All(p => Arguments.CanCastSafely(p.Second, p.First)))
            ?? throw new KernelArgumentException(ErrorCodes.NoMatchingSignature,
                $"kernel `{kernel.Name}` was compiled for {string.Join(", ", declared)}; none accepts arguments {actual}");
        var specialization = Specialize(match.Arguments, match);
        if (match.Arguments == actual)
            last = specialization;
        return (specialization, Arguments.ConvertTo(args, actual, match.Arguments));
    }

    /// <summary>The specialization for a signature that fits the kernel, compiled if it was not yet.</summary>
    public Specialization Specialize(Signature signature, DeclaredSignature? declaredSignature)
    {
        // A declared result that typing already gave these arguments needs no second compilation.
        if (declaredSignature is not null && specializations.TryGetValue((signature, null), out var natural)
            && natural.IsValueCreated && natural.Value.Result == declaredSignature.Result)
            return natural.Value;
        var key = (signature, declaredSignature);
        var lazy = specializations.GetOrAdd(key, _ => new Lazy<Specialization>(() =>
        {
            Interlocked.Increment(ref compilations);
            return Pipeline.Compile(kernel, signature, declaredSignature, options);
        }));
        try
        {
            return lazy.Value;
        }
        catch
        {
            specializations.TryRemove(new KeyValuePair<(Signature, DeclaredSignature?), Lazy<Specialization>>(key, lazy));
            throw;
        }
    }

    private static bool Matches(Specialization specialization, object?[] args)
    {
        var expected = specialization.ClrParameterTypes;
        if (args.Length != expected.Length)
            return false;
        for (var k = 0; k < args.Length; k++)
        {
            // A T[,] with lower bounds has T[,]'s type, and views of any rank one type: they must take the checking path.
            if (args[k]?.GetType() != expected[k] || args[k] is Array { Rank: > 1 } array && !Arguments.IsZeroBased(array)
                || args[k] is INdArray view && view.Rank != specialization.Signature.Parameters[k].Rank)
                return false;
        }
        return true;
    }
}
