using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    /// <summary>Small, checked wrappers so code outside Interop/ handles descriptors only as SafeHandles.</summary>
    internal static class FileDescriptors
    {
        internal static int Number(SafeHandle handle) => (int)handle.DangerousGetHandle();

        /// <summary>A pipe whose ends are close-on-exec; the read end is non-blocking for the poll loop.</summary>
        internal static unsafe (SafeFileHandle Read, SafeFileHandle Write) CreatePipe(bool nonBlockingRead = true)
        {
            int* fds = stackalloc int[2];
            if (Libc.Pipe2(fds, Libc.OCloExec) != 0) throw Errno.Setup("pipe2", "cannot create a pipe");
            var read = new SafeFileHandle(fds[0], ownsHandle: true);
            var write = new SafeFileHandle(fds[1], ownsHandle: true);
            if (nonBlockingRead) SetNonBlocking(read);
            return (read, write);
        }

        internal static void SetNonBlocking(SafeHandle handle)
        {
            int fd = Number(handle);
            int flags = Libc.FcntlInt(fd, Libc.FGetFl, 0);
            if (flags < 0 || Libc.FcntlInt(fd, Libc.FSetFl, flags | Libc.ONonBlock) < 0)
                throw Errno.Setup("fcntl", "cannot make a descriptor non-blocking");
        }

        /// <summary>Duplicates <paramref name="handle"/> to a close-on-exec descriptor numbered at least <paramref name="minimum"/>.</summary>
        internal static SafeFileHandle DuplicateAbove(SafeHandle handle, int minimum)
        {
            int fd = Libc.FcntlInt(Number(handle), Libc.FDupFdCloexec, minimum);
            if (fd < 0) throw Errno.Setup("fcntl(F_DUPFD_CLOEXEC)", "cannot duplicate a descriptor");
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        internal static SafeFileHandle OpenDevNull()
        {
            SafeFileHandle handle = Libc.Open("/dev/null", Libc.OCloExec, 0);
            if (handle.IsInvalid) throw Errno.Setup("open(/dev/null)", "cannot open /dev/null");
            return handle;
        }

        /// <summary>Opens a pidfd for a child we have not reaped yet (so the pid cannot have been reused).</summary>
        internal static SafeFileHandle OpenPidfd(int pid)
        {
            int fd = Libc.PidfdOpen(pid, 0);
            if (fd < 0) throw Errno.Setup("pidfd_open", "cannot watch the sandbox process", "Linux 5.3 or newer is required");
            return new SafeFileHandle(fd, ownsHandle: true);
        }

        /// <summary>Reads what is available; returns bytes read, 0 at end of file, -1 when it would block.</summary>
        internal static unsafe int ReadAvailable(SafeHandle handle, Span<byte> buffer)
        {
            fixed (byte* p = buffer)
            {
                while (true)
                {
                    nint n = Libc.Read(Number(handle), p, (nuint)buffer.Length);
                    if (n >= 0) return (int)n;
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR) continue;
                    if (errno == Errno.EAGAIN) return -1;
                    return 0; // EIO and friends: treat as closed
                }
            }
        }

        /// <summary>Writes what fits without blocking; returns bytes written, or -1 when the reader is gone.</summary>
        internal static unsafe int WriteAvailable(SafeHandle handle, ReadOnlySpan<byte> data)
        {
            fixed (byte* p = data)
            {
                nint n = Libc.Write(Number(handle), p, (nuint)data.Length);
                if (n >= 0) return (int)n;
                int errno = Marshal.GetLastPInvokeError();
                return errno is Errno.EAGAIN or Errno.EINTR ? 0 : -1;
            }
        }
    }
}
