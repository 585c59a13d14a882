using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Network;

/// <summary>
/// A guest process's memory through <c>/proc/PID/mem</c>, for copying a call's buffers out once (the supervisor then acts on
/// its copy, never on memory a guest thread can still rewrite) and for writing a result back (<c>sendmmsg</c>'s lengths).
/// </summary>
internal sealed class GuestMemory : IDisposable
{
    private readonly SafeFileHandle _memory;

    private GuestMemory(SafeFileHandle memory) => _memory = memory;

    /// <summary>Opens the memory of <paramref name="pid"/>; null when it is gone or not the supervisor's to read.</summary>
    internal static GuestMemory? Open(int pid, bool writable = false)
    {
        SafeFileHandle memory = Interop.Libc.Open(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/mem"),
            (writable ? Interop.Libc.ORdWr : Interop.Libc.ORdOnly) | Interop.Libc.OCloExec, 0);
        if (!memory.IsInvalid) return new GuestMemory(memory);
        memory.Dispose();
        return null;
    }

    /// <summary>Copies <paramref name="length"/> bytes at <paramref name="address"/>; null when any of them is unreadable.</summary>
    internal unsafe byte[]? Read(ulong address, int length)
    {
        byte[] bytes = new byte[length];
        int filled = 0;
        while (filled < bytes.Length)
        {
            nint n;
            fixed (byte* p = &bytes[filled]) n = Interop.Libc.PRead(_memory, p, (nuint)(bytes.Length - filled), (long)(address + (ulong)filled));
            if (n <= 0) return null;
            filled += (int)n;
        }

        return bytes;
    }

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="address"/>; false when they do not all land.</summary>
    internal unsafe bool Write(ulong address, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes) return Interop.Libc.PWrite(_memory, p, (nuint)bytes.Length, (long)address) == bytes.Length;
    }

    /// <inheritdoc />
    public void Dispose() => _memory.Dispose();
}
