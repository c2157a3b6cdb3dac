using JitDsl.Backends.Llvm;
using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;
using JitDsl.Lowering;
using JitDsl.Lowering.Printing;
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

    private static IEnumerable<(Delegate Body, object[] Args)> Corpus() =>
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
        }, [new[] { 1.0, 4.0 }, 2L]),
        ((Val seed) =>
        {
            Seed(seed);
            var n = Var(0);
            While(() => Uniform() < 0.99, () => n.Value += 1);
            var grid = Zeros(DType.Int32, 2, 3);
            Jit.Kernel((Arr g) => { g[0, 0] = 1; }).Call(grid);
            return n + grid[0, 0];
        }, [5L]),
        ((Val x) =>
        {
            If(x > 0, () => Return());
        }, [1.0]),
    ];

    [TestMethod]
    public void EveryNodeKindIsTypedLoweredCompiledAndPrinted()
    {
        var seen = new HashSet<Type>();
        foreach (var (body, args) in Corpus())
        {
            var tree = Tracer.Trace("corpus", body, SourceLoc.Unknown);
            var signature = new Signature(args.Select(a => DTypes.JitTypeOf(a.GetType())!).ToArray());
            var typed = BoundsCheckElimination.Run(TypeInference.Specialize(tree, signature, null));
            Collect(typed.Body, seen);
            var lowered = LinqLowering.Lower(typed, boundsCheck: true);
            var printed = CSharpPrinter.Print(lowered);
            Assert.IsFalse(printed.Contains("/*"), printed);
            var clr = lowered.Compile().DynamicInvoke(args);
            // The LLVM backend translates every construct the lowering made, and computes the same.
            var module = LlvmBackend.Generate(lowered, new JitOptions { Backend = Backend.Llvm });
            var llvm = LlvmBackend.Link(module, LlvmBackend.Emit(module, cache: false), lowered).Boxed(args);
            Assert.AreEqual(clr, llvm, printed);
        }

        var nodeKinds = typeof(Expr).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && (typeof(Expr).IsAssignableFrom(t) || typeof(Stmt).IsAssignableFrom(t)))
            .ToHashSet();
        Assert.IsFalse(seen.Contains(typeof(AllocLike)), "typing must replace AllocLike by Alloc");
        nodeKinds.Remove(typeof(AllocLike));
        CollectionAssert.AreEquivalent(nodeKinds.Select(t => t.Name).Order().ToArray(), seen.Select(t => t.Name).Order().ToArray());
    }

    private static void Collect(Block block, HashSet<Type> seen)
    {
        foreach (var statement in block.Statements)
        {
            seen.Add(statement.GetType());
            foreach (var e in StatementExpressions(statement))
                Collect(e, seen);
            foreach (var nested in NestedBlocks(statement))
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

    private static IEnumerable<Expr> StatementExpressions(Stmt s) => s switch
    {
        If i => [i.Condition],
        For f => [f.Start, f.Stop, f.Step],
        While w => [w.Condition],
        _ => Materialization.StatementExpressions(s),
    };

    private static IEnumerable<Block> NestedBlocks(Stmt s) => s switch
    {
        If i => [i.Then, i.Else],
        For f => [f.Body],
        While w => [w.Prelude, w.Body],
        _ => [],
    };
}
