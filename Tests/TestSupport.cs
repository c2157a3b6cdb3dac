using System.Runtime.CompilerServices;

namespace JitDsl.Tests;

internal static class TestSupport
{
    public static readonly JitOptions OnClr = new() { Backend = Backend.Clr };
    public static readonly JitOptions OnLlvm = new() { Backend = Backend.Llvm };

    public static JitOptions On(Backend backend) => backend == Backend.Clr ? OnClr : OnLlvm;

    /// <summary>How many representable doubles lie between two (0 for the same value).</summary>
    public static long UlpsApart(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));

    /// <summary>The line this is called on: <c>var line = Here() + 1;</c> names the next line.</summary>
    public static int Here([CallerLineNumber] int line = 0) => line;

    /// <summary>Asserts that an exception's message starts with the stable error code.</summary>
    public static void HasCode(Exception e, string code) =>
        Assert.StartsWith(code + ":", e.Message, $"expected {code}, got: {e.Message}");
}
