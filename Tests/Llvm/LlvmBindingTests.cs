using JitDsl.Backends.Llvm;
using JitDsl.Backends.Llvm.Interop;

namespace JitDsl.Tests.Llvm;

/// <summary>The bindings reach libLLVM: a hand-written IR function is optimised, linked and called.</summary>
[TestClass]
public sealed class LlvmBindingTests
{
    [TestMethod]
    public unsafe void AHandWrittenFunctionCompilesLinksAndRuns()
    {
        Assert.IsNotNull(LlvmLibrary.Loaded, LlvmLibrary.Problem);
        var target = LlvmTarget.Host;
        var ir = $$"""
            target triple = "{{target.Triple}}"
            target datalayout = "{{target.DataLayout}}"

            define i64 @jd_test_sum(ptr %a, i64 %n) {
            entry:
              br label %loop
            loop:
              %i = phi i64 [ 0, %entry ], [ %next, %loop ]
              %acc = phi i64 [ 0, %entry ], [ %sum, %loop ]
              %p = getelementptr i64, ptr %a, i64 %i
              %v = load i64, ptr %p
              %sum = add i64 %acc, %v
              %next = add i64 %i, 1
              %done = icmp eq i64 %next, %n
              br i1 %done, label %exit, label %loop
            exit:
              ret i64 %sum
            }
            """;
        var code = LlvmCompiler.ObjectCode(ir, "jd_test_sum");
        var sum = (delegate* unmanaged<long*, long, long>)LlvmJit.Instance.Load(code, "jd_test_sum");
        var values = Enumerable.Range(1, 100).Select(i => (long)i).ToArray();
        fixed (long* data = values)
            Assert.AreEqual(5050L, sum(data, values.Length));
        StringAssert.Contains(LlvmCompiler.Inspect(ir, "jd_test_sum").Assembly, "jd_test_sum");
    }
}
