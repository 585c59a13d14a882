using System.Runtime.InteropServices;

namespace Cordon.Backends.JavaScript;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int ORdOnly = 0;
        internal const int ONonBlock = 0x800;
        internal const int ODirectory = 0x10000;
        internal const int ONoFollow = 0x20000;
        internal const int OCloExec = 0x80000;
        internal const int OPath = 0x200000;

        /// <summary>RESOLVE_NO_XDEV, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, RESOLVE_BENEATH (linux/openat2.h).</summary>
        internal const ulong ResolveNoMagicLinks = 0x02, ResolveNoSymlinks = 0x04, ResolveBeneath = 0x08;

        /// <summary><c>__NR_openat2</c> (437 on x86-64 and arm64, Linux 5.6+).</summary>
        internal const long SysOpenAt2 = 437;

        internal const int Enoent = 2, Enosys = 38, Eloop = 40, Exdev = 18, Enotdir = 20, Eacces = 13, Eisdir = 21;

        /// <summary>openat2(2) through syscall(2) (glibc has no wrapper). <paramref name="path"/> is NUL-terminated UTF-8.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int OpenAt2(long number, int dirFd, byte[] path, ref OpenHow how, nuint size);

        /// <summary>open(2) of a trusted host path (a mount's root, chosen by the policy). <paramref name="path"/> is NUL-terminated UTF-8.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int Open(byte[] path, int flags);

        /// <summary>close(2).</summary>
        [DllImport(Libraries.Libc, EntryPoint = "close")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int Close(int fd);

        /// <summary>struct open_how.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct OpenHow
        {
            internal ulong Flags;
            internal ulong Mode;
            internal ulong Resolve;
        }
    }
}
