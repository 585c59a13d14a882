using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cordon.Selftest;

internal static partial class Interop
{
    internal static partial class Libc
    {
        internal const int InNonBlock = 0x800;
        internal const int InCloExec = 0x80000;
        internal const uint InAccess = 0x1;
        internal const uint InModify = 0x2;
        internal const uint InAttrib = 0x4;
        internal const uint InOpen = 0x20;

        /// <summary>inotify_init1(2). Invalid handle + errno on failure.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "inotify_init1", SetLastError = true)]
        internal static extern SafeFileHandle InotifyInit1(int flags);

        /// <summary>inotify_add_watch(2): the watch follows the inode, so opens through any mount (a bind mount in another namespace too) are reported.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "inotify_add_watch", SetLastError = true)]
        internal static extern int InotifyAddWatch(SafeFileHandle fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mask);

        /// <summary>read(2) into a managed buffer; -1 with EAGAIN when a non-blocking descriptor has nothing.</summary>
        [DllImport(Libraries.Libc, EntryPoint = "read", SetLastError = true)]
        internal static extern nint Read(SafeFileHandle fd, [Out] byte[] buffer, nuint count);
    }
}
