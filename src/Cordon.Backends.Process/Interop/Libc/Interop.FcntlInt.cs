using System.Runtime.InteropServices;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int FDupFdCloexec = 1030;
        internal const int FGetFl = 3;
        internal const int FSetFl = 4;
        internal const int FGetFd = 1;
        internal const int FdCloexec = 1;

        [LibraryImport(Libraries.Libc, EntryPoint = "fcntl", SetLastError = true)]
        internal static partial int FcntlInt(int fd, int command, int argument);
    }
}
