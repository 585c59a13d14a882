using System.Runtime.InteropServices;
using Cordon.Errors;
using Cordon.Output;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process.CallerIo;

/// <summary>
/// Opens a host file a caller named for Cordon to read (<c>--stdin FILE</c>, <c>--env-file</c>) without being
/// steered by anything a guest could have planted there: no symbolic link is followed in any component (openat2
/// <c>RESOLVE_NO_SYMLINKS</c>; on kernels before 5.6 only the last component is checked, with O_NOFOLLOW), and it must
/// be a regular file. The path is first opened with O_PATH, which opens nothing (a FIFO cannot block, a device sees no
/// open), the type is checked on that descriptor, and only then is the same file reopened for reading through it, so
/// nothing can be swapped in between.
/// </summary>
public static class SafeInputFile
{
    private const int OPath = 0x200000;
    private const int Eloop = 40;
    private const int Enosys = 38;
    private const int Enoent = 2;
    private const int Eacces = 13;
    private const int Enotdir = 20;
    private const int Exdev = 18;

    /// <summary>Opens <paramref name="path"/> for reading.</summary>
    /// <param name="path">The caller's path, relative to the current directory or absolute.</param>
    /// <param name="option">The option that named it, for messages (e.g. <c>--stdin</c>).</param>
    /// <param name="alternative">What to do instead for something that is not a regular file, for messages.</param>
    /// <exception cref="SandboxSetupException">Missing, unreadable, a symbolic link on the way, or not a regular file; the message names the path and says what to do.</exception>
    public static SafeFileHandle Open(string path, string option, string alternative)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string shown = UntrustedText.Quote(path);
        int flags = OPath | Interop.Libc.OCloexec | Interop.Libc.ONofollow;
        int fd = Interop.Libc.Openat2(path, flags, Interop.Libc.ResolveNoSymlinks);
        int errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        if (fd < 0 && errno == Enosys)
        {
            fd = Interop.Libc.OpenPath(path, flags);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        }

        if (fd < 0)
        {
            throw new SandboxSetupException(option, errno switch
            {
                Enoent => $"{shown} does not exist",
                Eacces => $"{shown}: permission denied",
                Eloop or Exdev => $"{shown} is, or passes through, a symbolic link, which Cordon does not follow for files it opens itself",
                Enotdir => $"{shown}: a component of the path is not a directory",
                _ => $"cannot open {shown}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})",
            }, errno is Eloop or Exdev ? $"give the resolved path (realpath {path})" : "check the path");
        }

        using var located = new SafeFileHandle(fd, ownsHandle: true);
        if (Interop.Libc.Statx(fd, "", Interop.Libc.AtEmptyPath, Interop.Libc.StatxType, out Interop.Libc.StatxBuffer stat) != 0)
            throw Interop.Errno.Setup(option, $"cannot inspect {shown}");
        int type = stat.Mode & Interop.Libc.SIfMt;
        if (type != Interop.Libc.SIfReg)
        {
            string what = type switch
            {
                Interop.Libc.SIfDir => "a directory",
                Interop.Libc.SIfIfo => "a FIFO (named pipe)",
                Interop.Libc.SIfChr => "a character device",
                Interop.Libc.SIfBlk => "a block device",
                Interop.Libc.SIfSock => "a socket",
                0xA000 => "a symbolic link, which Cordon does not follow for files it opens itself",
                _ => "not a regular file",
            };
            throw type == 0xA000
                ? new SandboxSetupException(option, $"{shown} is {what}", $"give the resolved path (realpath {path})")
                : new SandboxSetupException(option, $"{shown} is {what}; {option} takes a regular file", alternative);
        }

        // The /proc link of the O_PATH descriptor reopens exactly that file, without resolving the path again.
        SafeFileHandle handle = Interop.Libc.OpenHandle($"/proc/self/fd/{fd}", Interop.Libc.ORdOnly | Interop.Libc.OCloexec | Interop.Libc.ONoctty | Interop.Libc.ONonblock);
        if (handle.IsInvalid)
        {
            int reopenErrno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new SandboxSetupException(option, reopenErrno == Eacces ? $"{shown}: permission denied" : $"cannot open {shown}: {Marshal.GetPInvokeErrorMessage(reopenErrno)} (errno {reopenErrno})", "check the path and its permissions");
        }

        return handle;
    }
}
