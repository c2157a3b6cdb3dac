using JitDsl.Backends;
using JitDsl.Backends.Clr;
using JitDsl.Backends.Llvm;
using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;
using JitDsl.Lowering;
using JitDsl.Lowering.Printing;
using JitDsl.Lowering.Runtime;
using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Lowering;

/// <summary>
/// Every kind of tree node is produced by some kernel here, survives typing, and is lowered, printed and
/// compiled by both backends, which agree: a node kind added later without a lowering or an LLVM translation
/// fails this test instead of a user's kernel.
/// </summary>
[TestClass]
public sealed class NodeCoverageTests
{
    private static readonly Kernel Device = Jit.Kernel((Val x) => x + 1);

    private static readonly UniversalFunction Scale = JitDsl.Ufunc.Vectorize((System.Linq.Expressions.Expression<Func<double, double, double>>)((x, y) => x * y));

    private static IEnumerable<(Delegate Body, object[] Args, object? Expected)> Corpus() =>
    [
        ((Arr a, Val x) =>
        {
            var total = Var(0.0);
            For(a.Length, i =>
            {
                If(a[i] < 0, () => Continue()).Else(() => total.Value += Sqrt(a[i]) * Float64(-x));
                If(total > 100, () => Break());
            });
            var copy = EmptyLike(a);
            copy[0] = Where(x > 0, a.Shape[0], Device.Call(x));
            return total + copy[0];
        }, [new[] { 1.0, 4.0 }, 2L], -1.0 * 2 - 2.0 * 2 + 2),
        ((Val seed) =>
        {
            Seed(seed);
            var n = Var(0);
            While(() => Uniform() < 0.99, () => n.Value += 1);
            var grid = Zeros(DType.Int32, 2, 3);
            Jit.Kernel((Arr g) => { g[0, 0] = 1; }).Call(grid);
            return n + grid[0, 0];
        }, [5L], DrawsBelow(0.99, seed: 5) + 1L),
        ((Val x) =>
        {
            If(x > 0, () => Return());
        }, [1.0], null),
        ((Arr a, Arr b) =>
        {
            var scaled = EmptyLike(a);
            scaled.Assign(a * 2.0 + b);
            return Sum(scaled) + Min(a + b);
        }, [new[] { 1.0, 2.0 }, new[] { 3.0, 4.0 }], (1.0 * 2 + 3) + (2.0 * 2 + 4) + Math.Min(1.0 + 3, 2.0 + 4)),
        ((Arr a) => Sum(Scale.Call(a, 2.0)), [new[] { 1.0, 2.0 }], 6.0),
    ];

    [TestMethod]
    public void EveryNodeKindIsTypedLoweredCompiledAndPrinted()
    {
        var seen = new HashSet<Type>();
        foreach (var (body, args, expected) in Corpus())
        {
            var tree = Tracer.Trace("corpus", body, SourceLoc.Unknown);
            var signature = new Signature(args.Select(a => DTypes.JitTypeOf(a.GetType())!).ToArray());
            var (typed, lowered) = Pipeline.Lower(tree, signature, null, new JitOptions(), []);
            Collect(typed.Body, seen);
            Collect(Fusion.Run(typed).Body, seen);
            var printed = CSharpPrinter.Print(lowered);
            Assert.IsFalse(printed.Contains("/*"), printed);
            var clr = ClrBackend.Compile(lowered).Boxed(args);
            // The LLVM backend translates every construct the lowering made, and computes the same.
            var module = LlvmBackend.Generate(lowered, TestSupport.OnLlvm);
            var llvm = LlvmBackend.Link(module, LlvmBackend.Emit(module, cache: false), lowered).Boxed(args);
            Assert.AreEqual(expected, clr, printed);
            Assert.AreEqual(expected, llvm, printed);
        }

        var nodeKinds = typeof(Expr).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && (typeof(Expr).IsAssignableFrom(t) || typeof(Stmt).IsAssignableFrom(t)))
            .ToHashSet();
        Assert.IsFalse(seen.Contains(typeof(AllocLike)), "typing must replace AllocLike by Alloc");
        nodeKinds.Remove(typeof(AllocLike));
        // Only CUDA kernels have these (Tests/Cuda); the CPU backends refuse them (JD0027, tested there).
        nodeKinds.Remove(typeof(GpuIntrinsic));
        nodeKinds.Remove(typeof(GpuAtomic));
        nodeKinds.Remove(typeof(GpuUniform));
        CollectionAssert.AreEquivalent(nodeKinds.Select(t => t.Name).Order().ToArray(), seen.Select(t => t.Name).Order().ToArray());
    }

    /// <summary>How many xoshiro256** draws from <c>Seed(seed)</c> fall below the limit before the first that does not.</summary>
    private static long DrawsBelow(double limit, ulong seed)
    {
        var s = KernelRandom.SeededState(seed);
        for (var n = 0L; ; n++)
        {
            var next = ulong.RotateLeft(s[1] * 5, 7) * 9;
            var t = s[1] << 17;
            s[2] ^= s[0];
            s[3] ^= s[1];
            s[1] ^= s[2];
            s[0] ^= s[3];
            s[2] ^= t;
            s[3] = ulong.RotateLeft(s[3], 45);
            if ((next >> 11) * (1.0 / (1UL << 53)) >= limit)
                return n;
        }
    }

    private static void Collect(Block block, HashSet<Type> seen)
    {
        foreach (var statement in block.Statements)
        {
            seen.Add(statement.GetType());
            foreach (var e in TreeWalk.Expressions(statement))
                Collect(e, seen);
            foreach (var nested in TreeWalk.Blocks(statement))
                Collect(nested, seen);
        }
    }

    private static void Collect(Expr e, HashSet<Type> seen)
    {
        seen.Add(e.GetType());
        if (e is KernelCall { Target: { } target })
            Collect(target.Body, seen);
        foreach (var child in TreeWalk.Children(e))
            Collect(child, seen);
    }
}
