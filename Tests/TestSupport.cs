using System.Runtime.CompilerServices;

namespace JitDsl.Tests;

internal static class TestSupport
{
    /// <summary>The line this is called on: <c>var line = Here() + 1;</c> names the next line.</summary>
    public static int Here([CallerLineNumber] int line = 0) => line;

    /// <summary>Asserts that an exception's message starts with the stable error code.</summary>
    public static void HasCode(Exception e, string code) =>
        Assert.StartsWith(code + ":", e.Message, $"expected {code}, got: {e.Message}");
}
