namespace JitDsl;

/// <summary>An argument a kernel cannot accept: wrong count, wrong type, null. Names the argument.</summary>
public sealed class KernelArgumentException : ArgumentException
{
    internal KernelArgumentException(string code, string message, string? paramName = null)
        : base($"{code}: {message}", paramName) => Code = code;

    /// <summary>The stable error code (see <see cref="ErrorCodes"/>).</summary>
    public string Code { get; }
}
