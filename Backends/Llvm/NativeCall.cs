using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace JitDsl.Backends.Llvm;

/// <summary>
/// The compiled-kernel call in progress on this thread: the arrays pinned for it (arguments, and those the
/// kernel allocates through the callback), released when the call returns; and a failure in a callback,
/// which must not unwind through native frames and is rethrown afterwards. Callbacks run on the calling
/// thread, and a thread runs one kernel at a time, so one instance per thread serves every call.
/// </summary>
internal sealed class NativeCall : IDisposable
{
    [ThreadStatic]
    private static NativeCall? current;

    private readonly List<(Array Array, GCHandle Pin)> pinned = [];

    /// <summary>This thread's call, empty: dispose it when the kernel returns.</summary>
    public static NativeCall Current => current ??= new NativeCall();

    public ExceptionDispatchInfo? Failure { get; set; }

    /// <summary>Pins an array for the call and returns the address of its first element.</summary>
    public IntPtr Pin(Array array)
    {
        var pin = GCHandle.Alloc(array, GCHandleType.Pinned);
        pinned.Add((array, pin));
        return pin.AddrOfPinnedObject();
    }

    /// <summary>The pinned array whose data starts at <paramref name="address"/> (a kernel returns arrays by their data).</summary>
    public Array ArrayAt(IntPtr address)
    {
        foreach (var (array, pin) in pinned)
        {
            if (pin.AddrOfPinnedObject() == address)
                return array;
        }
        throw new JitInternalException("a compiled kernel returned an array it was neither given nor allocated");
    }

    public void Dispose()
    {
        foreach (var (_, pin) in pinned)
            pin.Free();
        pinned.Clear();
        Failure = null;
    }
}
