namespace JitDsl;

/// <summary>
/// A bug in JitDsl itself, never the user's fault. Kept apart from <see cref="TypingException"/> so that
/// a user error can never be mistaken for a compiler failure or the other way round.
/// </summary>
public sealed class JitInternalException : Exception
{
    internal JitInternalException(string message, Exception? inner = null)
        : base($"internal compiler error: {message}. Please report it with the kernel that caused it.", inner)
    {
    }
}
