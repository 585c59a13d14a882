using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

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

        /// <summary><c>fsopen(2)</c> (Linux 5.2+): a filesystem context. The descriptor, or -1 + errno.</summary>
        internal static unsafe int Fsopen(string fsName)
        {
            fixed (byte* name = Utf8z(fsName)) return (int)Syscall(SysFsopen, (nint)name, (nint)FsopenCloexec, 0, 0, 0);
        }

        /// <summary><c>fsconfig(2)</c> with a string value, or FSCONFIG_CMD_CREATE. 0, or -1 + errno.</summary>
        internal static unsafe int Fsconfig(int fd, uint command, string? key, string? value)
        {
            fixed (byte* k = Utf8z(key))
            fixed (byte* v = Utf8z(value))
            {
                return (int)Syscall(SysFsconfig, fd, (nint)command, (nint)k, (nint)v, 0);
            }
        }

        /// <summary><c>fsmount(2)</c>: a detached mount of the context, attached nowhere. The descriptor, or -1 + errno.</summary>
        internal static int Fsmount(int fd, uint attributes) => (int)Syscall(SysFsmount, fd, (nint)FsmountCloexec, (nint)attributes, 0, 0);

        [LibraryImport(Libraries.Libc, EntryPoint = "mkdirat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Mkdirat(SafeHandle dirfd, string path, uint mode);

        [LibraryImport(Libraries.Libc, EntryPoint = "fchownat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int Fchownat(SafeHandle dirfd, string path, uint uid, uint gid, int flags);
    }
}
