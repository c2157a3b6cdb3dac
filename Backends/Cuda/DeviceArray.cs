using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using JitDsl.Backends.Cuda;

namespace JitDsl;

/// <summary>
/// An array in the device's memory (Numba's <c>DeviceNDArray</c>) of 1 to 3 dimensions, in C order: pass it to
/// CUDA kernels without copies.
/// </summary>
/// <typeparam name="T">int, long, float or double.</typeparam>
public sealed class DeviceArray<T> : IDeviceArray, IDisposable where T : unmanaged
{
    private readonly long[] shape;
    private MemoryBuffer1D<T, Stride1D.Dense>? buffer;

    /// <summary>A zeroed array of <paramref name="length"/> elements on the device.</summary>
    public DeviceArray(long length) : this([length], zeroed: true)
    {
    }

    /// <summary>A zeroed rows × columns array on the device.</summary>
    public DeviceArray(long rows, long columns) : this([rows, columns], zeroed: true)
    {
    }

    /// <summary>A zeroed 3-D array on the device.</summary>
    public DeviceArray(long length0, long length1, long length2) : this([length0, length1, length2], zeroed: true)
    {
    }

    // (The flag keeps this apart from DeviceArray(T[]) when T is long.)
    private DeviceArray(long[] shape, bool zeroed)
    {
        this.shape = CheckShape(shape);
        lock (GpuDevice.Gate)
        {
            buffer = GpuDevice.Accelerator.Allocate1D<T>(Length);
            if (zeroed)
                buffer.MemSetToZero();
        }
    }

    /// <summary>A copy of <paramref name="host"/> on the device (<see cref="Cuda.ToDevice{T}(T[])"/>).</summary>
    public DeviceArray(T[] host) : this((Array)host)
    {
    }

    /// <summary>A copy of a 2-D host array on the device.</summary>
    public DeviceArray(T[,] host) : this((Array)host)
    {
    }

    /// <summary>A copy of a 3-D host array on the device.</summary>
    public DeviceArray(T[,,] host) : this((Array)host)
    {
    }

    private DeviceArray(Array host)
    {
        ArgumentNullException.ThrowIfNull(host);
        shape = CheckShape(Enumerable.Range(0, host.Rank).Select(k => (long)host.GetLength(k)).ToArray());
        lock (GpuDevice.Gate)
        {
            buffer = GpuDevice.Accelerator.Allocate1D<T>(Length);
            try
            {
                buffer.View.CopyFromCPU(Flat(host));
            }
            catch
            {
                buffer.Dispose();
                throw;
            }
        }
    }

    /// <summary>The number of elements.</summary>
    public long Length => shape.Aggregate(1L, (product, length) => product * length);

    /// <summary>The lengths of its dimensions.</summary>
    public IReadOnlyList<long> Shape => shape;

    Type IDeviceArray.ElementType => typeof(T);

    object IDeviceArray.View => shape.Length == 1
        ? Buffer.View.BaseView
        : new GpuArray<T> { Data = Buffer.View.BaseView, Length0 = shape[0], Length1 = shape[1], Length2 = shape.Length == 3 ? shape[2] : 1 };

    private MemoryBuffer1D<T, Stride1D.Dense> Buffer =>
        buffer ?? throw new ObjectDisposedException(nameof(DeviceArray<T>), "this device array was disposed; its memory is gone");

    /// <summary>The elements, copied to a new host array of its shape (<c>T[]</c>, <c>T[,]</c> or <c>T[,,]</c>).</summary>
    public Array CopyToHostArray()
    {
        var host = Array.CreateInstance(typeof(T), shape.Select(l => (int)l).ToArray());
        CopyToHost(host);
        return host;
    }

    /// <summary>The elements, copied to a new 1-D host array (in C order, whatever the shape).</summary>
    public T[] CopyToHost()
    {
        lock (GpuDevice.Gate)
            return Buffer.GetAsArray1D();
    }

    /// <summary>The elements copied into <paramref name="destination"/>, a host array of the same shape.</summary>
    public void CopyToHost(Array destination)
    {
        CheckSameShape(destination);
        lock (GpuDevice.Gate)
        {
            if (destination is T[] vector)
            {
                Buffer.View.CopyToCPU(vector);
                return;
            }
            var flat = new T[Length];
            Buffer.View.CopyToCPU(flat);
            flat.AsSpan().CopyTo(Elements(destination));
        }
    }

    /// <summary>Overwrites the elements with <paramref name="source"/>, a host array of the same shape.</summary>
    public void CopyFromHost(Array source)
    {
        CheckSameShape(source);
        lock (GpuDevice.Gate)
            Buffer.View.CopyFromCPU(Flat(source));
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

    /// <summary>A host array's elements in C order, as one span (a .NET array's elements are stored so).</summary>
    private static T[] Flat(Array host)
    {
        if (host is T[] vector)
            return vector;
        if (host.GetType().GetElementType() != typeof(T))
            throw new ArgumentException($"a {host.GetType().Name} cannot fill a device array of {typeof(T).Name}", nameof(host));
        return Elements(host).ToArray();
    }

    /// <summary>A host array of <typeparamref name="T"/>, of any rank, as the span of its elements (stored in C order).</summary>
    private static Span<T> Elements(Array host) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(host)), (int)host.LongLength);

    private void CheckSameShape(Array host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var hostShape = Enumerable.Range(0, host.Rank).Select(k => (long)host.GetLength(k)).ToArray();
        if (host.GetType().GetElementType() != typeof(T) || !hostShape.SequenceEqual(shape))
            throw new ArgumentException(
                $"the host array is a {host.GetType().Name} of shape ({string.Join(", ", hostShape)}); this device array holds {typeof(T).Name} of shape ({string.Join(", ", shape)})",
                nameof(host));
    }

    private static long[] CheckShape(long[] shape)
    {
        // ILGPU copies blittable elements only: bool is not one (use int 0 and 1).
        if (typeof(T) != typeof(int) && typeof(T) != typeof(long) && typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"device arrays hold int, long, float or double, not {typeof(T).Name}");
        if (shape.Length is < 1 or > 3 || shape.Any(l => l is < 0 or > int.MaxValue))
            throw new ArgumentOutOfRangeException(nameof(shape), $"a device array has 1 to 3 dimensions of 0 to {int.MaxValue} elements each, not ({string.Join(", ", shape)})");
        // Kernels see lengths as .NET arrays have them, at most Array.MaxLength elements.
        if (shape.Aggregate(1.0, (product, length) => product * length) > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(shape), $"a device array has at most {Array.MaxLength} elements");
        return shape.ToArray();
    }
}

/// <summary>What a launch needs of a device array whatever its element type.</summary>
internal interface IDeviceArray
{
    Type ElementType { get; }

    long Length { get; }

    IReadOnlyList<long> Shape { get; }

    /// <summary>What a kernel takes: an <c>ArrayView&lt;T&gt;</c>, or a <see cref="GpuArray{T}"/> for 2 or 3 dimensions.</summary>
    object View { get; }

    /// <summary>The elements copied into a host array of its shape.</summary>
    void CopyToHost(Array destination);
}
