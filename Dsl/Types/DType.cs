namespace JitDsl;

/// <summary>The element types kernels compute with, named as NumPy names them.</summary>
public enum DType
{
    /// <summary>A truth value (<see cref="bool"/>).</summary>
    Bool,
    /// <summary>A 32-bit signed integer (<see cref="int"/>).</summary>
    Int32,
    /// <summary>A 64-bit signed integer (<see cref="long"/>); loop indices and lengths have this type.</summary>
    Int64,
    /// <summary>A single-precision float (<see cref="float"/>).</summary>
    Float32,
    /// <summary>A double-precision float (<see cref="double"/>).</summary>
    Float64,
    /// <summary>A complex number of two doubles (<see cref="System.Numerics.Complex"/>).</summary>
    Complex128,
}
