using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Backends.Process;

internal static partial class Interop
{
    internal static partial class Libc
    {
        private const long SysFsopen = 430;
        private const long SysFsconfig = 431;
        private const long SysFsmount = 432;

        internal const uint FsopenCloexec = 0x1;
        internal const uint FsconfigSetString = 1;
        internal const uint FsconfigCmdCreate = 6;
        internal const uint FsmountCloexec = 0x1;
        internal const uint MountAttrNosuid = 0x2;
        internal const uint MountAttrNodev = 0x4;

        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static partial long SyscallFsopen(long number, string fsName, uint flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        private static partial long SyscallFsconfig(long number, int fd, uint command, string? key, string? value, int aux);

        [LibraryImport(Libraries.Libc, EntryPoint = "syscall", SetLastError = true)]
        private static partial long SyscallFsmount(long number, int fd, uint flags, uint attributes);

        /// <summary><c>fsopen(2)</c> (Linux 5.2+): a filesystem context. The descriptor, or -1 + errno.</summary>
        internal static int Fsopen(string fsName) => (int)SyscallFsopen(SysFsopen, fsName, FsopenCloexec);

        /// <summary><c>fsconfig(2)</c> with a string value, or FSCONFIG_CMD_CREATE. 0, or -1 + errno.</summary>
        internal static int Fsconfig(int fd, uint command, string? key, string? value) => (int)SyscallFsconfig(SysFsconfig, fd, command, key, value, 0);

        /// <summary><c>fsmount(2)</c>: a detached mount of the context, attached nowhere. The descriptor, or -1 + errno.</summary>
        internal static int Fsmount(int fd, uint attributes) => (int)SyscallFsmount(SysFsmount, fd, FsmountCloexec, attributes);

        [LibraryImport(Libraries.Libc, EntryPoint = "mkdirat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Mkdirat(SafeHandle dirfd, string path, uint mode);

        /// <summary>AT_SYMLINK_NOFOLLOW.</summary>
        internal const int AtSymlinkNoFollow = 0x100;

        [LibraryImport(Libraries.Libc, EntryPoint = "fchownat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Fchownat(SafeHandle dirfd, string path, uint uid, uint gid, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "fchmodat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Fchmodat(SafeHandle dirfd, string path, uint mode, int flags);

        [LibraryImport(Libraries.Libc, EntryPoint = "close", SetLastError = true)]
        internal static partial int CloseNumber(int fd);
    }
}
