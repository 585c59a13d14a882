using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        /// <summary>pidfd_send_signal(2) (glibc ≥ 2.36): signals exactly the process the descriptor was opened for, never a later one with its pid.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pidfd_send_signal", SetLastError = true)]
        internal static partial int PidfdSendSignal(SafeHandle pidfd, int signal, nint info, uint flags);
    }
}
