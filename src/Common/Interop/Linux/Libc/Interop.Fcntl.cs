using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int FGetFd = 1;
        internal const int FSetFd = 2;
        internal const int FGetFl = 3;
        internal const int FSetFl = 4;
        internal const int FDupFdCloexec = 1030;
        internal const int FdCloexec = 1;

        /// <summary>fcntl(2) with an int argument. The result, or -1 + errno.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "fcntl", SetLastError = true)]
        internal static partial int FcntlInt(int fd, int command, int argument);

        /// <summary><see cref="FcntlInt(int, int, int)"/>, holding <paramref name="fd"/> open for the call.</summary>
        internal static int FcntlInt(SafeHandle fd, int command, int argument)
        {
            using var held = new HeldDescriptor(fd);
            return FcntlInt(held.Number, command, argument);
        }

        /// <summary>Makes <paramref name="handle"/> non-blocking (<c>O_NONBLOCK</c>). 0, or -1 + errno.</summary>
        internal static int SetNonBlockingFlag(SafeHandle handle)
        {
            int flags = FcntlInt(handle, FGetFl, 0);
            return flags < 0 ? -1 : FcntlInt(handle, FSetFl, flags | ONonBlock);
        }

        /// <summary>Sets or clears <c>FD_CLOEXEC</c>. Only tests clear it, to hand a descriptor to a child they start.</summary>
        internal static int SetCloseOnExec(SafeHandle handle, bool closeOnExec) => FcntlInt(handle, FSetFd, closeOnExec ? FdCloexec : 0);
    }
}
