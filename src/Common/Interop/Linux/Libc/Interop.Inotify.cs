using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

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
        [LibraryImport(Libraries.Libc, EntryPoint = "inotify_init1", SetLastError = true)]
        internal static partial SafeFileHandle InotifyInit1(int flags);

        /// <summary>inotify_add_watch(2): the watch follows the inode, so opens through any mount (a bind mount in another namespace too) are reported.</summary>
        [LibraryImport(Libraries.Libc, EntryPoint = "inotify_add_watch", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
        internal static partial int InotifyAddWatch(SafeFileHandle fd, string path, uint mask);
    }
}
