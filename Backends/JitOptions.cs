namespace JitDsl;

/// <summary>How a kernel is compiled. Immutable: derive variants with <c>with</c>.</summary>
public sealed record JitOptions
{
    /// <summary>The defaults: bounds checks on.</summary>
    public static JitOptions Default { get; } = new();

    /// <summary>
    /// Check every index that is not proven in range and raise <see cref="IndexOutOfRangeException"/> with the
    /// user's line (default true). Off, negative indices still count from the end and .NET's own array check
    /// still stops a wild index, with a plainer message: Numba's <c>boundscheck=False</c>, minus the danger.
    /// </summary>
    public bool BoundsCheck { get; init; } = true;
}
