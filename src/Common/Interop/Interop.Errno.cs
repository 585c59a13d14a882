using System.Runtime.InteropServices;

internal static partial class Interop
{
    /// <summary>The errno values Cordon tests for (the same on x86-64 and arm64 Linux), and the setup error built from the last one.</summary>
    internal static class Errno
    {
        internal const int EPERM = 1;
        internal const int ENOENT = 2;
        internal const int EINTR = 4;
        internal const int ECHILD = 10;
        internal const int EAGAIN = 11; // also EWOULDBLOCK
        internal const int EACCES = 13;
        internal const int EXDEV = 18;
        internal const int ENOTDIR = 20;
        internal const int EISDIR = 21;
        internal const int ENOSYS = 38;
        internal const int ELOOP = 40;

        /// <summary>A setup failure of <paramref name="step"/> that names the last P/Invoke's errno.</summary>
        internal static Cordon.Errors.SandboxSetupException Setup(string step, string message, string? hint = null)
        {
            int errno = Marshal.GetLastPInvokeError();
            return new(step, $"{message}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", hint);
        }
    }
}
