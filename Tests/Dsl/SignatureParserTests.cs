using JitDsl.Dsl.Tree;
using JitDsl.Dsl.Typing;

namespace JitDsl.Tests.Dsl;

[TestClass]
public sealed class SignatureParserTests
{
    [TestMethod]
    [DataRow("float64(float64[:])", "float64(float64[:])")]
    [DataRow("f8(f8[:, :], i4)", "float64(float64[:, :], int32)")]
    [DataRow("void(int64[::1], b1, c16)", "void(int64[:], bool, complex128)")]
    [DataRow(" float32 ( float32[:,::1] ) ", "float32(float32[:, :])")]
    [DataRow("intp()", "int64()")]
    public void ParsesNumbaSignatures(string text, string expected) =>
        Assert.AreEqual(expected, SignatureParser.Parse(text, SourceLoc.Unknown).ToString());

    [TestMethod]
    [DataRow("float64")]
    [DataRow("float64(float128)")]
    [DataRow("float64(float64[:2])")]
    [DataRow("float64(float64[:]")]
    public void RejectsWhatIsNotASignature(string text) =>
        Assert.AreEqual(ErrorCodes.SignatureSyntax, Assert.ThrowsExactly<TypingException>(() => SignatureParser.Parse(text, SourceLoc.Unknown)).Code);
}
