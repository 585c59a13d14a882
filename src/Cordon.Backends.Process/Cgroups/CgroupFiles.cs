using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.Cgroups;

/// <summary>cgroupfs file and directory operations that report the errno instead of throwing.</summary>
/// <remarks>
/// The errno is the point: cgroupfs answers a rejected value with EINVAL, a busy cgroup with EBUSY, a
/// missing controller with ENOENT, an undelegated cgroup with EACCES, and each needs its own message.
/// .NET's file APIs fold several of these into one exception type, so this goes straight to libc.
/// </remarks>
internal static class CgroupFiles
{
    private const uint DirectoryMode = 0x1ED; // 0755

    /// <summary>mkdir(2); 0 or the errno.</summary>
    internal static int MakeDirectory(string path)
        => Interop.Libc.Mkdir(path, DirectoryMode) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Whether this process may create directories in <paramref name="directory"/> (write and search); 0 or the errno.</summary>
    internal static int CanCreateIn(string directory)
        => Interop.Libc.Faccessat(Interop.Libc.AtFdCwd, directory, Interop.Libc.WOk | Interop.Libc.XOk, Interop.Libc.AtEaccess) == 0
            ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>rmdir(2); 0 or the errno.</summary>
    internal static int RemoveDirectory(string path)
        => Interop.Libc.Rmdir(path) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Opens <paramref name="path"/> read-only (O_CLOEXEC); an invalid handle and the errno on failure.</summary>
    internal static SafeFileHandle OpenRead(string path, out int errno)
    {
        SafeFileHandle handle = Interop.Libc.Open(path, Interop.Libc.ORdOnly | Interop.Libc.OCloExec, 0);
        errno = handle.IsInvalid ? Marshal.GetLastPInvokeError() : 0;
        return handle;
    }

    /// <summary>Writes <paramref name="value"/> to a cgroup file in one write(2), as cgroupfs requires; 0 or the errno.</summary>
    internal static unsafe int Write(string path, string value)
    {
        using SafeFileHandle handle = Interop.Libc.Open(path, Interop.Libc.OWrOnly | Interop.Libc.OTrunc | Interop.Libc.OCloExec, 0);
        if (handle.IsInvalid) return Marshal.GetLastPInvokeError();
        byte[] bytes = Encoding.ASCII.GetBytes(value);
        fixed (byte* pointer = bytes)
        {
            while (true)
            {
                nint written = Interop.Libc.Write(handle, pointer, (nuint)bytes.Length);
                if (written >= 0) return written == bytes.Length ? 0 : Interop.Errno.EINVAL;
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.Errno.EINTR) return errno;
            }
        }
    }

    /// <summary>Reads a whole cgroup file; 0 or the errno (text is empty then).</summary>
    internal static int TryRead(string path, out string text)
    {
        text = string.Empty;
        using SafeFileHandle handle = OpenRead(path, out int errno);
        if (errno != 0) return errno;
        byte[] buffer = new byte[4096];
        errno = ReadAll(handle, ref buffer, out int length);
        if (errno == 0) text = Encoding.ASCII.GetString(buffer, 0, length);
        return errno;
    }

    /// <summary>Reads the whole file from offset 0 into <paramref name="buffer"/>, growing it when needed; 0 or the errno.</summary>
    /// <remarks>pread at offset 0 makes cgroupfs regenerate the contents, so one open handle can be read repeatedly.</remarks>
    internal static unsafe int ReadAll(SafeFileHandle handle, ref byte[] buffer, out int length)
    {
        length = 0;
        while (true)
        {
            if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            nint read;
            fixed (byte* pointer = buffer)
                read = Interop.Libc.PRead(handle, pointer + length, (nuint)(buffer.Length - length), length);
            if (read < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Interop.Errno.EINTR) continue;
                return errno;
            }
            if (read == 0) return 0;
            length += (int)read;
        }
    }

    /// <summary>Reads a file that must exist, or throws an <see cref="IOException"/> naming the path and errno.</summary>
    internal static string ReadRequired(string path)
    {
        int errno = TryRead(path, out string text);
        if (errno != 0) throw new IOException($"read {path}: {Interop.Errno.Name(errno)}", errno);
        return text;
    }

    /// <summary>Reads a file that may be missing (older kernels, disabled accounting): null when it is absent.</summary>
    internal static string? ReadOptional(string path)
    {
        int errno = TryRead(path, out string text);
        if (errno == Interop.Errno.ENOENT) return null;
        if (errno != 0) throw new IOException($"read {path}: {Interop.Errno.Name(errno)}", errno);
        return text;
    }
}
