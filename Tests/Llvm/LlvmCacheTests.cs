using JitDsl.Backends;
using JitDsl.Backends.Llvm;
using JitDsl.Dsl.Tracing;
using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;
using static JitDsl.Dsl.Ops;

namespace JitDsl.Tests.Llvm;

/// <summary>The disk cache: entries are found again, verified, rewritten when corrupt, and written atomically.</summary>
[TestClass]
public sealed class LlvmCacheTests
{
    private static string folder = "";

    [ClassInitialize]
    public static void UseATemporaryFolder(TestContext _)
    {
        folder = Path.Combine(Path.GetTempPath(), $"jitdsl-cache-test-{Guid.NewGuid():N}");
        Environment.SetEnvironmentVariable(ObjectCache.EnvironmentVariable, folder);
    }

    [ClassCleanup]
    public static void RemoveTheFolder()
    {
        Environment.SetEnvironmentVariable(ObjectCache.EnvironmentVariable, null);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    /// <summary>A kernel no other test compiles (its name is in its IR), lowered, as the pipeline would.</summary>
    private static System.Linq.Expressions.LambdaExpression FreshKernel()
    {
        var tree = Tracer.Trace($"cached_{Guid.NewGuid():N}", (Arr a) =>
        {
            var total = Var(0.0);
            For(a.Length, i => total.Value += a[i] * 3);
            return total;
        }, SourceLoc.Unknown);
        return Pipeline.Lower(tree, new Signature([JitType.Array(DType.Float64, 1)]), null, new JitOptions(), []).Lowered;
    }

    [TestMethod]
    public void AnEntryIsReadInsteadOfCompilingAndACorruptOneIsRecompiledAndRewritten()
    {
        var lowered = FreshKernel();
        var options = new JitOptions { Backend = Backend.Llvm, Cache = true };
        var module = LlvmBackend.Generate(lowered, options);
        var compiled = LlvmCompiler.ObjectCode(module.Ir, module.Symbol);
        ObjectCache.Write(module.Key, compiled);

        var fromDisk = LlvmBackend.Emit(module, cache: true);
        StringAssert.StartsWith(fromDisk.Source, "read from the disk cache");
        CollectionAssert.AreEqual(compiled, fromDisk.Bytes);

        var path = ObjectCache.PathOf(module.Key);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^7]);
        var recompiled = LlvmBackend.Emit(module, cache: true);
        StringAssert.StartsWith(recompiled.Source, "compiled at O3, stored in the disk cache");
        Assert.IsNotNull(ObjectCache.TryRead(module.Key));

        var run = LlvmBackend.Link(module, recompiled, lowered).Boxed([new[] { 1.0, 2.0 }]);
        Assert.AreEqual(9.0, run);
        StringAssert.StartsWith(LlvmBackend.Emit(module, cache: true).Source, "already linked");
    }

    [TestMethod]
    public void ACompiledKernelIsStoredAndReadBackVerified()
    {
        var kernel = Jit.Kernel((Arr a) => a[0] * 7, new JitOptions { Backend = Backend.Llvm, Cache = true }, name: $"cached_{Guid.NewGuid():N}");
        var before = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.o") : [];
        Assert.AreEqual(14.0, kernel.Invoke(new[] { 2.0 }));
        var written = Directory.GetFiles(folder, "*.o").Except(before).ToArray();
        Assert.HasCount(1, written);
        StringAssert.Contains(kernel.Inspect(new[] { 2.0 })["optimize and emit"].Output, $"stored in the disk cache ({written[0]})");
        Assert.IsNotNull(ObjectCache.TryRead(Path.GetFileNameWithoutExtension(written[0])));
    }

    [TestMethod]
    public void ACorruptOrTruncatedEntryIsNotTrusted()
    {
        var code = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        ObjectCache.Write("corrupt", code);
        CollectionAssert.AreEqual(code, ObjectCache.TryRead("corrupt"));
        var path = ObjectCache.PathOf("corrupt");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        Assert.IsNull(ObjectCache.TryRead("corrupt"));
        File.WriteAllBytes(path, bytes[..10]);
        Assert.IsNull(ObjectCache.TryRead("corrupt"));
        File.WriteAllText(path, "not an object file");
        Assert.IsNull(ObjectCache.TryRead("corrupt"));
    }

    /// <summary>Set for the child processes of <see cref="TwoProcessesWritingTheSameEntriesLeaveWholeOnes"/>: their shared folder.</summary>
    private const string SharedFolder = "JITDSL_TEST_SHARED_CACHE";

    /// <summary>The name of the kernel they compile through the cache (one no process has linked before).</summary>
    private const string SharedKernel = "JITDSL_TEST_SHARED_KERNEL";

    /// <summary>Which writer a child is (1 or 2): the byte its payload repeats.</summary>
    private const string WriterNumber = "JITDSL_TEST_WRITER";

    private const int Rounds = 100;

    /// <summary>
    /// A writer's rounds: the same entry written with this process's payload and read back whole, then a kernel through
    /// the cache. A test of its own here; two at once, in two processes, in the test below.
    /// </summary>
    [TestMethod]
    public void AWriterReadsBackWholeEntries()
    {
        if (Environment.GetEnvironmentVariable(SharedFolder) is { } shared)
        {
            Environment.SetEnvironmentVariable(ObjectCache.EnvironmentVariable, shared);
            // A start line: both writers begin their rounds together, however the machine schedules their start.
            File.WriteAllText(Path.Combine(shared, $"ready-{Environment.ProcessId}"), "");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (Directory.GetFiles(shared, "ready-*").Length < 2 && clock.Elapsed < TimeSpan.FromSeconds(60))
                Thread.Sleep(1);
        }
        // Each writer its own byte (process ids could share one modulo 256): a mixed entry cannot hide.
        var mark = byte.TryParse(Environment.GetEnvironmentVariable(WriterNumber), out var number) ? number : (byte)1;
        var payload = Enumerable.Repeat(mark, 300_000 + mark).ToArray();
        for (var round = 0; round < Rounds; round++)
        {
            ObjectCache.Write("written-by-processes", payload);
            var read = ObjectCache.TryRead("written-by-processes");
            Assert.IsNotNull(read, $"round {round}: the entry was torn");
            Assert.IsTrue(read.Length == 300_000 + read[0] && read.All(b => b == read[0]), $"round {round}: a mixed entry");
        }
        var name = Environment.GetEnvironmentVariable(SharedKernel) ?? $"written_{Guid.NewGuid():N}";
        var kernel = Jit.Kernel((Arr a) => a[0] * 3 + 1, new JitOptions { Backend = Backend.Llvm, Cache = true }, name: name);
        Assert.AreEqual(7.0, kernel.Invoke(new[] { 2.0 }));
    }

    [TestMethod]
    public void TwoProcessesWritingTheSameEntriesLeaveWholeOnes()
    {
        var shared = Path.Combine(folder, $"two-processes-{Guid.NewGuid():N}");
        var kernelName = $"shared_{Guid.NewGuid():N}";
        Directory.CreateDirectory(shared);
        var writers = Enumerable.Range(1, 2).Select(number =>
        {
            var info = new System.Diagnostics.ProcessStartInfo("dotnet",
                [ "exec", typeof(LlvmCacheTests).Assembly.Location, "--filter", $"FullyQualifiedName~{nameof(AWriterReadsBackWholeEntries)}" ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.Environment[SharedFolder] = shared;
            info.Environment[SharedKernel] = kernelName;
            info.Environment[WriterNumber] = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // A child that ran no test must fail, as it does unless told to ignore exit codes.
            info.Environment.Remove("TESTINGPLATFORM_EXITCODE_IGNORE");
            return System.Diagnostics.Process.Start(info)!;
        }).ToArray();
        var outputs = writers.Select(w => (Output: w.StandardOutput.ReadToEndAsync(), Errors: w.StandardError.ReadToEndAsync())).ToArray();
        foreach (var (writer, (output, errors)) in writers.Zip(outputs))
        {
            if (!writer.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                writer.Kill(entireProcessTree: true);
                Assert.Fail("a writer did not finish in 2 minutes");
            }
            Assert.AreEqual(0, writer.ExitCode, output.Result + errors.Result);
        }
        var read = File.ReadAllBytes(Path.Combine(shared, "written-by-processes.o"));
        Environment.SetEnvironmentVariable(ObjectCache.EnvironmentVariable, shared);
        try
        {
            var entry = ObjectCache.TryRead("written-by-processes");
            Assert.IsNotNull(entry, "the last entry verifies");
            Assert.IsTrue(entry.All(b => b == entry[0]) && read.Length > entry.Length);
            var kernel = Jit.Kernel((Arr a) => a[0] * 3 + 1, new JitOptions { Backend = Backend.Llvm, Cache = true }, name: kernelName);
            Assert.AreEqual(7.0, kernel.Invoke(new[] { 2.0 }));
            StringAssert.Contains(kernel.Inspect(new[] { 2.0 })["optimize and emit"].Output, "read from the disk cache", "the kernel another process compiled");
        }
        finally
        {
            Environment.SetEnvironmentVariable(ObjectCache.EnvironmentVariable, folder);
        }
        Assert.AreEqual(0, Directory.GetFiles(shared, "*.tmp").Length, "no temporary file left behind");
    }

    [TestMethod]
    public void ConcurrentWritersLeaveOneWholeEntry()
    {
        var payloads = Enumerable.Range(0, 16).Select(k => Enumerable.Repeat((byte)k, 100_000 + k).ToArray()).ToArray();
        System.Threading.Tasks.Parallel.ForEach(payloads, payload => ObjectCache.Write("contended", payload));
        var read = ObjectCache.TryRead("contended");
        Assert.IsNotNull(read);
        Assert.IsTrue(payloads.Any(p => p.AsSpan().SequenceEqual(read)));
        Assert.AreEqual(0, Directory.GetFiles(folder, "*.tmp").Length);
    }
}
