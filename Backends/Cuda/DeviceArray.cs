using ILGPU;
using ILGPU.Runtime;
using JitDsl.Backends.Cuda;

namespace JitDsl;

/// <summary>An array in the device's memory (Numba's <c>DeviceNDArray</c>): pass it to CUDA kernels without copies.</summary>
/// <typeparam name="T">bool, int, long, float or double.</typeparam>
public sealed class DeviceArray<T> : IDeviceArray, IDisposable where T : unmanaged
{
    private MemoryBuffer1D<T, Stride1D.Dense>? buffer;

    /// <summary>A zeroed array of <paramref name="length"/> elements on the device.</summary>
    public DeviceArray(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        // Kernels see lengths as .NET arrays have them, at most Array.MaxLength.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, Array.MaxLength);
        CheckElementType();
        lock (GpuDevice.Gate)
        {
            buffer = GpuDevice.Accelerator.Allocate1D<T>(length);
            buffer.MemSetToZero();
        }
    }

    /// <summary>A copy of <paramref name="host"/> on the device (<see cref="Cuda.ToDevice{T}"/>).</summary>
    public DeviceArray(T[] host)
    {
        ArgumentNullException.ThrowIfNull(host);
        CheckElementType();
        lock (GpuDevice.Gate)
            buffer = GpuDevice.Accelerator.Allocate1D(host);
    }

    /// <summary>The number of elements.</summary>
    public long Length => Buffer.Length;

    Type IDeviceArray.ElementType => typeof(T);

    object IDeviceArray.View => Buffer.View.BaseView;

    private MemoryBuffer1D<T, Stride1D.Dense> Buffer =>
        buffer ?? throw new ObjectDisposedException(nameof(DeviceArray<T>), "this device array was disposed; its memory is gone");

    /// <summary>The elements, copied to a new host array.</summary>
    public T[] CopyToHost()
    {
        lock (GpuDevice.Gate)
            return Buffer.GetAsArray1D();
    }

    /// <summary>The elements copied into <paramref name="destination"/>, which must have <see cref="Length"/> elements.</summary>
    public void CopyToHost(T[] destination)
    {
        CheckLength(destination);
        lock (GpuDevice.Gate)
            Buffer.View.CopyToCPU(destination);
    }

    /// <summary>Overwrites the elements with <paramref name="source"/>, which must have <see cref="Length"/> elements.</summary>
    public void CopyFromHost(T[] source)
    {
        CheckLength(source);
        lock (GpuDevice.Gate)
            Buffer.View.CopyFromCPU(source);
    }

    /// <summary>Frees the device memory; the array cannot be used afterwards.</summary>
    public void Dispose()
    {
        lock (GpuDevice.Gate)
        {
            buffer?.Dispose();
            buffer = null;
        }
    }

    private void CheckLength(T[] host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.LongLength != Length)
            throw new ArgumentException($"the host array has {host.LongLength} elements; this device array has {Length}", nameof(host));
    }

    private static void CheckElementType()
    {
        if (typeof(T) != typeof(bool) && typeof(T) != typeof(int) && typeof(T) != typeof(long) && typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"device arrays hold bool, int, long, float or double, not {typeof(T).Name}");
    }
}

/// <summary>What a launch needs of a device array whatever its element type.</summary>
internal interface IDeviceArray
{
    Type ElementType { get; }

    long Length { get; }

    /// <summary>The <c>ArrayView&lt;T&gt;</c> a kernel takes.</summary>
    object View { get; }
}
