using System.Globalization;
using System.Linq.Expressions;
using JitDsl.Lowering;
using JitDsl.Lowering.Runtime;

namespace JitDsl.Backends.Llvm.IrGen;

/// <summary>
/// Parallel loops: the lowering's chunk lambda becomes a function of its own,
/// <c>i32 chunk(ctx, captures, i64 first, i64 end, i32 chunk)</c>, which reads the kernel's variables through
/// <c>captures</c>, an array of their stack slots' addresses (the lambda copies them into its own variables
/// first, so the loop works on registers). The kernel hands the function to .NET's fork-join pool through the
/// context's <c>ParallelFor</c> callback, which gives each chunk a context of its own and reports the first
/// failing chunk's error in the kernel's.
/// </summary>
internal sealed partial class IrCodegen
{
    private readonly List<string> chunkFunctions = [];

    private IrValue ParallelLoopCall(MethodCallExpression call)
    {
        switch (call.Method.Name)
        {
            case nameof(ParallelLoop.TripCount):
            {
                var (start, stop, step) = (Lower(call.Arguments[0]), Lower(call.Arguments[1]), Lower(call.Arguments[2]));
                var up = f.Emit("i1", $"icmp sgt {step}, 0");
                var distance = f.Emit("i64", $"select i1 {up.Ref}, i64 {f.Emit("i64", $"sub {stop}, {start.Ref}").Ref}, i64 {f.Emit("i64", $"sub {start}, {stop.Ref}").Ref}");
                var stride = f.Emit("i64", $"select i1 {up.Ref}, {step}, i64 {f.Emit("i64", $"sub i64 0, {step.Ref}").Ref}");
                var ahead = f.Emit("i1", $"select i1 {up.Ref}, i1 {f.Emit("i1", $"icmp sgt {stop}, {start.Ref}").Ref}, i1 {f.Emit("i1", $"icmp slt {stop}, {start.Ref}").Ref}");
                var steps = f.Emit("i64", $"udiv i64 {f.Emit("i64", $"sub i64 {distance.Ref}, 1").Ref}, {stride.Ref}");
                var count = f.Emit("i64", $"add i64 {steps.Ref}, 1");
                return f.Emit("i64", $"select i1 {ahead.Ref}, i64 {count.Ref}, i64 0");
            }
            case nameof(ParallelLoop.Chunks):
            {
                // As ParallelLoop.Chunks, with the thread count the caller put in the context.
                var (iterations, grain) = (Lower(call.Arguments[0]), Lower(call.Arguments[1]));
                var whole = f.Emit("i64", $"sdiv {iterations}, {grain.Ref}");
                var atLeastOne = Call("i64", "llvm.smax.i64", whole, I64(1));
                var chunks = Call("i64", "llvm.smin.i64", atLeastOne, LoadContext(NativeAbi.ThreadsOffset, "i64"));
                return f.Emit("i32", $"trunc i64 {chunks.Ref} to i32");
            }
            case nameof(ParallelLoop.Run):
                return RunParallel(call);
            default:
                throw Unsupported(call);
        }
    }

    private IrValue RunParallel(MethodCallExpression call)
    {
        var (iterations, chunks) = (Lower(call.Arguments[0]), Lower(call.Arguments[1]));
        var random = call.Arguments[2] is ConstantExpression { Value: null } ? new IrValue("null", "ptr") : Lower(call.Arguments[2]);
        var body = (LambdaExpression)call.Arguments[3];
        var captured = FreeVariables.Of(body);
        var captures = f.Alloca($"[{Math.Max(1, captured.Count)} x ptr]", "captures");
        for (var k = 0; k < captured.Count; k++)
            f.Line($"store ptr {Lookup(captured[k])}, ptr {f.Emit("ptr", $"getelementptr ptr, ptr {captures}, i64 {k}").Ref}");
        var function = ChunkFunction(body, captured);
        var parallelFor = LoadContext(NativeAbi.ParallelForOffset, "ptr");
        var status = f.Emit("i32", $"call i32 {parallelFor.Ref}(ptr %ctx, ptr {function}, ptr {captures}, {iterations}, {chunks}, {random})");
        // A chunk's error is in the context already: return it as the chunk did.
        var failed = f.Emit("i1", $"icmp ne i32 {status.Ref}, 0");
        var (fail, ok) = (f.Label("chunk_failed"), f.Label("chunks_done"));
        f.Branch(f.Emit("i1", $"call i1 @llvm.expect.i1(i1 {failed.Ref}, i1 false)"), fail, ok);
        f.Start(fail);
        f.Terminate($"ret i32 {status.Ref}");
        f.Start(ok);
        return Void;
    }

    /// <summary>Writes the chunk lambda as a function of the module; returns its name.</summary>
    private string ChunkFunction(LambdaExpression body, List<ParameterExpression> captured)
    {
        // Reserved first: a parallel loop inside this one's body (a device function's) writes its function meanwhile.
        var index = chunkFunctions.Count;
        var name = $"@chunk.{index.ToString(CultureInfo.InvariantCulture)}";
        chunkFunctions.Add("");
        var (outerFunction, outerScopes) = (f, scopes);
        (f, scopes) = (new IrFunction(), new Stack<Scope>());
        var scope = new Scope();
        scopes.Push(scope);
        for (var k = 0; k < captured.Count; k++)
            scope.Variables[captured[k]] = Load("ptr", f.Emit("ptr", $"getelementptr ptr, ptr %captures, i64 {k}").Ref).Ref;
        var (first, end, chunk, random) = (body.Parameters[0], body.Parameters[1], body.Parameters[2], body.Parameters[3]);
        Store(Declare(first), new IrValue("%first", "i64"));
        Store(Declare(end), new IrValue("%end", "i64"));
        Store(Declare(chunk), new IrValue("%chunk", "i32"));
        // The chunk's generator: the pool put its state in this chunk's context.
        Store(Declare(random), LoadContext(NativeAbi.RandomOffset, "ptr"));
        Lower(body.Body);
        f.Terminate("ret i32 0");
        var text = new System.Text.StringBuilder();
        text.Append($"define internal i32 {name}(ptr noalias %ctx, ptr noalias readonly %captures, i64 %first, i64 %end, i32 %chunk) #{IrDeclarations.KernelAttributes} {{\n");
        f.WriteTo(text);
        text.Append('}');
        (f, scopes) = (outerFunction, outerScopes);
        chunkFunctions[index] = text.ToString();
        return name;
    }
}
