namespace System.Runtime.CompilerServices;

/// <summary>
/// Read by the runtime, by its name, on the assemblies the Cuda backend emits: their kernels may call the internal
/// runtime helpers of the assembly named (the attribute type may live in any assembly, so it is private to ours).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The assembly whose internals the carrier may use.</summary>
    public string AssemblyName { get; } = assemblyName;
}
