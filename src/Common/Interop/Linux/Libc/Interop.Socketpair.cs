using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int AfUnix = 1;
        internal const int SockStream = 1;
        internal const int SockSeqpacket = 5;
        internal const int SockCloexec = 0x80000;

        /// <summary><c>socketpair(2)</c>. 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "socketpair", SetLastError = true)]
        internal static unsafe partial int Socketpair(int domain, int type, int protocol, int* fds);

        /// <summary>
        /// A connected pair of close-on-exec AF_UNIX sockets: <c>SOCK_SEQPACKET</c> (message boundaries kept) or <c>SOCK_STREAM</c>.
        /// Neither end is inherited by children unless it is handed over explicitly (bwrap passes every inherited fd into the sandbox).
        /// </summary>
        /// <exception cref="Cordon.Errors.SandboxSetupException">socketpair failed (EMFILE, ENFILE...).</exception>
        internal static unsafe (SafeFileHandle First, SafeFileHandle Second) SocketPair(bool seqPacket = true)
        {
            int* fds = stackalloc int[2];
            int type = (seqPacket ? SockSeqpacket : SockStream) | SockCloexec;
            if (Socketpair(AfUnix, type, 0, fds) != 0)
            {
                throw Errno.Setup("socketpair", "cannot create the supervisor's unix socket pair");
            }

            return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
        }
    }
}
