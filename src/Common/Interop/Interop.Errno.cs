using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>The errno values Cordon branches on (Linux generic values, identical on x86-64 and arm64), their names for messages, and the setup error built from the last one.</summary>
    internal static class Errno
    {
        internal const int EPERM = 1;
        internal const int ENOENT = 2;
        internal const int ESRCH = 3;
        internal const int EINTR = 4;
        internal const int ECHILD = 10;
        internal const int EAGAIN = 11; // also EWOULDBLOCK
        internal const int ENOMEM = 12;
        internal const int EACCES = 13;
        internal const int EBUSY = 16;
        internal const int EEXIST = 17;
        internal const int EXDEV = 18;
        internal const int ENODEV = 19;
        internal const int ENOTDIR = 20;
        internal const int EISDIR = 21;
        internal const int EINVAL = 22;
        internal const int ENOSPC = 28;
        internal const int EROFS = 30;
        internal const int ENOSYS = 38;
        internal const int ENOTEMPTY = 39;
        internal const int ELOOP = 40;
        internal const int EOPNOTSUPP = 95;
        internal const int EBADF = 9;
        internal const int ENOTSOCK = 88;
        internal const int EAFNOSUPPORT = 97;
        internal const int ECONNREFUSED = 111;

        /// <summary>"EACCES", or "errno 123 (text)" for values without a name here.</summary>
        internal static string Name(int errno) => errno switch
        {
            EPERM => "EPERM",
            ENOENT => "ENOENT",
            ESRCH => "ESRCH",
            EINTR => "EINTR",
            ECHILD => "ECHILD",
            EAGAIN => "EAGAIN",
            ENOMEM => "ENOMEM",
            EACCES => "EACCES",
            EBUSY => "EBUSY",
            EEXIST => "EEXIST",
            EXDEV => "EXDEV",
            ENODEV => "ENODEV",
            ENOTDIR => "ENOTDIR",
            EISDIR => "EISDIR",
            EINVAL => "EINVAL",
            ENOSPC => "ENOSPC",
            EROFS => "EROFS",
            ENOSYS => "ENOSYS",
            ENOTEMPTY => "ENOTEMPTY",
            ELOOP => "ELOOP",
            EOPNOTSUPP => "EOPNOTSUPP",
            _ => $"errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})",
        };

        /// <summary>Whether <paramref name="errno"/> means "not allowed" rather than "broken".</summary>
        internal static bool IsPermissionDenied(int errno) => errno is EACCES or EPERM or EROFS;

        /// <summary>A setup failure of <paramref name="step"/> that names the last P/Invoke's errno.</summary>
        internal static Cordon.Errors.SandboxSetupException Setup(string step, string message, string? hint = null)
        {
            int errno = Marshal.GetLastPInvokeError();
            return new(step, $"{message}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", hint);
        }
    }
}
