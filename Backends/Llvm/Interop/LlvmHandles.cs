using System.Runtime.InteropServices;

namespace JitDsl.Backends.Llvm.Interop;

/// <summary>Owners of LLVM's native objects: each disposes what it owns exactly once.</summary>
internal abstract class LlvmHandle : SafeHandle
{
    protected LlvmHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Gives up ownership, for an LLVM call that takes it over (parsing a buffer, adding an object).</summary>
    public IntPtr Release()
    {
        var released = handle;
        SetHandleAsInvalid();
        return released;
    }
}

internal sealed class LlvmContextHandle() : LlvmHandle(LlvmApi.LLVMContextCreate())
{
    protected override bool ReleaseHandle()
    {
        LlvmApi.LLVMContextDispose(handle);
        return true;
    }
}

internal sealed class LlvmModuleHandle(IntPtr module) : LlvmHandle(module)
{
    protected override bool ReleaseHandle()
    {
        LlvmApi.LLVMDisposeModule(handle);
        return true;
    }
}

internal sealed class LlvmMemoryBufferHandle(IntPtr buffer) : LlvmHandle(buffer)
{
    public static unsafe LlvmMemoryBufferHandle Copy(ReadOnlySpan<byte> bytes, string name)
    {
        fixed (byte* data = bytes)
            return new LlvmMemoryBufferHandle(LlvmApi.LLVMCreateMemoryBufferWithMemoryRangeCopy((IntPtr)data, bytes.Length, name));
    }

    public unsafe byte[] ToArray() =>
        new ReadOnlySpan<byte>((void*)LlvmApi.LLVMGetBufferStart(handle), checked((int)LlvmApi.LLVMGetBufferSize(handle))).ToArray();

    protected override bool ReleaseHandle()
    {
        LlvmApi.LLVMDisposeMemoryBuffer(handle);
        return true;
    }
}

internal sealed class LlvmTargetMachineHandle(IntPtr machine) : LlvmHandle(machine)
{
    protected override bool ReleaseHandle()
    {
        LlvmApi.LLVMDisposeTargetMachine(handle);
        return true;
    }
}

internal sealed class LlvmPassBuilderOptionsHandle() : LlvmHandle(LlvmApi.LLVMCreatePassBuilderOptions())
{
    protected override bool ReleaseHandle()
    {
        LlvmApi.LLVMDisposePassBuilderOptions(handle);
        return true;
    }
}

/// <summary>Turns LLVM's error objects and messages into .NET strings, disposing them.</summary>
internal static class LlvmMessages
{
    /// <summary>A string LLVM allocated (a char* to free with LLVMDisposeMessage).</summary>
    public static string Take(IntPtr message)
    {
        if (message == IntPtr.Zero)
            return "";
        var text = Marshal.PtrToStringUTF8(message) ?? "";
        LlvmApi.LLVMDisposeMessage(message);
        return text;
    }

    /// <summary>Throws when an LLVMErrorRef reports a failure (consuming it).</summary>
    public static void Check(IntPtr error, string doing)
    {
        if (Describe(error) is { } text)
            throw new JitInternalException($"LLVM failed {doing}: {text}");
    }

    /// <summary>The message of an LLVMErrorRef (consuming it), or null for success.</summary>
    private static string? Describe(IntPtr error)
    {
        if (error == IntPtr.Zero)
            return null;
        var message = LlvmApi.LLVMGetErrorMessage(error);
        var text = Marshal.PtrToStringUTF8(message) ?? "";
        LlvmApi.LLVMDisposeErrorMessage(message);
        return text;
    }
}
