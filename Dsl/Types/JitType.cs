namespace JitDsl;

/// <summary>
/// The type of a kernel value: a scalar of some <see cref="JitDsl.DType"/> (rank 0) or a C-ordered array
/// of that element type. Prints as Numba does: <c>float64</c>, <c>float64[:]</c>, <c>int32[:, :]</c>.
/// </summary>
/// <param name="DType">The element type.</param>
/// <param name="Rank">0 for a scalar, otherwise the number of array dimensions.</param>
/// <param name="Strided">An <see cref="NdArray{T}"/>: any strides (Numba's layout 'A'), where a .NET array is C-ordered.</param>
internal sealed record JitType(DType DType, int Rank, bool Strided = false)
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

    /// <summary>A strided view (<see cref="NdArray{T}"/>) of the given element type and rank.</summary>
    public static JitType View(DType dtype, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        return new JitType(dtype, rank, Strided: true);
    }

    /// <summary>The same rank with another element type (an array computed from a view is C-ordered).</summary>
    public JitType WithDType(DType dtype) => Rank == 0 ? Scalar(dtype) : new JitType(dtype, Rank);

    /// <summary>The scalar type of one element (the type itself for a scalar).</summary>
    public JitType Element => Rank == 0 ? this : Scalar(DType);

    /// <inheritdoc/>
    public override string ToString() =>
        Rank == 0 ? DType.Name()
        : Strided ? $"array({DType.Name()}, {Rank}d, A)"
        : $"{DType.Name()}[{string.Join(", ", Enumerable.Repeat(":", Rank))}]";

    private static readonly JitType[] Scalars = Enum.GetValues<DType>().Select(d => new JitType(d, 0)).ToArray();
}
