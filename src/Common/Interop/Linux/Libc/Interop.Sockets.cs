using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int AfInet = 2;
        internal const int AfInet6 = 10;
        internal const int SockDgram = 2;
        internal const int SoType = 3;
        internal const int SoProtocol = 38;
        internal const int SoDomain = 39;

        /// <summary>SO_NETNS_COOKIE (Linux 5.14+): a number naming the socket's network namespace.</summary>
        internal const int SoNetnsCookie = 71;

        /// <summary><c>socket(2)</c>. A descriptor, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "socket", SetLastError = true)]
        internal static partial int Socket(int domain, int type, int protocol);

        /// <summary><c>connect(2)</c>. 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "connect", SetLastError = true)]
        internal static unsafe partial int Connect(int fd, byte* address, uint length);

        /// <summary><c>sendto(2)</c>. Bytes sent, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "sendto", SetLastError = true)]
        internal static unsafe partial nint Sendto(int fd, byte* buffer, nuint length, int flags, byte* address, uint addressLength);

        /// <summary><c>sendmsg(2)</c>. Bytes sent, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "sendmsg", SetLastError = true)]
        internal static unsafe partial nint Sendmsg(int fd, MessageHeader* message, int flags);

        /// <summary><c>bind(2)</c>. 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "bind", SetLastError = true)]
        internal static unsafe partial int Bind(int fd, byte* address, uint length);

        /// <summary><c>listen(2)</c>. 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "listen", SetLastError = true)]
        internal static partial int Listen(int fd, int backlog);

        /// <summary><c>getsockopt(2)</c>. 0, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "getsockopt", SetLastError = true)]
        internal static unsafe partial int Getsockopt(int fd, int level, int name, void* value, uint* length);

        /// <summary><c>pidfd_getfd(2)</c> (glibc ≥ 2.36): a copy of descriptor <paramref name="targetFd"/> of the process behind <paramref name="pidfd"/>.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "pidfd_getfd", SetLastError = true)]
        internal static partial int PidfdGetfd(int pidfd, int targetFd, uint flags);
    }
}
