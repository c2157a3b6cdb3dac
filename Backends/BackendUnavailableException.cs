namespace JitDsl;

/// <summary>A backend the user asked for by name cannot run here (no libLLVM, no GPU); the message says how to get it.</summary>
public sealed class BackendUnavailableException : Exception
{
    internal BackendUnavailableException(string message) : base(message)
    {
    }
}
