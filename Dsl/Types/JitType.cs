namespace JitDsl;

/// <summary>
/// The type of a kernel value: a scalar of some <see cref="JitDsl.DType"/> (rank 0) or a C-ordered array
/// of that element type. Prints as Numba does: <c>float64</c>, <c>float64[:]</c>, <c>int32[:, :]</c>.
/// </summary>
/// <param name="DType">The element type.</param>
/// <param name="Rank">0 for a scalar, otherwise the number of array dimensions.</param>
internal sealed record JitType(DType DType, int Rank)
{
    /// <summary>A scalar of the given element type.</summary>
    public static JitType Scalar(DType dtype) => Scalars[(int)dtype];

    /// <summary>An array of the given element type and rank (1 or more).</summary>
    public static JitType Array(DType dtype, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        return new JitType(dtype, rank);
    }

    /// <summary>True for array types.</summary>
    public bool IsArray => Rank > 0;

    /// <summary>The same rank with another element type.</summary>
    public JitType WithDType(DType dtype) => Rank == 0 ? Scalar(dtype) : new JitType(dtype, Rank);

    /// <summary>The scalar type of one element (the type itself for a scalar).</summary>
    public JitType Element => Rank == 0 ? this : Scalar(DType);

    /// <inheritdoc/>
    public override string ToString() =>
        Rank == 0 ? DType.Name() : $"{DType.Name()}[{string.Join(", ", Enumerable.Repeat(":", Rank))}]";

    private static readonly JitType[] Scalars = Enum.GetValues<DType>().Select(d => new JitType(d, 0)).ToArray();
}
